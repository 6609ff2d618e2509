import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE } from '../../sync-server/src/shared/protocol';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { closeCode, connectClient, randomRoom, randomToken } from '../helpers/clients';
import { openRaw, textUpdate, updateFrame } from '../helpers/frames';

let relay: TestRelay | undefined;

afterEach(async () => {
	await relay?.close();
	relay = undefined;
});

/** Rows stored in a room, read back through a fresh client. */
async function storedText(syncUrl: string, room: string, token: string): Promise<string> {
	const reader = connectClient(syncUrl, room, token);
	await reader.synced();
	const text = reader.doc.getText('t').toString();
	reader.destroy();
	return text;
}

describe('limits, each with its close code', () => {
	it('closes a frame above MAX_FRAME_BYTES with FRAME_TOO_LARGE', async () => {
		relay = await startTestRelay({ limits: { maxFrameBytes: 4096 } });
		const socket = await openRaw(`${relay.syncUrl}/${randomRoom()}?token=${randomToken()}`);
		const code = closeCode(socket);
		socket.send(updateFrame(textUpdate('x'.repeat(10_000))));
		expect(await code).toBe(CLOSE.FRAME_TOO_LARGE);
	});

	it('closes a connection that sends updates faster than its token bucket with RATE_LIMITED', async () => {
		relay = await startTestRelay({ limits: { updatesPerSecond: 5, updateBurst: 10 } });
		const socket = await openRaw(`${relay.syncUrl}/${randomRoom()}?token=${randomToken()}`);
		const code = closeCode(socket);
		for (let i = 0; i < 50; i++) socket.send(updateFrame(textUpdate(`u${i}`)));
		expect(await code).toBe(CLOSE.RATE_LIMITED);
	});

	it('refuses an update that would grow the room past MAX_ROOM_BYTES and does not store it', async () => {
		relay = await startTestRelay({ limits: { maxRoomBytes: 2048 } });
		const room = randomRoom();
		const token = randomToken();
		const socket = await openRaw(`${relay.syncUrl}/${room}?token=${token}`);
		const code = closeCode(socket);
		socket.send(updateFrame(textUpdate('small')));
		socket.send(updateFrame(textUpdate('y'.repeat(3000))));
		expect(await code).toBe(CLOSE.ROOM_TOO_LARGE);
		expect(await storedText(relay.syncUrl, room, token)).toBe('small');
	});

	it('limits connections per room with ROOM_BUSY and per address with ADDRESS_BUSY', async () => {
		relay = await startTestRelay({ limits: { connectionsPerRoom: 2, connectionsPerAddress: 3 } });
		const room = randomRoom();
		const token = randomToken();
		const a = connectClient(relay.syncUrl, room, token);
		const b = connectClient(relay.syncUrl, room, token);
		await Promise.all([a.synced(), b.synced()]);
		expect(await closeCode(await openRaw(`${relay.syncUrl}/${room}?token=${token}`))).toBe(CLOSE.ROOM_BUSY);
		const c = connectClient(relay.syncUrl, randomRoom(), randomToken());
		await c.synced();
		expect(await closeCode(await openRaw(`${relay.syncUrl}/${randomRoom()}?token=${randomToken()}`))).toBe(CLOSE.ADDRESS_BUSY);
		for (const client of [a, b, c]) client.destroy();
	});

	it('closes unknown message types with UNKNOWN_MESSAGE and updates Yjs rejects with BAD_UPDATE, storing neither', async () => {
		relay = await startTestRelay();
		const room = randomRoom();
		const token = randomToken();
		const unknown = await openRaw(`${relay.syncUrl}/${room}?token=${token}`);
		const unknownCode = closeCode(unknown);
		unknown.send(new Uint8Array([42, 1, 2, 3]));
		expect(await unknownCode).toBe(CLOSE.UNKNOWN_MESSAGE);

		const bad = await openRaw(`${relay.syncUrl}/${room}?token=${token}`);
		const badCode = closeCode(bad);
		bad.send(updateFrame(new Uint8Array([5, 200, 1, 7, 7, 7, 7])));
		expect(await badCode).toBe(CLOSE.BAD_UPDATE);

		const truncated = await openRaw(`${relay.syncUrl}/${room}?token=${token}`);
		const truncatedCode = closeCode(truncated);
		truncated.send(new Uint8Array([0, 2, 100, 1, 2]));
		expect(await truncatedCode).toBe(CLOSE.BAD_MESSAGE);
		expect(await storedText(relay.syncUrl, room, token)).toBe('');
	});

	it('ends a connection that stops answering pings', async () => {
		relay = await startTestRelay({ limits: { pingIntervalMs: 100 } });
		const silent = await openRaw(`${relay.syncUrl}/${randomRoom()}?token=${randomToken()}`, { autoPong: false });
		const code = await closeCode(silent);
		// Terminated without a close frame: the client sees the abnormal-closure code.
		expect(code).toBe(1006);
	});
});
