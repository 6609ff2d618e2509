import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPACT_AFTER_ROWS } from '../../sync-server/src/rooms';
import { createSqliteStore } from '../../sync-server/src/store/sqlite';
import type { RoomStore } from '../../sync-server/src/store/types';
import { connectClient, eventually, randomRoom, randomToken, type TestClient } from '../helpers/clients';
import { startTestRelay, type TestRelay } from '../helpers/relay';

const KB = 1024;

let relay: TestRelay;
/** A second connection to the relay's SQLite file, to read what the relay stored. */
let store: RoomStore;

beforeAll(async () => {
	relay = await startTestRelay({ limits: { updatesPerSecond: 1000, updateBurst: 1000 } });
	store = createSqliteStore(relay.dataDir);
});

afterAll(async () => {
	await store?.close();
	await relay?.close();
});

/** A stock client that counts the bytes the relay sends it. */
function countingClient(room: string, token: string): TestClient & { received: () => number } {
	let received = 0;
	class CountingSocket extends WebSocket {
		constructor(address: string | URL, protocols?: string | string[]) {
			super(address, protocols);
			this.on('message', (data: Buffer) => (received += data.byteLength));
		}
	}
	const client = connectClient(relay.syncUrl, room, token, { WebSocketPolyfill: CountingSocket as unknown as typeof WebSocket });
	return Object.assign(client, { received: () => received });
}

/** Bytes a brand-new stock client downloads until it is synced, and its document. */
async function firstSync(room: string, token: string): Promise<{ bytes: number; doc: Y.Doc; client: TestClient }> {
	const client = countingClient(room, token);
	await client.synced();
	return { bytes: client.received(), doc: client.doc, client };
}

/**
 * Waits until a fresh client sees `check` hold: the relay answers a first sync only once everything it applied
 * is stored, so the writes are in storage then.
 */
async function relayHas(room: string, token: string, check: (doc: Y.Doc) => boolean): Promise<void> {
	const witness = connectClient(relay.syncUrl, room, token);
	await eventually(() => check(witness.doc), 'the relay has the writes', 30_000);
	witness.destroy();
}

/** Polls the room's stored bytes until they are below `limit` (the relay compacts a little after the writes). */
async function storedBelow(room: string, limit: number): Promise<number> {
	let bytes = Infinity;
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		bytes = (await store.info(room)).bytes;
		if (bytes < limit) return bytes;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return bytes;
}

