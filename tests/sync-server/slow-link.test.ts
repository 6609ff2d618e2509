import { createServer, connect, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { connectClient, eventually, randomRoom, randomToken } from '../helpers/clients';

/** Bytes per second the proxy lets through towards the client: a phone on one bar of signal. */
const LINK_BYTES_PER_SECOND = 50 * 1024;
/** The room size. 20 MB would take 400 s at this rate; 2 MB (40 s) already outlasts y-websocket's 30 s silence timer. */
const ROOM_BYTES = 2 * 1024 * 1024;

let relay: TestRelay;
let proxy: Server;

afterAll(async () => {
	proxy?.close();
	await relay?.close();
});

/** A TCP proxy to the relay that throttles everything the relay sends. */
function throttlingProxy(targetPort: number): Promise<number> {
	proxy = createServer((client: Socket) => {
		const upstream = connect(targetPort, '127.0.0.1');
		client.pipe(upstream);
		const queue: Buffer[] = [];
		upstream.on('data', (chunk: Buffer) => queue.push(chunk));
		const tickMs = 50;
		const perTick = (LINK_BYTES_PER_SECOND * tickMs) / 1000;
		const timer = setInterval(() => {
			let budget = perTick;
			while (budget > 0 && queue.length > 0) {
				const head = queue[0]!;
				const part = head.subarray(0, budget);
				client.write(part);
				budget -= part.length;
				if (part.length === head.length) queue.shift();
				else queue[0] = head.subarray(part.length);
			}
		}, tickMs);
		const end = () => {
			clearInterval(timer);
			client.destroy();
			upstream.destroy();
		};
		client.on('close', end);
		upstream.on('close', end);
		client.on('error', end);
		upstream.on('error', end);
	});
	return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve((proxy.address() as AddressInfo).port)));
}

describe('first sync over a slow link', () => {
	it('streams a large room in bounded frames to a throttled client without a reconnect', async () => {
		relay = await startTestRelay({ limits: { updatesPerSecond: 1000, updateBurst: 1000 } });
		const room = randomRoom();
		const token = randomToken();
		const author = connectClient(relay.syncUrl, room, token);
		await author.synced();
		const chunk = 64 * 1024;
		for (let written = 0; written < ROOM_BYTES; written += chunk) {
			author.doc.getArray<Uint8Array>('blobs').push([new Uint8Array(randomBytes(chunk))]);
		}
		// Let the author's updates reach storage before the slow reader asks.
		await new Promise((resolve) => setTimeout(resolve, 500));
		author.destroy();

		const port = await throttlingProxy(relay.port);
		const reader = connectClient(`ws://127.0.0.1:${port}/sync`, room, token);
		let closes = 0;
		reader.provider.on('connection-close', () => closes++);
		const started = Date.now();
		await eventually(() => reader.provider.synced, 'the slow first sync', 150_000);
		const seconds = (Date.now() - started) / 1000;
		expect(reader.doc.getArray('blobs').length).toBe(ROOM_BYTES / chunk);
		expect(closes).toBe(0);
		// It really was slow: longer than the client's 30 s silence timer.
		expect(seconds).toBeGreaterThan(30);
		reader.destroy();
	}, 180_000);
});
