/**
 * Tiered compaction of a document's sealed blobs, decided by a pure planner (STYLE.md 12); the vault only
 * performs the plan. A document's blobs fall in tiers by size:
 *
 * - the **snapshot**: the largest blob, and every blob of at least SNAPSHOT_PART_BYTES (a snapshot above
 *   MAX_BLOB_BYTES is stored in parts), the whole garbage-collected document;
 * - **tail** blobs: merged runs of batches, in levels by size: level 1 from BATCH_BLOB_BYTES, each level
 *   TAIL_BLOBS times wider than the one below (a size-tiered log);
 * - **batches** (level 0): what typing seals every pause (below BATCH_BLOB_BYTES).
 *
 * TAIL_BATCHES batches merge into one tail blob; TAIL_BLOBS tail blobs of one level merge into one, which
 * lands a level up; the snapshot is rewritten only when the tail passes SNAPSHOT_FRACTION of it. So a byte
 * is rewritten about once per level, never once per merge. Only blobs that opened are ever merged (one that
 * did not stays, for a member who holds its key). src/lib/sync/FORMAT.md states the write amplification.
 */

/** Blobs below this are batches (typing seals about 160 bytes per pause; 64 of them merged are above it). */
export const BATCH_BLOB_BYTES = 512;
/** This many batches merge into one tail blob… */
export const TAIL_BATCHES = 64;
/** …this many tail blobs of one level into one, and each level is this many times wider than the one below. */
export const TAIL_BLOBS = 8;
/** The snapshot is rewritten once the tail together passes this fraction of it. */
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

/** The tail level of a blob that is not part of the snapshot: 0 for batches, then one per TAIL_BLOBS× wider band. */
export function tailLevel(bytes: number): number {
	if (bytes < BATCH_BLOB_BYTES) return 0;
	let level = 1;
	for (let bound = BATCH_BLOB_BYTES * TAIL_BLOBS; bytes >= bound; bound *= TAIL_BLOBS) level++;
	return level;
}

/** Decides the compaction of one document from its blobs, in array order. */
export function planCompaction(blobs: readonly PlannedBlob[]): CompactionPlan {
	const opened = blobs.flatMap((blob, index) => (blob.opened ? [{ index, bytes: blob.bytes }] : []));
	if (opened.length < 2) return { kind: 'none' };
	let largest = opened[0]!;
	for (const blob of opened) if (blob.bytes > largest.bytes) largest = blob;
	const isSnapshot = (blob: { index: number; bytes: number }) => blob === largest || blob.bytes >= SNAPSHOT_PART_BYTES;
	const snapshotBytes = opened.filter(isSnapshot).reduce((sum, blob) => sum + blob.bytes, 0);
	const levels = new Map<number, { index: number; bytes: number }[]>();
	for (const blob of opened) {
		if (isSnapshot(blob)) continue;
		const level = tailLevel(blob.bytes);
		levels.set(level, [...(levels.get(level) ?? []), blob]);
	}
	// Batches are mostly seal overhead: only merged content (the tail) is weighed against the snapshot.
	let tailBytes = 0;
	for (const [level, members] of levels) if (level > 0) for (const blob of members) tailBytes += blob.bytes;
	if (tailBytes > SNAPSHOT_FRACTION * snapshotBytes) return { kind: 'snapshot', merge: opened.map((blob) => blob.index) };
	// The lowest level that is full merges first; its blob lands a level up (or stays, when merging squashed it).
	for (const level of [...levels.keys()].sort((a, b) => a - b)) {
		const members = levels.get(level)!;
		if (members.length < (level === 0 ? TAIL_BATCHES : TAIL_BLOBS)) continue;
		const merge = withinBlob(members);
		if (merge.length >= 2) return { kind: 'tail', merge };
	}
	return { kind: 'none' };
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
