// Every budget of the relay reached one by one: each ends in its named refusal, and a neighbour room (from
// another address where the budget is per address) keeps syncing. Addresses are told apart with TRUST_PROXY
// and X-Forwarded-For, as behind a reverse proxy.
import { connect, type Socket } from 'node:net';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CLOSE } from '../../sync-server/src/shared/protocol';
import { closeCode, connectClient, eventually, randomRoom, randomToken, type TestClient } from '../helpers/clients';
import { openRaw, updateFrame } from '../helpers/frames';
import { startTestRelay, type TestRelay, type TestRelayOverrides } from '../helpers/relay';

let relay: TestRelay | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
	for (const cleanup of cleanups.splice(0)) cleanup();
	await relay?.close();
	relay = undefined;
});

/** A ws class whose connections come, for the relay, from `address`. */
function from(address: string): typeof WebSocket {
	return class extends WebSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { headers: { 'x-forwarded-for': address } });
		}
	} as unknown as typeof WebSocket;
}

function openFrom(url: string, address: string): Promise<WebSocket> {
	return openRaw(url, { headers: { 'x-forwarded-for': address } });
}

/** An update of `bytes` random-ish characters, a fresh client each time. */
function bulkUpdate(bytes: number, seed: number): Uint8Array {
	const doc = new Y.Doc();
	doc.getText('t').insert(0, String.fromCharCode(97 + (seed % 26)).repeat(bytes));
	return Y.encodeStateAsUpdate(doc);
}

/** A neighbour room of two stock clients from `address`, synced. */
async function neighbour(address = '198.51.100.7'): Promise<{ writer: TestClient; reader: TestClient; room: string; token: string }> {
	const room = randomRoom();
	const token = randomToken();
	const writer = connectClient(relay!.syncUrl, room, token, { WebSocketPolyfill: from(address) });
	const reader = connectClient(relay!.syncUrl, room, token, { WebSocketPolyfill: from(address) });
	cleanups.push(() => (writer.destroy(), reader.destroy()));
	await Promise.all([writer.synced(), reader.synced()]);
	return { writer, reader, room, token };
}

/** The neighbour's writer types and its reader sees it. */
async function stillSyncs(pair: { writer: TestClient; reader: TestClient }, text: string): Promise<void> {
	pair.writer.doc.getText('t').insert(0, text);
	const expected = pair.writer.doc.getText('t').toString();
	await eventually(() => pair.reader.doc.getText('t').toString() === expected, `neighbour sees "${text}"`);
}

async function start(limits: TestRelayOverrides['limits']): Promise<TestRelay> {
	relay = await startTestRelay({ trustProxy: true, limits });
	return relay;
}

/** An awareness message of the given states, by client id. */
function awarenessFrame(states: Map<number, unknown>): Uint8Array {
	const doc = new Y.Doc();
	const awareness = new awarenessProtocol.Awareness(doc);
	for (const [client, state] of states) awareness.states.set(client, state as Record<string, unknown>), awareness.meta.set(client, { clock: 1, lastUpdated: Date.now() });
	const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [...states.keys()]);
	awareness.destroy();
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 1);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

