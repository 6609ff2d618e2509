import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { onlyOwnRosterOps, RosterLog } from '../../../src/lib/sync/roster-log';
import { group, person, replica } from './helpers';

/** What a device holding a copy of `meta` would write: the v2 update of `change` made on that copy. */
function updateFrom(meta: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(meta));
	const before = Y.encodeStateVector(copy);
	change(copy);
	return Y.encodeStateAsUpdateV2(copy, before);
}

describe('a meta-doc blob from someone the roster does not admit', () => {
	const g = group();
	const ada = person('Ada');
	const joiner = person('Jo');
	const other = person('Mo');
	const meta = replica([g.create(ada)]);
	meta.getMap('meta').set('name', 'Tenants');

	it('passes when it only appends their own join', () => {
		const update = updateFrom(meta, (doc) => doc.getArray('roster').push([g.join(joiner)]));
		expect(onlyOwnRosterOps(meta, update, joiner.key)).toBe(true);
	});

	it('is refused when it also changes anything else, joins for someone else, deletes, or adds nothing', () => {
		const withRename = updateFrom(meta, (doc) => {
			doc.getArray('roster').push([g.join(joiner)]);
			doc.getMap('meta').set('name', 'Hacked');
		});
		expect(onlyOwnRosterOps(meta, withRename, joiner.key)).toBe(false);
		expect(onlyOwnRosterOps(meta, updateFrom(meta, (doc) => doc.getArray('roster').push([g.join(other)])), joiner.key)).toBe(false);
		expect(onlyOwnRosterOps(meta, updateFrom(meta, (doc) => doc.getArray('roster').delete(0, 1)), joiner.key)).toBe(false);
		expect(onlyOwnRosterOps(meta, updateFrom(meta, (doc) => doc.getArray('roster').push([g.op(joiner, { type: 'approve', member: joiner.key })])), joiner.key)).toBe(false);
		expect(onlyOwnRosterOps(meta, updateFrom(meta, (doc) => doc.getMap('meta').set('name', 'Hacked')), joiner.key)).toBe(false);
		expect(onlyOwnRosterOps(meta, new Uint8Array([1, 2, 3]), joiner.key)).toBe(false);
	});

	it('leaves the real meta doc untouched while checking', () => {
		const log = new RosterLog(meta, g.groupId);
		const before = log.entries().length;
		onlyOwnRosterOps(meta, updateFrom(meta, (doc) => doc.getArray('roster').push([g.join(joiner)])), joiner.key);
		expect(log.entries().length).toBe(before);
		expect(log.current().members.has(ada.key)).toBe(true);
	});
});
