import { describe, expect, it } from 'vitest';
import {
	BATCH_BLOB_BYTES,
	MAX_BLOB_BYTES,
	SNAPSHOT_FRACTION,
	TAIL_BATCHES,
	TAIL_BLOBS,
	planCompaction,
	type CompactionPlan,
	type PlannedBlob
} from '../../../src/lib/sync/compaction';

const opened = (bytes: number): PlannedBlob => ({ bytes, opened: true });
const refused = (bytes: number): PlannedBlob => ({ bytes, opened: false });
const batches = (count: number, bytes = 220) => Array.from({ length: count }, () => opened(bytes));

/** The blobs after a plan is performed: merged ones gone, the merged blob (of `bytes`) at the end. */
function perform(blobs: PlannedBlob[], plan: CompactionPlan, bytes: number): PlannedBlob[] {
	if (plan.kind === 'none') return blobs;
	const merged = new Set(plan.merge);
	return [...blobs.filter((_, index) => !merged.has(index)), opened(bytes)];
}

describe('compaction planner', () => {
	it('leaves a document alone below every threshold', () => {
		expect(planCompaction([])).toEqual({ kind: 'none' });
		expect(planCompaction([opened(50_000)])).toEqual({ kind: 'none' });
		expect(planCompaction([opened(50_000), ...batches(TAIL_BATCHES - 1)])).toEqual({ kind: 'none' });
	});

	it('merges batches into a tail blob once there are TAIL_BATCHES of them, leaving the snapshot', () => {
		const blobs = [opened(50_000), ...batches(TAIL_BATCHES)];
		const plan = planCompaction(blobs);
		expect(plan.kind).toBe('tail');
		expect(plan.kind !== 'none' && plan.merge).toEqual(Array.from({ length: TAIL_BATCHES }, (_, index) => index + 1));
	});

	it('merges the smaller half of the tail blobs once there are TAIL_BLOBS of them', () => {
		const tails = Array.from({ length: TAIL_BLOBS }, (_, index) => opened(BATCH_BLOB_BYTES + 100 * (TAIL_BLOBS - index)));
		const blobs = [opened(500_000), ...tails];
		const plan = planCompaction(blobs);
		expect(plan.kind).toBe('tail');
		// The smallest are the last ones here.
		expect(plan.kind !== 'none' && plan.merge).toEqual(Array.from({ length: TAIL_BLOBS / 2 }, (_, index) => index + 1 + TAIL_BLOBS / 2));
	});

	it('rewrites the snapshot only when the tail passes SNAPSHOT_FRACTION of it', () => {
		const snapshot = 40_000;
		const under = [opened(snapshot), opened(Math.floor(SNAPSHOT_FRACTION * snapshot) - 10_000), opened(10_000)];
		expect(planCompaction(under).kind).not.toBe('snapshot');
		const over = [opened(snapshot), opened(Math.floor(SNAPSHOT_FRACTION * snapshot) - 10_000), opened(10_001)];
		expect(planCompaction(over)).toEqual({ kind: 'snapshot', merge: [0, 1, 2] });
		// Batches are mostly seal overhead and never weigh against the snapshot on their own.
		expect(planCompaction([opened(snapshot), ...batches(TAIL_BATCHES - 1, BATCH_BLOB_BYTES - 1)]).kind).toBe('none');
	});

	it('counts every part of a snapshot stored in several blobs as snapshot', () => {
		const parts = [opened(MAX_BLOB_BYTES - 10), opened(MAX_BLOB_BYTES - 20), opened(700_000)];
		expect(planCompaction([...parts, opened(100_000)]).kind).toBe('none');
	});

	it('never merges a blob that did not open', () => {
		const blobs = [refused(90_000), opened(50_000), ...batches(TAIL_BATCHES), refused(300), opened(60_000)];
		for (const plan of [planCompaction(blobs), planCompaction([refused(10), opened(5000), opened(4000), opened(3000)])]) {
			expect(plan.kind).not.toBe('none');
			if (plan.kind === 'none') continue;
			for (const index of plan.merge) expect(index === 0 || index === TAIL_BATCHES + 2).toBe(false);
		}
		expect(planCompaction([refused(10), refused(10), opened(10)])).toEqual({ kind: 'none' });
	});

	it('keeps merged blobs within MAX_BLOB_BYTES', () => {
		const parts = Array.from({ length: 8 }, () => opened(MAX_BLOB_BYTES - 1));
		const blobs = [...parts, ...Array.from({ length: TAIL_BLOBS }, () => opened(400_000))];
		const plan = planCompaction(blobs);
		expect(plan.kind).toBe('tail');
		if (plan.kind === 'none') return;
		expect(plan.merge.reduce((sum, index) => sum + blobs[index]!.bytes, 0)).toBeLessThanOrEqual(MAX_BLOB_BYTES);
	});

	it('is deterministic and reaches a fixed point, so members planning the same blobs at once agree and stop', () => {
		let blobs: PlannedBlob[] = [opened(30_000)];
		for (let round = 0; round < 2_000; round++) {
			blobs = [...blobs, opened(200 + (round % 7) * 13)];
			const plan = planCompaction(blobs);
			expect(planCompaction(blobs)).toEqual(plan);
			if (plan.kind === 'none') continue;
			// Merging shrinks (one seal instead of many, GC in snapshots): the merged blob is smaller than its parts.
			const size = plan.merge.reduce((sum, index) => sum + blobs[index]!.bytes, 0);
			let after = perform(blobs, plan, plan.kind === 'snapshot' ? Math.floor(size * 0.6) : Math.floor(size * 0.3));
			// A tail merge may make the tail pass the snapshot: then one snapshot follows, and nothing after it.
			const next = planCompaction(after);
			if (next.kind !== 'none') {
				expect(next.kind).toBe('snapshot');
				after = perform(after, next, 30_000);
			}
			expect(planCompaction(after)).toEqual({ kind: 'none' });
			// Two members performed the same plan concurrently: both merged blobs stay, the merged ones go once.
			const both = [...after, after[after.length - 1]!];
			const again = planCompaction(both);
			if (again.kind !== 'none') expect(planCompaction(perform(both, again, 1)).kind).toBe('none');
			blobs = after;
		}
		expect(blobs.length).toBeLessThan(TAIL_BATCHES + TAIL_BLOBS + 2);
	});
});
