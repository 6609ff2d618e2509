/**
 * Tiered compaction of a document's sealed blobs, decided by a pure planner (STYLE.md 12); the vault only
 * performs the plan. A document's blobs fall in three tiers by size:
 *
 * - the **snapshot**: the largest blob, and every blob of at least SNAPSHOT_PART_BYTES (a snapshot above
 *   MAX_BLOB_BYTES is stored in parts), the whole garbage-collected document;
 * - **tail** blobs: merged runs of batches (BATCH_BLOB_BYTES or more, below the snapshot);
 * - **batches**: what typing seals every pause (below BATCH_BLOB_BYTES).
 *
 * TAIL_BATCHES batches merge into one new tail blob; TAIL_BLOBS tail blobs merge into one; the snapshot is
 * rewritten only when everything besides it passes SNAPSHOT_FRACTION of it. Only blobs that opened are
 * ever merged (one that did not stays, for a member who holds its key). src/lib/sync/FORMAT.md states the
 * write amplification this bounds.
 */

/** Blobs below this are batches (typing seals a few hundred bytes per pause). */
export const BATCH_BLOB_BYTES = 2 * 1024;
/** This many batches merge into one tail blob… */
export const TAIL_BATCHES = 64;
/** …and this many tail blobs into one. */
export const TAIL_BLOBS = 16;
/** The snapshot is rewritten once the batches and tail together pass this fraction of it. */
export const SNAPSHOT_FRACTION = 1;
/**
 * Merged blobs stay below this: under the relay's 2 MB frame limit and small enough to cross a 50 kB/s link
 * well within y-websocket's 30-second silence timer. Larger snapshots are stored in several parts.
 */
export const MAX_BLOB_BYTES = 1024 * 1024;
/** Blobs this large are parts of a snapshot, never tail. */
export const SNAPSHOT_PART_BYTES = MAX_BLOB_BYTES / 2;
/** Members wait a random part of this before compacting, so they rarely compact the same doc at once. */
export const COMPACT_JITTER_MS = 8_000;

/** A blob as the planner sees it: its size, and whether it opened on this device. */
export interface PlannedBlob {
	bytes: number;
	opened: boolean;
}

/** What to do with a document's blobs: nothing, merge some into a tail blob, or rewrite the snapshot. */
export type CompactionPlan =
	| { kind: 'none' }
	/** Replace blobs `merge` (indexes, in array order) by one blob of their merged updates. */
	| { kind: 'tail'; merge: number[] }
	/** Replace blobs `merge` by a snapshot of the whole document. */
	| { kind: 'snapshot'; merge: number[] };

/** Decides the compaction of one document from its blobs, in array order. */
export function planCompaction(blobs: readonly PlannedBlob[]): CompactionPlan {
	const opened = blobs.flatMap((blob, index) => (blob.opened ? [{ index, bytes: blob.bytes }] : []));
	if (opened.length < 2) return { kind: 'none' };
	let largest = opened[0]!;
	for (const blob of opened) if (blob.bytes > largest.bytes) largest = blob;
	const isSnapshot = (blob: { index: number; bytes: number }) => blob === largest || blob.bytes >= SNAPSHOT_PART_BYTES;
	const snapshotBytes = opened.filter(isSnapshot).reduce((sum, blob) => sum + blob.bytes, 0);
	const rest = opened.filter((blob) => !isSnapshot(blob));
	const batches = rest.filter((blob) => blob.bytes < BATCH_BLOB_BYTES);
	const tails = rest.filter((blob) => blob.bytes >= BATCH_BLOB_BYTES);
	// Batches are mostly seal overhead: only merged content (the tail) is weighed against the snapshot.
	const tailBytes = tails.reduce((sum, blob) => sum + blob.bytes, 0);
	if (tailBytes > SNAPSHOT_FRACTION * snapshotBytes) return { kind: 'snapshot', merge: opened.map((blob) => blob.index) };
	let merging: { index: number; bytes: number }[] = [];
	if (tails.length >= TAIL_BLOBS) {
		// The smaller half, like a size-tiered log: each byte climbs a tier per merge, a few times at most.
		merging = [...tails].sort((a, b) => a.bytes - b.bytes || a.index - b.index).slice(0, TAIL_BLOBS / 2).sort((a, b) => a.index - b.index);
	} else if (batches.length >= TAIL_BATCHES) {
		merging = batches;
	}
	const merge = withinBlob(merging);
	return merge.length < 2 ? { kind: 'none' } : { kind: 'tail', merge };
}
/** The first blobs (in array order) whose merge stays within MAX_BLOB_BYTES. */
function withinBlob(blobs: { index: number; bytes: number }[]): number[] {
	const merge: number[] = [];
	let bytes = 0;
	for (const blob of blobs) {
		if (bytes + blob.bytes > MAX_BLOB_BYTES) break;
		merge.push(blob.index);
		bytes += blob.bytes;
	}
	return merge;
}