describe('the relay keeps what is live', () => {
	it('after 1 MB written and deleted, a new client downloads under 100 KB and the room stores under 100 KB', async () => {
		const room = randomRoom();
		const token = randomToken();
		const author = connectClient(relay.syncUrl, room, token);
		await author.synced();
		const text = author.doc.getText('notes');
		for (let i = 0; i < 16; i++) text.insert(text.length, randomBytes(48 * KB).toString('base64').slice(0, 64 * KB));
		expect(text.length).toBe(1024 * KB);
		text.delete(0, text.length);
		text.insert(0, 'what is left');
		const live = Y.encodeStateAsUpdate(author.doc).byteLength;
		await relayHas(room, token, (doc) => doc.getText('notes').toString() === 'what is left');
		expect((await store.info(room)).bytes).toBeGreaterThan(1024 * KB);

		const stored = await storedBelow(room, 100 * KB);
		expect(stored).toBeLessThan(100 * KB);
		const { bytes, doc, client } = await firstSync(room, token);
		expect(doc.getText('notes').toString()).toBe('what is left');
		expect(bytes).toBeLessThan(100 * KB);
		expect(bytes).toBeLessThan(live * 1.5 + 4 * KB);
		client.destroy();
		author.destroy();
	});

	it('after 40 generations of a 64 KB blob replaced, a new client downloads under 200 KB and the room stores under 200 KB', async () => {
		const room = randomRoom();
		const token = randomToken();
		const author = connectClient(relay.syncUrl, room, token);
		await author.synced();
		const map = author.doc.getMap<Uint8Array>('vault');
		let last = new Uint8Array();
		for (let generation = 0; generation < 40; generation++) {
			last = new Uint8Array(randomBytes(64 * KB));
			map.set('snapshot', last);
			// Each generation is its own update, as a compaction on a phone writes it.
			await new Promise((resolve) => setTimeout(resolve, 5));
		}
		await relayHas(room, token, (doc) => {
			const blob = doc.getMap<Uint8Array>('vault').get('snapshot');
			return blob !== undefined && blob.byteLength === last.byteLength && blob.every((byte, index) => byte === last[index]);
		});

		const stored = await storedBelow(room, 200 * KB);
		expect(stored).toBeLessThan(200 * KB);
		const { bytes, doc, client } = await firstSync(room, token);
		expect(doc.getMap<Uint8Array>('vault').get('snapshot')).toEqual(last);
		expect(bytes).toBeLessThan(200 * KB);
		client.destroy();
		author.destroy();
	});

	it('after a random history of writes and deletes by several clients, stored and first-sync bytes stay within a small factor of the live document', async () => {
		const room = randomRoom();
		const token = randomToken();
		const writers = [connectClient(relay.syncUrl, room, token), connectClient(relay.syncUrl, room, token), connectClient(relay.syncUrl, room, token)];
		await Promise.all(writers.map((writer) => writer.synced()));
		let seed = 7;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
		for (let step = 0; step < 600; step++) {
			const writer = writers[Math.floor(random() * writers.length)]!;
			const text = writer.doc.getText('body');
			const blobs = writer.doc.getArray<Uint8Array>('blobs');
			const map = writer.doc.getMap<string>('meta');
			const choice = random();
			if (choice < 0.35) text.insert(Math.floor(random() * (text.length + 1)), 'x'.repeat(1 + Math.floor(random() * 2000)));
			else if (choice < 0.6 && text.length > 0) {
				const at = Math.floor(random() * text.length);
				text.delete(at, Math.min(text.length - at, Math.floor(random() * 4000)));
			} else if (choice < 0.75) blobs.push([new Uint8Array(randomBytes(Math.floor(random() * 8 * KB)))]);
			else if (choice < 0.85 && blobs.length > 0) blobs.delete(0, Math.min(blobs.length, 1 + Math.floor(random() * 3)));
			else map.set(`k${Math.floor(random() * 20)}`, 'v'.repeat(Math.floor(random() * 3000)));
			if (step % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
		}
		const reference = writers[0]!;
		await eventually(
			() => writers.every((writer) => writer.doc.getText('body').toString() === reference.doc.getText('body').toString() && writer.doc.getArray('blobs').length === reference.doc.getArray('blobs').length),
			'the writers converge',
			30_000
		);
		const live = Y.encodeStateAsUpdate(reference.doc).byteLength;
		await relayHas(room, token, (doc) => doc.getText('body').toString() === reference.doc.getText('body').toString());
		const stored = await storedBelow(room, live * 1.5 + 20 * KB);
		expect(stored).toBeLessThan(live * 1.5 + 20 * KB);
		const { bytes, doc, client } = await firstSync(room, token);
		expect(doc.getText('body').toString()).toBe(reference.doc.getText('body').toString());
		expect(doc.getArray('blobs').toJSON()).toEqual(reference.doc.getArray('blobs').toJSON());
		expect(doc.getMap('meta').toJSON()).toEqual(reference.doc.getMap('meta').toJSON());
		expect(bytes).toBeLessThan(live * 1.2 + 4 * KB);
		client.destroy();
		for (const writer of writers) writer.destroy();
	});

	it('keeps everything a client wrote while compactions run, across a relay restart', async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'fieldbook-compaction-'));
		const own = await startTestRelay({ dataDir, limits: { updatesPerSecond: 1000, updateBurst: 1000 } });
		const ownStore = createSqliteStore(dataDir);
		const room = randomRoom();
		const token = randomToken();
		const author = connectClient(own.syncUrl, room, token);
		await author.synced();
		const text = author.doc.getText('body');
		// 2,000 small updates over several seconds: compactions run while the author keeps writing.
		for (let i = 0; i < 2000; i++) {
			text.insert(text.length, `${i} `);
			if (i % 100 === 0) text.delete(0, Math.min(50, text.length));
			if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 50));
		}
		const expected = text.toString();
		const witness = connectClient(own.syncUrl, room, token);
		await eventually(() => witness.doc.getText('body').toString() === expected, 'everything reaches the relay', 60_000);
		witness.destroy();
		author.destroy();
		// Rows were replaced by snapshots: without compaction the room would hold 2,000 rows.
		let rows = Infinity;
		for (const deadline = Date.now() + 60_000; Date.now() < deadline && rows > COMPACT_AFTER_ROWS; ) {
			rows = (await ownStore.info(room)).updates;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		expect(rows).toBeLessThanOrEqual(COMPACT_AFTER_ROWS);
		await ownStore.close();
		await own.close();

		const again = await startTestRelay({ dataDir });
		const reader = connectClient(again.syncUrl, room, token);
		await reader.synced();
		expect(reader.doc.getText('body').toString()).toBe(expected);
		reader.destroy();
		await again.close();
		rmSync(dataDir, { recursive: true, force: true });
	});
});
