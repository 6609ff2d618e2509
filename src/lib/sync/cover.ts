/**
 * The covered-deletion rule (FORMAT.md "Nothing destroyed"), pure: an outer deletion of a document's blobs
 * counts only as compaction, so the same outer transaction must add blobs whose content covers what was
 * deleted. A blob's content is covered when every struct it carries lies within the clock ranges the added
 * blobs hold for that struct's client (the snapshot and merged-tail updates compaction writes keep every
 * struct's id, garbage collected or not). Ranges, not a state vector: a merged tail holds a client's structs
 * from some clock on, and a state vector of it would say it holds none of them. Deletion sets are not
 * compared: a blob that drops a deletion brings text back, it destroys nothing.
 */
import * as Y from 'yjs';

/** Per client id, the clock ranges `[from, to)` a set of updates holds together: sorted, disjoint. */
export type Reach = Map<number, [number, number][]>;

/** The structs of a v2 update as clock ranges per client (Skips, the gaps of a merged update, left out). */
function ranges(update: Uint8Array): Reach {
	const byClient: Reach = new Map();
	for (const struct of Y.decodeUpdateV2(update).structs) {
		if (struct instanceof Y.Skip) continue;
		const { client, clock } = struct.id;
		let list = byClient.get(client);
		if (!list) byClient.set(client, (list = []));
		list.push([clock, clock + struct.length]);
	}
	return byClient;
}

/** The clock ranges a set of v2 updates holds together, adjacent and overlapping ranges joined. */
export function reachOf(updates: readonly Uint8Array[]): Reach {
	const all: Reach = new Map();
	for (const update of updates) {
		for (const [client, list] of ranges(update)) {
			const held = all.get(client);
			if (held) held.push(...list);
			else all.set(client, list);
		}
	}
	for (const [client, list] of all) {
		list.sort((a, b) => a[0] - b[0]);
		const joined: [number, number][] = [];
		for (const [from, to] of list) {
			const last = joined[joined.length - 1];
			if (last && from <= last[1]) last[1] = Math.max(last[1], to);
			else joined.push([from, to]);
		}
		all.set(client, joined);
	}
	return all;
}

/** Whether every struct of the v2 update `update` lies within `reach`. */
export function coveredBy(update: Uint8Array, reach: Reach): boolean {
	for (const [client, list] of ranges(update)) {
		const held = reach.get(client) ?? [];
		for (const [from, to] of list) {
			if (!held.some(([start, end]) => start <= from && to <= end)) return false;
		}
	}
	return true;
}
