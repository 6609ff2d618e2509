/**
 * The vault's compaction decisions, as pure functions of a document's blobs (STYLE.md 12); the vault only
 * performs the plan.
 */

/** Compact a document's blobs past this many… */
export const COMPACT_BLOBS = 200;
/** …or past this many bytes. */
export const COMPACT_BYTES = 256 * 1024;
/** Members wait a random part of this before compacting, so they rarely compact the same doc at once. */
export const COMPACT_JITTER_MS = 8_000;
/**
 * Merged blobs stay below this: under the relay's 2 MB frame limit and small enough to cross a 50 kB/s link
 * well within y-websocket's 30-second silence timer. Larger documents are compacted into several blobs.
 */
export const MAX_BLOB_BYTES = 1024 * 1024;

/** Whether a document's blobs call for compaction. */
export function shouldCompact(blobs: { count: number; bytes: number; bytesAfterLastCompaction: number }): boolean {
	// Past the byte threshold only once the blobs have grown well beyond the last snapshot: a large guide
	// is not compacted again after every pause.
	const tooBig = blobs.bytes > COMPACT_BYTES && blobs.bytes > 2 * blobs.bytesAfterLastCompaction;
	return blobs.count > COMPACT_BLOBS || tooBig;
}

/**
 * Groups consecutive updates (by their sizes) into runs whose total stays within `max`, for a document whose
 * snapshot would exceed one blob: returns the runs as lists of indexes, in order.
 */
export function planRuns(sizes: readonly number[], max = MAX_BLOB_BYTES): number[][] {
	const runs: number[][] = [];
	let run: number[] = [];
	let size = 0;
	sizes.forEach((bytes, index) => {
		if (run.length > 0 && size + bytes > max) {
			runs.push(run);
			run = [];
			size = 0;
		}
		run.push(index);
		size += bytes;
	});
	if (run.length > 0) runs.push(run);
	return runs;
}
