import { randomBytes } from 'node:crypto';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { encodeDeleteSet, encodeFrame, planFrames } from '../../sync-server/src/frames';
import { COMPACT_AFTER_ROWS, COMPACT_SLACK_BYTES, compactionDue } from '../../sync-server/src/rooms';

const KB = 1024;

/** A garbage-collected document built by several clients with inserts, deletes, blobs and map writes. */
function randomHistory(seed: number, steps: number): { docs: Y.Doc[]; relay: Y.Doc } {
	let state = seed;
	const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
	const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
	const relay = new Y.Doc();
	for (const doc of docs) doc.on('update', (update: Uint8Array) => Y.applyUpdate(relay, update));
	for (let step = 0; step < steps; step++) {
		const doc = docs[Math.floor(random() * docs.length)]!;
		// Writers see each other now and then, so later structs depend on other clients' structs.
		if (random() < 0.3) Y.applyUpdate(doc, Y.encodeStateAsUpdate(relay, Y.encodeStateVector(doc)));
		const text = doc.getText('body');
		const choice = random();
		if (choice < 0.4) text.insert(Math.floor(random() * (text.length + 1)), 'abc'.repeat(1 + Math.floor(random() * 300)));
		else if (choice < 0.6 && text.length > 0) {
			const at = Math.floor(random() * text.length);
			text.delete(at, Math.min(text.length - at, Math.floor(random() * 500)));
		} else if (choice < 0.8) doc.getArray<Uint8Array>('blobs').push([new Uint8Array(randomBytes(Math.floor(random() * 6 * KB)))]);
		else doc.getMap<number>('meta').set(`k${Math.floor(random() * 10)}`, step);
	}
	return { docs, relay };
}

function sameContent(a: Y.Doc, b: Y.Doc): void {
	expect(a.getText('body').toString()).toBe(b.getText('body').toString());
	expect(a.getArray('blobs').toJSON()).toEqual(b.getArray('blobs').toJSON());
	expect(a.getMap('meta').toJSON()).toEqual(b.getMap('meta').toJSON());
}

describe('first sync frames from the in-memory document', () => {
	for (const seed of [1, 2, 3, 4]) {
		it(`a newcomer and a returning member both end equal to the room, in frames below the limit (seed ${seed})`, () => {
			const { docs, relay } = randomHistory(seed, 250);
			const limit = 8 * KB;
			// A newcomer (empty state vector) and a member who saw part of the history.
			const returning = new Y.Doc();
			Y.applyUpdate(returning, Y.encodeStateAsUpdate(docs[1]!));
			for (const client of [new Y.Doc(), returning]) {
				const stateVector = Y.encodeStateVector(client);
				const whole = Y.encodeStateAsUpdate(relay, stateVector).byteLength;
				const plan = planFrames(relay, Y.decodeStateVector(stateVector), limit);
				let total = 0;
				for (const frame of plan.frames) {
					const update = encodeFrame(relay, frame);
					total += update.byteLength;
					// Only a frame of one struct may pass the limit (the blobs here are all below it).
					expect(update.byteLength).toBeLessThanOrEqual(limit + 64);
					Y.applyUpdate(client, update);
				}
				Y.applyUpdate(client, encodeDeleteSet(relay));
				expect(client.store.pendingStructs).toBeNull();
				sameContent(client, relay);
				// Framing costs little over one whole update.
				expect(total).toBeLessThan(whole * 1.1 + 1 * KB);
				expect(Math.abs(plan.bytes - total)).toBeLessThan(plan.frames.length * 64 + 64);
			}
		});
	}

	it('a struct larger than the limit is a frame of its own', () => {
		const doc = new Y.Doc();
		const big = new Uint8Array(randomBytes(20 * KB));
		doc.getArray<Uint8Array>('blobs').push([new Uint8Array(10), big, new Uint8Array(10)]);
		const plan = planFrames(doc, new Map(), 4 * KB);
		expect(plan.frames.length).toBeGreaterThanOrEqual(2);
		const copy = new Y.Doc();
		for (const frame of plan.frames) Y.applyUpdate(copy, encodeFrame(doc, frame));
		expect(copy.getArray<Uint8Array>('blobs').get(1)).toEqual(big);
	});

	it('an up-to-date client gets no frames', () => {
		const { relay } = randomHistory(9, 50);
		expect(planFrames(relay, Y.decodeStateVector(Y.encodeStateVector(relay)), 4 * KB)).toEqual({ frames: [], bytes: 0 });
	});

	it('a plan stays valid when the document changes while it streams', () => {
		const { docs, relay } = randomHistory(5, 200);
		const plan = planFrames(relay, new Map(), 2 * KB);
		const client = new Y.Doc();
		for (const [index, frame] of plan.frames.entries()) {
			if (index === 1) {
				// Deleting and adding between frames: the planned ranges still encode.
				const text = docs[0]!.getText('body');
				text.delete(0, Math.min(100, text.length));
				text.insert(0, 'late');
				Y.applyUpdate(relay, Y.encodeStateAsUpdate(docs[0]!));
			}
			Y.applyUpdate(client, encodeFrame(relay, frame));
		}
		// What changed after planning arrives as broadcasts; here, one more sync.
		Y.applyUpdate(client, Y.encodeStateAsUpdate(relay, Y.encodeStateVector(client)));
		sameContent(client, relay);
	});
});

describe('when the relay compacts a room', () => {
	it('compacts when stored bytes pass the live state by the ratio and slack, or rows pile up', () => {
		expect(compactionDue({ storedRows: 0, storedBytes: 0, liveBytes: 0 })).toBe(false);
		expect(compactionDue({ storedRows: 3, storedBytes: COMPACT_SLACK_BYTES, liveBytes: 0 })).toBe(false);
		expect(compactionDue({ storedRows: 3, storedBytes: COMPACT_SLACK_BYTES + 1, liveBytes: 0 })).toBe(true);
		expect(compactionDue({ storedRows: 2, storedBytes: 1_000_000, liveBytes: 800_000 })).toBe(false);
		expect(compactionDue({ storedRows: 2, storedBytes: 1_100_000, liveBytes: 800_000 })).toBe(true);
		// One row holding deleted content (a client's first upload) is rewritten too.
		expect(compactionDue({ storedRows: 1, storedBytes: 1_000_000, liveBytes: 1_000 })).toBe(true);
		expect(compactionDue({ storedRows: COMPACT_AFTER_ROWS, storedBytes: 10, liveBytes: 10 })).toBe(true);
		expect(compactionDue({ storedRows: COMPACT_AFTER_ROWS - 1, storedBytes: 10, liveBytes: 10 })).toBe(false);
	});
});