describe('budgets, each with its named refusal', () => {
	it('MAX_TOTAL_BYTES: past every room\'s stored bytes together, updates close with STORAGE_FULL; what is stored stays readable', async () => {
		await start({ maxTotalBytes: 16 * 1024 });
		const pair = await neighbour();
		await stillSyncs(pair, 'before');
		const socket = await openFrom(`${relay!.syncUrl}/${randomRoom()}?token=${randomToken()}`, '203.0.113.1');
		const code = closeCode(socket);
		for (let i = 0; i < 8; i++) socket.send(updateFrame(bulkUpdate(3000, i)));
		expect(await code).toBe(CLOSE.STORAGE_FULL);
		// The neighbour's content is all there for a newcomer, and the relay answers.
		const newcomer = connectClient(relay!.syncUrl, pair.room, pair.token, { WebSocketPolyfill: from('198.51.100.8') });
		cleanups.push(() => newcomer.destroy());
		await newcomer.synced();
		expect(newcomer.doc.getText('t').toString()).toBe('before');
		expect((await fetch(`${relay!.url}/healthz`)).status).toBe(200);
	});

	it('BYTES_PER_DAY_PER_ADDRESS: an address past its bytes closes with ADDRESS_QUOTA; another address syncs', async () => {
		await start({ bytesPerDayPerAddress: 12 * 1024 });
		const pair = await neighbour();
		const room = randomRoom();
		const token = randomToken();
		let refused = 0;
		for (let attempt = 0; attempt < 40 && !refused; attempt++) {
			const socket = await openFrom(`${relay!.syncUrl}/${room}?token=${token}`, '203.0.113.2');
			const code = closeCode(socket);
			socket.send(updateFrame(bulkUpdate(2000, attempt)));
			// Counted about every 250 ms: give each write time to be counted before the next one.
			const outcome = await Promise.race([code, new Promise<number>((resolve) => setTimeout(() => resolve(0), 400))]);
			if (outcome !== 0) refused = outcome;
			else socket.close();
		}
		expect(refused).toBe(CLOSE.ADDRESS_QUOTA);
		await stillSyncs(pair, 'other address');
	});

	it('ROOMS_PER_DAY_PER_ADDRESS: the next new room closes with ROOM_CREATION_LIMITED; another address opens rooms', async () => {
		await start({ roomsPerDayPerAddress: 2 });
		for (let i = 0; i < 2; i++) {
			const socket = await openFrom(`${relay!.syncUrl}/${randomRoom()}?token=${randomToken()}`, '203.0.113.3');
			expect(socket.readyState).toBe(WebSocket.OPEN);
			cleanups.push(() => socket.close());
		}
		expect(await closeCode(await openFrom(`${relay!.syncUrl}/${randomRoom()}?token=${randomToken()}`, '203.0.113.3'))).toBe(CLOSE.ROOM_CREATION_LIMITED);
		const pair = await neighbour();
		await stillSyncs(pair, 'new room elsewhere');
	});

	it('MEMORY_BUDGET_MB: past it, idle rooms are unloaded and new loads refused with MEMORY_FULL; a room in use goes on', async () => {
		await start({ idleRoomMs: 1500 });
		const pair = await neighbour();
		const idle = await openFrom(`${relay!.syncUrl}/${randomRoom()}?token=${randomToken()}`, '203.0.113.4');
		const idleClosed = closeCode(idle);
		// Any process is past 16 MB: from now on the relay is over its budget.
		relay!.config.limits.memoryBudgetBytes = 16 * 1024 * 1024;
		let typing = true;
		let typed = 0;
		const typist = (async () => {
			while (typing) {
				await stillSyncs(pair, `${typed++} `);
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
		})();
		expect(await idleClosed).toBe(CLOSE.MEMORY_FULL);
		expect(await closeCode(await openFrom(`${relay!.syncUrl}/${randomRoom()}?token=${randomToken()}`, '203.0.113.4'))).toBe(CLOSE.MEMORY_FULL);
		typing = false;
		await typist;
		expect(pair.writer.provider.wsconnected && pair.reader.provider.wsconnected).toBe(true);
		await stillSyncs(pair, 'still here');
	});

	it('MAX_AWARENESS_BYTES and AWARENESS_CLIENTS_PER_CONNECTION close with AWARENESS_TOO_LARGE; AWARENESS_PER_SECOND with RATE_LIMITED', async () => {
		await start({ maxAwarenessBytes: 1024, awarenessClientsPerConnection: 4, awarenessPerSecond: 2 });
		const pair = await neighbour();
		const room = randomRoom();
		const token = randomToken();
		const url = `${relay!.syncUrl}/${room}?token=${token}`;

		const big = await openFrom(url, '203.0.113.5');
		const bigCode = closeCode(big);
		big.send(awarenessFrame(new Map([[1, { name: 'x'.repeat(2000) }]])));
		expect(await bigCode).toBe(CLOSE.AWARENESS_TOO_LARGE);

		const many = await openFrom(url, '203.0.113.5');
		const manyCode = closeCode(many);
		many.send(awarenessFrame(new Map(Array.from({ length: 5 }, (_, i) => [10 + i, { n: i }]))));
		expect(await manyCode).toBe(CLOSE.AWARENESS_TOO_LARGE);

		const fast = await openFrom(url, '203.0.113.5');
		const fastCode = closeCode(fast);
		for (let i = 0; i < 20; i++) fast.send(awarenessFrame(new Map([[20, { n: i }]])));
		expect(await fastCode).toBe(CLOSE.RATE_LIMITED);
		await stillSyncs(pair, 'presence elsewhere');
	});

	it('MAX_HTTP_CONNECTIONS_PER_ADDRESS and HEADERS_TIMEOUT_MS: slow-header sockets are capped and cut off; websockets go on', async () => {
		await start({ httpConnectionsPerAddress: 5, headersTimeoutMs: 500, requestTimeoutMs: 1000 });
		// The neighbour's websockets upgraded before: they no longer count as HTTP connections.
		const pair = await neighbour();
		const port = relay!.port;
		const slow: Socket[] = [];
		const closed: Promise<void>[] = [];
		for (let i = 0; i < 5; i++) {
			const socket = connect(port, '127.0.0.1');
			socket.on('error', () => undefined);
			await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
			socket.write('GET /healthz HTTP/1.1\r\nHost: relay\r\n');
			// Read what the relay sends (its 408), so the socket sees the end and closes.
			socket.resume();
			closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
			slow.push(socket);
		}
		cleanups.push(() => slow.forEach((socket) => socket.destroy()));
		// The sixth is closed at once, before any answer.
		const sixth = connect(port, '127.0.0.1');
		sixth.on('error', () => undefined);
		let answered = false;
		sixth.on('data', () => (answered = true));
		sixth.on('connect', () => sixth.write('GET /healthz HTTP/1.1\r\nHost: relay\r\n\r\n'));
		await new Promise<void>((resolve) => sixth.once('close', () => resolve()));
		expect(answered).toBe(false);
		await stillSyncs(pair, 'during the flood');
		// Headers never finished: every slow socket is cut off (408), and the address is served again.
		await Promise.all(closed);
		expect((await fetch(`${relay!.url}/healthz`)).status).toBe(200);
		await stillSyncs(pair, 'after the flood');
	});

	it('a DELETE never loads the room', async () => {
		await start({});
		const room = randomRoom();
		const token = randomToken();
		const writer = connectClient(relay!.syncUrl, room, token);
		await writer.synced();
		writer.doc.getText('t').insert(0, 'kept');
		await eventually(() => writer.provider.synced, 'written');
		const stored = connectClient(relay!.syncUrl, room, token);
		await stored.synced();
		await eventually(() => stored.doc.getText('t').toString() === 'kept', 'stored');
		writer.destroy();
		stored.destroy();
		// Wait until the room has left memory (the last client gone).
		const loaded = async () => Number(/^fieldbook_rooms_loaded (\d+)/m.exec(await relay!.metrics())?.[1]);
		let count = await loaded();
		for (const started = Date.now(); count !== 0 && Date.now() - started < 15_000; count = await loaded()) await new Promise((resolve) => setTimeout(resolve, 25));
		expect(count).toBe(0);
		const refused = await fetch(`${relay!.url}/sync/${room}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
		expect(refused.status).toBe(405);
		expect(await loaded()).toBe(0);
	});
});
