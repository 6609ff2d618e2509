import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { CLOSE, MESSAGE_FORWARD, MESSAGE_SYNC } from '../../sync-server/src/shared/protocol';
import { createSqliteStore } from '../../sync-server/src/store/sqlite';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { closeCode, connectClient, eventually, randomRoom, randomToken } from '../helpers/clients';

let relay: TestRelay | undefined;

afterEach(async () => {
	await relay?.close();
	relay = undefined;
});

/** A raw websocket to a room that records the forwarding records and sync messages it receives. */
function member(url: string) {
	const socket = new WebSocket(url);
	socket.binaryType = 'nodebuffer';
	socket.on('error', () => undefined);
	const forwards: Uint8Array[] = [];
	const kinds: number[] = [];
	const closed = closeCode(socket);
	socket.on('message', (data: Buffer) => {
		const decoder = decoding.createDecoder(new Uint8Array(data));
		const type = decoding.readVarUint(decoder);
		kinds.push(type);
		if (type === MESSAGE_FORWARD) forwards.push(decoding.readVarUint8Array(decoder));
	});
	const opened = new Promise<void>((resolve) => socket.once('open', () => resolve()));
	return { socket, forwards, kinds, closed, opened };
}

async function createSqliteStoreInfo(relay: TestRelay, room: string) {
	const store = createSqliteStore(relay.dataDir);
	try {
		return await store.info(room);
	} finally {
		await store.close();
	}
}

function forwardMessage(record: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_FORWARD);
	encoding.writeVarUint8Array(encoder, record);
	return encoding.toUint8Array(encoder);
}

