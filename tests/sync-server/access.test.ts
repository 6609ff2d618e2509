import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE } from '../../sync-server/src/shared/protocol';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { closeCode, connectClient, eventually, randomRoom, randomToken } from '../helpers/clients';

let relay: TestRelay | undefined;

afterEach(async () => {
	await relay?.close();
	relay = undefined;
});

function raw(url: string): WebSocket {
	const socket = new WebSocket(url);
	socket.on('error', () => undefined);
	return socket;
}

describe('room names and tokens', () => {
	it('refuses bad room names with BAD_ROOM', async () => {
		relay = await startTestRelay();
		for (const room of ['short', 'x'.repeat(65), 'has.dots.in.it.but.long.enough', encodeURIComponent('ü'.repeat(30))]) {
			expect(await closeCode(raw(`${relay.syncUrl}/${room}?token=${randomToken()}`)), room).toBe(CLOSE.BAD_ROOM);
		}
	});

	it('refuses a missing or short token with BAD_TOKEN', async () => {
		relay = await startTestRelay();
		expect(await closeCode(raw(`${relay.syncUrl}/${randomRoom()}`))).toBe(CLOSE.BAD_TOKEN);
		expect(await closeCode(raw(`${relay.syncUrl}/${randomRoom()}?token=abc`))).toBe(CLOSE.BAD_TOKEN);
	});

	it('trusts the first token of a room and refuses any other', async () => {
		relay = await startTestRelay();
		const room = randomRoom();
		const token = randomToken();
		const owner = connectClient(relay.syncUrl, room, token);
		await owner.synced();
		expect(await closeCode(raw(`${relay.syncUrl}/${room}?token=${randomToken()}`))).toBe(CLOSE.BAD_TOKEN);
		owner.destroy();
		// The hash is stored: a restart of the room changes nothing.
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(await closeCode(raw(`${relay.syncUrl}/${room}?token=${randomToken()}`))).toBe(CLOSE.BAD_TOKEN);
	});

	it('limits how many rooms one address creates per minute', async () => {
		relay = await startTestRelay({ limits: { roomsPerMinutePerAddress: 2 } });
		const a = connectClient(relay.syncUrl, randomRoom(), randomToken());
		const b = connectClient(relay.syncUrl, randomRoom(), randomToken());
		await Promise.all([a.synced(), b.synced()]);
		expect(await closeCode(raw(`${relay.syncUrl}/${randomRoom()}?token=${randomToken()}`))).toBe(CLOSE.ROOM_CREATION_LIMITED);
		a.destroy();
		b.destroy();
	});

	it('deletes a room for its token holder only, disconnecting its clients', async () => {
		relay = await startTestRelay();
		const room = randomRoom();
		const token = randomToken();
		const client = connectClient(relay.syncUrl, room, token);
		await client.synced();
		client.doc.getText('t').insert(0, 'to be deleted');
		await new Promise((resolve) => setTimeout(resolve, 100));
		const closed = new Promise<number>((resolve) =>
			client.provider.on('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0))
		);

		const wrong = await fetch(`${relay.url}/sync/${room}`, { method: 'DELETE', headers: { Authorization: `Bearer ${randomToken()}` } });
		expect(wrong.status).toBe(401);
		const right = await fetch(`${relay.url}/sync/${room}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
		expect(right.status).toBe(200);
		expect(await closed).toBe(CLOSE.ROOM_DELETED);
		client.destroy();

		// The room is gone: a new token may claim it and finds it empty.
		const fresh = connectClient(relay.syncUrl, room, randomToken());
		await fresh.synced();
		expect(fresh.doc.getText('t').toString()).toBe('');
		fresh.destroy();
		expect((await fetch(`${relay.url}/sync/${randomRoom()}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } })).status).toBe(404);
	});

	it('never logs tokens (the token appears in no log line)', async () => {
		const lines: string[] = [];
		const { pino } = await import('pino');
		const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
		const { startRelay } = await import('../../sync-server/src/relay');
		const { loadConfig } = await import('../../sync-server/src/config');
		const { mkdtempSync, rmSync } = await import('node:fs');
		const { tmpdir } = await import('node:os');
		const { join } = await import('node:path');
		const dir = mkdtempSync(join(tmpdir(), 'fieldbook-log-'));
		const own = await startRelay(loadConfig({ PORT: '0', DATA_DIR: dir, STATIC_DIR: '' }), { logger });
		const token = randomToken();
		const room = randomRoom();
		const syncUrl = own.url.replace(/^http/, 'ws') + '/sync';
		const client = connectClient(syncUrl, room, token);
		await client.synced();
		await closeCode(raw(`${syncUrl}/${room}?token=${randomToken()}`));
		await fetch(`${own.url}/sync/${room}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
		await eventually(() => lines.some((line) => line.includes('room deleted')), 'the deletion log line');
		client.destroy();
		await own.close();
		rmSync(dir, { recursive: true, force: true });
		expect(lines.length).toBeGreaterThan(2);
		for (const line of lines) expect(line).not.toContain(token);
	});
});
