import * as Y from 'yjs';
import { toBase64Url } from '../../../src/lib/sync/bytes';
import { newDeviceKeys, newGroupId, type DeviceKeys } from '../../../src/lib/sync/crypto';
import { newBoxKeys } from '../../../src/lib/sync/key-box';
import { rosterEntry, type RosterAction, type RosterEntry } from '../../../src/lib/sync/roster';

/** A person in a roster test: signing keys, a box key, and their key as the roster names it. */
export interface Person {
	keys: DeviceKeys;
	key: string;
	box: string;
	name: string;
}

export function person(name: string): Person {
	const keys = newDeviceKeys();
	return { keys, key: toBase64Url(keys.publicKey), box: toBase64Url(newBoxKeys().publicKey), name };
}

export const DAY = 24 * 60 * 60 * 1000;

/** A group id and a way to sign operations in it at increasing times. */
export function group() {
	const groupId = newGroupId();
	let clock = 1_000_000;
	return {
		groupId,
		op(author: Person, action: RosterAction, at = (clock += 1000)): RosterEntry {
			return rosterEntry(groupId, action, author.keys, at);
		},
		create(author: Person, at?: number): RosterEntry {
			return this.op(author, { type: 'create', name: author.name, box: author.box }, at);
		},
		join(joiner: Person, invite?: string, at?: number): RosterEntry {
			return this.op(joiner, { type: 'join', name: joiner.name, box: joiner.box, ...(invite ? { invite } : {}) }, at);
		}
	};
}

/** A replica's roster log: a Y.Doc with the meta doc's `roster` array. */
export function replica(entries: RosterEntry[] = []): Y.Doc {
	const doc = new Y.Doc();
	if (entries.length > 0) doc.getArray<RosterEntry>('roster').push(entries);
	return doc;
}

/** Syncs two replicas both ways (as the relay would). */
export function sync(a: Y.Doc, b: Y.Doc): void {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

export function log(doc: Y.Doc): RosterEntry[] {
	return doc.getArray<RosterEntry>('roster').toArray();
}