function updateMessage(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, 2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** A room with one stored update ("before"), written by a stock client that then leaves. */
async function roomWithContent(relay: TestRelay) {
	const room = randomRoom();
	const token = randomToken();
	const writer = connectClient(relay.syncUrl, room, token);
	await writer.synced();
	writer.doc.getArray<string>('blobs').push(['before']);
	// Stored once another client receives it (the relay stores before it broadcasts).
	const witness = connectClient(relay.syncUrl, room, token);
	await eventually(() => witness.doc.getArray<string>('blobs').length === 1, 'the update at the relay');
	witness.destroy();
	return { room, token, writer };
}

describe('forwarding records and frozen rooms', () => {
	it('freezes a room on its first forwarding record: every member is told, reads go on, writes are refused with ROOM_FROZEN', async () => {
		relay = await startTestRelay();
		const { room, token, writer } = await roomWithContent(relay);
		const url = `${relay.syncUrl}/${room}?token=${token}`;
		const admin = member(url);
		await admin.opened;
		await eventually(() => admin.kinds.includes(MESSAGE_SYNC), 'the first sync');
		const record = new Uint8Array([7, 7, 7, 1]);
		admin.socket.send(forwardMessage(record));
		await eventually(() => admin.forwards.length === 1, 'the record echoed to its sender');
		expect(admin.forwards[0]).toEqual(record);

		// A stock client still connected: its next write is refused, nothing is stored.
		const writerClosed = new Promise<number>((resolve) => writer.provider.once('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0)));
		writer.doc.getArray<string>('blobs').push(['after the freeze']);
		expect(await writerClosed).toBe(CLOSE.ROOM_FROZEN);
		writer.destroy();

		// A newcomer gets the record before anything else, then the whole room to read.
		const reader = connectClient(relay.syncUrl, room, token);
		await reader.synced();
		expect(reader.doc.getArray<string>('blobs').toArray()).toEqual(['before']);
		reader.destroy();
		const late = member(url);
		await eventually(() => late.kinds.length >= 2, 'the first messages');
		expect(late.kinds[0]).toBe(MESSAGE_FORWARD);
		expect(late.forwards[0]).toEqual(record);
		// Sending what the room already holds changes nothing and is not refused; anything new is.
		const copy = new Y.Doc();
		copy.getArray<string>('blobs').push(['new']);
		late.socket.send(updateMessage(Y.encodeStateAsUpdate(copy)));
		expect(await late.closed).toBe(CLOSE.ROOM_FROZEN);

		// No token deletes it meanwhile.
		const response = await fetch(`${relay.url}/sync/${room}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
		expect(response.status).toBe(405);
		expect((await createSqliteStoreInfo(relay, room)).updates).toBeGreaterThan(0);
		admin.socket.close();
		const metrics = await relay.metrics();
		expect(metrics).toMatch(/fieldbook_rotations_total 1/);
		expect(metrics).toMatch(/fieldbook_refusals_total\{reason="ROOM_FROZEN"\} [1-9]/);
	});

	it('keeps the first of two concurrent forwarding records and tells the loser which one won', async () => {
		relay = await startTestRelay();
		const { room, token, writer } = await roomWithContent(relay);
		writer.destroy();
		const url = `${relay.syncUrl}/${room}?token=${token}`;
		const a = member(url);
		const b = member(url);
		await Promise.all([a.opened, b.opened]);
		a.socket.send(forwardMessage(new Uint8Array([1])));
		b.socket.send(forwardMessage(new Uint8Array([2])));
		await eventually(() => a.forwards.length >= 1 && b.forwards.length >= 1, 'both told');
		const winner = a.forwards[0]!;
		expect(b.forwards.every((record) => Buffer.from(record).equals(Buffer.from(winner)))).toBe(true);
		expect(a.forwards.every((record) => Buffer.from(record).equals(Buffer.from(winner)))).toBe(true);
		a.socket.close();
		b.socket.close();
		const later = member(url);
		await eventually(() => later.forwards.length === 1, 'the record at join');
		expect(later.forwards[0]).toEqual(winner);
		later.socket.close();
		const metrics = await relay.metrics();
		expect(metrics).toMatch(/fieldbook_rotations_total 1/);
	});

	it('refuses an empty or oversized forwarding record', async () => {
		relay = await startTestRelay();
		const { room, token, writer } = await roomWithContent(relay);
		writer.destroy();
		const a = member(`${relay.syncUrl}/${room}?token=${token}`);
		await a.opened;
		a.socket.send(forwardMessage(new Uint8Array(0)));
		expect(await a.closed).toBe(CLOSE.BAD_MESSAGE);
		const b = member(`${relay.syncUrl}/${room}?token=${token}`);
		await b.opened;
		b.socket.send(forwardMessage(new Uint8Array(300 * 1024)));
		expect(await b.closed).toBe(CLOSE.BAD_MESSAGE);
		const store = createSqliteStore(relay.dataDir);
		expect(await store.forwarding(room)).toBeUndefined();
		await store.close();
	});

	it('deletes a frozen room after its grace period: members are closed, rows and record are gone, the gauge counts it', async () => {
		relay = await startTestRelay({ limits: { frozenRoomMs: 1500 } });
		const { room, token, writer } = await roomWithContent(relay);
		writer.destroy();
		const url = `${relay.syncUrl}/${room}?token=${token}`;
		const admin = member(url);
		await admin.opened;
		admin.socket.send(forwardMessage(new Uint8Array([5])));
		await eventually(() => admin.forwards.length === 1, 'frozen');
		expect(await admin.closed).toBe(CLOSE.ROOM_DELETED);
		const store = createSqliteStore(relay.dataDir);
		try {
			expect(await store.forwarding(room)).toBeUndefined();
			// Rows gone; the tombstone keeps the name: its token is told it was deleted, it is never claimed again.
			expect(await store.info(room)).toMatchObject({ updates: 0, bytes: 0, deleted: true });
			expect(await store.claim(room, new Uint8Array(32))).toBe(false);
		} finally {
			await store.close();
		}
		expect(await closeCode(member(url).socket)).toBe(CLOSE.ROOM_DELETED);
		expect(await closeCode(member(`${relay.syncUrl}/${room}?token=${randomToken()}`).socket)).toBe(CLOSE.BAD_TOKEN);
		const metrics = await relay.metrics();
		expect(metrics).toMatch(/fieldbook_frozen_rooms_deleted_total 1/);
		expect(metrics).toMatch(/fieldbook_frozen_rooms 0/);
	});
});
