import { describe, expect, it } from 'vitest';
import {
	BATCH_BLOB_BYTES,
	MAX_BLOB_BYTES,
	SNAPSHOT_FRACTION,
	TAIL_BATCHES,
	TAIL_BLOBS,
	planCompaction,
	tailLevel,
	type CompactionPlan,
	type PlannedBlob
} from '../../../src/lib/sync/compaction';

const opened = (bytes: number): PlannedBlob => ({ bytes, opened: true });
const refused = (bytes: number): PlannedBlob => ({ bytes, opened: false });
const batches = (count: number, bytes = 160) => Array.from({ length: count }, () => opened(bytes));

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

	it('sorts tail blobs into levels, each TAIL_BLOBS times wider than the one below', () => {
		expect(tailLevel(BATCH_BLOB_BYTES - 1)).toBe(0);
		expect(tailLevel(BATCH_BLOB_BYTES)).toBe(1);
		expect(tailLevel(BATCH_BLOB_BYTES * TAIL_BLOBS - 1)).toBe(1);
		expect(tailLevel(BATCH_BLOB_BYTES * TAIL_BLOBS)).toBe(2);
		expect(tailLevel(BATCH_BLOB_BYTES * TAIL_BLOBS ** 2)).toBe(3);
	});

	it('merges the tail blobs of a level once there are TAIL_BLOBS of them, and only those', () => {
		const level1 = BATCH_BLOB_BYTES + 100;
		const level2 = BATCH_BLOB_BYTES * TAIL_BLOBS + 100;
		// A full level 2 and an almost full level 1, interleaved: level 2 merges, level 1 waits.
		const tails = Array.from({ length: TAIL_BLOBS }, () => opened(level2));
		const ones = Array.from({ length: TAIL_BLOBS - 1 }, () => opened(level1));
		const blobs = [opened(500_000), ...tails.flatMap((tail, index) => (ones[index] ? [tail, ones[index]!] : [tail]))];
		const plan = planCompaction(blobs);
		expect(plan.kind).toBe('tail');
		if (plan.kind === 'none') return;
		expect(plan.merge.map((index) => blobs[index]!.bytes)).toEqual(Array.from({ length: TAIL_BLOBS }, () => level2));
		// One more level-1 blob: the lowest full level goes first.
		const fuller = [...blobs, opened(level1)];
		const first = planCompaction(fuller);
		expect(first.kind !== 'none' && first.merge.map((index) => fuller[index]!.bytes)).toEqual(Array.from({ length: TAIL_BLOBS }, () => level1));
	});

	it('rewrites a byte about once per level, not once per merge', () => {
		// A long typing session: each merge is as large as its parts less their seals (no squashing assumed).
		const seal = 145;
		let blobs: PlannedBlob[] = [opened(2_000_000 - 1)];
		let typed = 0;
		let written = 0;
		for (let batch = 0; batch < 20_000; batch++) {
			blobs = [...blobs, opened(160)];
			typed += 160 - seal;
			for (let plan = planCompaction(blobs); plan.kind !== 'none'; plan = planCompaction(blobs)) {
				expect(plan.kind).toBe('tail');
				const size = plan.merge.reduce((sum, index) => sum + blobs[index]!.bytes - seal, 0) + seal;
				written += size;
				blobs = perform(blobs, plan, size);
			}
		}
		// Four levels between a batch and a snapshot part: content is merged at most about four times over.
		expect(written).toBeLessThan(5 * typed);
		expect(blobs.length).toBeLessThan(TAIL_BATCHES + 4 * TAIL_BLOBS);
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
		const blobs = [...parts, ...Array.from({ length: TAIL_BLOBS }, () => opened(300_000))];
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
		expect(blobs.length).toBeLessThan(TAIL_BATCHES + 4 * TAIL_BLOBS + 2);
	});
});
