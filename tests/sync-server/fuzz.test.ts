import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { connectClient, eventually, randomRoom, randomToken, type TestClient } from '../helpers/clients';
import { openRaw, updateFrame } from '../helpers/frames';

let relay: TestRelay;
let neighbours: [TestClient, TestClient];

beforeAll(async () => {
	relay = await startTestRelay({ limits: { updatesPerSecond: 1000, updateBurst: 1000, roomsPerMinutePerAddress: 100_000 } });
	const room = randomRoom();
	const token = randomToken();
	neighbours = [connectClient(relay.syncUrl, room, token), connectClient(relay.syncUrl, room, token)];
	await Promise.all(neighbours.map((client) => client.synced()));
});

afterAll(async () => {
	for (const client of neighbours ?? []) client.destroy();
	await relay?.close();
});

/** Frames a hostile or broken client might send. */
const hostileFrame = fc.oneof(
	fc.uint8Array({ minLength: 0, maxLength: 300 }),
	// A valid header with a garbage payload.
	fc.tuple(fc.constantFrom(0, 1, 3), fc.constantFrom(0, 1, 2), fc.uint8Array({ maxLength: 200 })).map(([type, sub, tail]) =>
		Uint8Array.from([type, sub, ...tail])
	),
	// A sync update whose payload is garbage of the declared length.
	fc.uint8Array({ maxLength: 200 }).map((payload) => updateFrame(payload)),
	// Huge length prefixes with almost nothing behind them.
	fc.tuple(fc.constantFrom(0, 1), fc.integer({ min: 2 ** 20, max: 2 ** 50 })).map(([type, length]) => {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, type);
		if (type === 0) encoding.writeVarUint(encoder, 2);
		encoding.writeVarUint(encoder, length);
		encoding.writeUint8(encoder, 1);
		return encoding.toUint8Array(encoder);
	}),
	// Truncated valid frames.
	fc.string({ maxLength: 40 }).chain((text) => {
		const frame = updateFrame(new TextEncoder().encode(text));
		return fc.nat(frame.length).map((cut) => frame.subarray(0, cut));
	})
);

async function neighboursStillSync(label: string): Promise<void> {
	neighbours[0].doc.getText('t').insert(0, label);
	await eventually(() => neighbours[1].doc.getText('t').toString().includes(label), `neighbour sync after ${label}`, 5_000);
}

describe('fuzzing the relay with hostile frames', () => {
	it('stays up, keeps a neighbour room syncing, and keeps memory bounded', async () => {
		const heapBefore = process.memoryUsage().heapUsed;
		let round = 0;
		await fc.assert(
			fc.asyncProperty(fc.array(hostileFrame, { minLength: 1, maxLength: 8 }), async (frames) => {
				const socket = await openRaw(`${relay.syncUrl}/${randomRoom()}?token=${randomToken()}`);
				const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
				for (const frame of frames) if (socket.readyState === socket.OPEN) socket.send(frame);
				// Whatever the relay decides, the socket is either closed by it or closed by us now.
				await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 50))]);
				socket.terminate();
				await closed;
				round++;
				if (round % 25 === 0) await neighboursStillSync(`round ${round};`);
			}),
			{ numRuns: 150, seed: 4242 }
		);
		// A flood: many frames as fast as possible on one connection.
		const flood = await openRaw(`${relay.syncUrl}/${randomRoom()}?token=${randomToken()}`);
		for (let i = 0; i < 5000 && flood.readyState === flood.OPEN; i++) flood.send(Uint8Array.from([1, 255, 255, 255, 255, 15]));
		flood.terminate();
		await neighboursStillSync('after the flood;');
		expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
		const metrics = await relay.metrics();
		// Only the neighbours' room stays loaded: every hostile room was freed.
		const loaded = Number(/^fieldbook_rooms_loaded (\d+)/m.exec(metrics)?.[1]);
		expect(loaded).toBeLessThanOrEqual(2);
		globalThis.gc?.();
		expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
	});
});
