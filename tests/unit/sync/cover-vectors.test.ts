import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { coveredBy, reachOf } from '../../../src/lib/sync/cover';

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));

/** The covered-deletion block of FORMAT.md. */
function vector(): { deleted: string[]; snapshot: string; partial: string; text: string } {
	const format = readFileSync(new URL('../../../src/lib/sync/FORMAT.md', import.meta.url), 'utf8');
	const section = format.slice(format.indexOf('### Nothing destroyed'));
	const block = /```json\n([\s\S]*?)```/.exec(section);
	if (!block) throw new Error('no vector block under "Nothing destroyed"');
	return JSON.parse(block[1]!);
}

describe('covered deletion (FORMAT.md vectors)', () => {
	const { deleted, snapshot, partial, text } = vector();

	it('the deleted updates and the snapshot make the same document', () => {
		const fromBlobs = new Y.Doc();
		for (const update of deleted) Y.applyUpdateV2(fromBlobs, hex(update));
		const fromSnapshot = new Y.Doc();
		Y.applyUpdateV2(fromSnapshot, hex(snapshot));
		expect(fromBlobs.getText('body').toString()).toBe(text);
		expect(fromSnapshot.getText('body').toString()).toBe(text);
	});

	it('a snapshot covers every blob it replaces', () => {
		const reach = reachOf([hex(snapshot)]);
		for (const update of deleted) expect(coveredBy(hex(update), reach)).toBe(true);
	});

	it('a merge of some blobs covers those and not the others', () => {
		const reach = reachOf([hex(partial)]);
		expect(deleted.map((update) => coveredBy(hex(update), reach))).toEqual([true, true, false]);
		// The same verdict as a Yjs diff: what the third blob has beyond the partial merge is not empty.
		const beyond = Y.diffUpdateV2(hex(deleted[2]!), Y.encodeStateVectorFromUpdateV2(hex(partial)));
		expect(Y.parseUpdateMetaV2(beyond).to.size).toBeGreaterThan(0);
	});

	it('a merged tail covers the blobs it merged, though it holds its clients from a clock above 0 on', () => {
		const doc = new Y.Doc();
		const updates: Uint8Array[] = [];
		doc.on('updateV2', (update: Uint8Array) => updates.push(update));
		for (const word of ['One.', ' Two.', ' Three.', ' Four.', ' Five.']) doc.getText('body').insert(doc.getText('body').length, word);
		const tail = Y.mergeUpdatesV2(updates.slice(2));
		const reach = reachOf([tail]);
		expect(updates.map((update) => coveredBy(update, reach))).toEqual([false, false, true, true, true]);
		// Two tails that leave a gap between them cover neither side of the gap.
		const split = reachOf([updates[0]!, Y.mergeUpdatesV2(updates.slice(3))]);
		expect(updates.map((update) => coveredBy(update, split))).toEqual([true, false, false, true, true]);
	});

	it('nothing added covers nothing', () => {
		expect(coveredBy(hex(deleted[0]!), reachOf([]))).toBe(false);
	});
});
