/**
 * The covered-deletion rule (FORMAT.md "Nothing destroyed"), pure: an outer deletion of a document's blobs
 * counts only as compaction, so the same outer transaction must add blobs whose content covers what was
 * deleted. A blob's content is covered when, for every client id it carries structs of, the added blobs
 * together reach at least as far in that client's clock (the snapshot and merged-tail updates compaction
 * writes keep every struct's id, garbage collected or not). Deletion sets are not compared: a blob that
 * drops a deletion brings text back, it destroys nothing.
 */
import * as Y from 'yjs';

/** How far (next clock per client id) a set of v2 updates reaches together. */
export function reachOf(updates: readonly Uint8Array[]): Map<number, number> {
	if (updates.length === 0) return new Map();
	const merged = updates.length === 1 ? updates[0]! : Y.mergeUpdatesV2([...updates]);
	return Y.decodeStateVector(Y.encodeStateVectorFromUpdateV2(merged));
}

/** Whether every struct of the v2 update `update` lies within `reach`. */
export function coveredBy(update: Uint8Array, reach: Map<number, number>): boolean {
	const { to } = Y.parseUpdateMetaV2(update);
	for (const [client, clock] of to) if ((reach.get(client) ?? 0) < clock) return false;
	return true;
}
