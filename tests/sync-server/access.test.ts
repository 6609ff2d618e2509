import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createSqliteStore } from '../../sync-server/src/store/sqlite';
import type { RoomStore } from '../../sync-server/src/store/types';
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

	it('deletes no room over HTTP: every token, known room or unknown, gets the same refusal', async () => {
		relay = await startTestRelay();
		const room = randomRoom();
		const token = randomToken();
		const client = connectClient(relay.syncUrl, room, token);
		await client.synced();
		client.doc.getText('t').insert(0, 'kept');
		await eventually(() => client.provider.synced, 'written');

		const answers: { status: number; allow: string | null; body: string }[] = [];
		for (const [name, bearer] of [
			[room, token],
			[room, randomToken()],
			[room, ''],
			[randomRoom(), token],
			[randomRoom(), randomToken()],
			['short', token]
		]) {
			const response = await fetch(`${relay.url}/sync/${name}`, { method: 'DELETE', headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
			answers.push({ status: response.status, allow: response.headers.get('allow'), body: await response.text() });
		}
		for (const answer of answers) expect(answer).toEqual({ status: 405, allow: 'GET', body: JSON.stringify({ error: 'method_not_allowed' }) });

		// Nothing happened to the room: its member stays, and a newcomer finds its content.
		expect(client.provider.wsconnected).toBe(true);
		const again = connectClient(relay.syncUrl, room, token);
		await again.synced();
		await eventually(() => again.doc.getText('t').toString() === 'kept', 'the content kept');
		client.destroy();
		again.destroy();
	});

	it('revokes a door room only with its revoke token; a known and an unknown door answer alike', async () => {
		relay = await startTestRelay();
		const revokeToken = randomToken();
		const inviteId = createHash('sha256').update(revokeToken).digest().subarray(0, 16).toString('base64url');
		const expiry = Buffer.alloc(6);
		expiry.writeUIntBE(Date.now() + 3_600_000, 0, 6);
		const door = `door-${expiry.toString('base64url')}${inviteId}`;
		const unknownDoor = `door-${expiry.toString('base64url')}${randomToken().slice(0, 22)}`;
		const doorToken = randomToken();
		const asker = connectClient(relay.syncUrl, door, doorToken);
		await asker.synced();
		const revoke = (name: string, bearer: string) => fetch(`${relay!.url}/sync/${name}`, { method: 'DELETE', headers: { Authorization: `Bearer ${bearer}` } });

		// The door's own room token (in every request link) and any other token are refused, known or not.
		const refusals = [];
		const attempts: [string, string][] = [
			[door, doorToken],
			[door, randomToken()],
			[unknownDoor, doorToken],
			[unknownDoor, revokeToken]
		];
		for (const [name, bearer] of attempts) {
			const response = await revoke(name, bearer);
			refusals.push({ status: response.status, body: await response.text() });
		}
		for (const refusal of refusals) expect(refusal).toEqual({ status: 401, body: JSON.stringify({ error: 'bad_token' }) });
		expect(asker.provider.wsconnected).toBe(true);

		const closed = new Promise<number>((resolve) => asker.provider.on('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0)));
		expect((await revoke(door, revokeToken)).status).toBe(200);
		expect(await closed).toBe(CLOSE.DOOR_REVOKED);
		asker.destroy();
		expect(await closeCode(raw(`${relay.syncUrl}/${door}?token=${doorToken}`))).toBe(CLOSE.DOOR_REVOKED);
		expect(await closeCode(raw(`${relay.syncUrl}/${door}?token=${randomToken()}`))).toBe(CLOSE.DOOR_REVOKED);

		// A door nobody opened yet is revoked all the same, for good.
		const otherRevoke = randomToken();
		const fresh = `door-${expiry.toString('base64url')}${createHash('sha256').update(otherRevoke).digest().subarray(0, 16).toString('base64url')}`;
		expect((await revoke(fresh, otherRevoke)).status).toBe(200);
		expect(await closeCode(raw(`${relay.syncUrl}/${fresh}?token=${randomToken()}`))).toBe(CLOSE.DOOR_REVOKED);
	});

	it("keeps a deleted room's token hash: its holders hear it is gone, no other token claims it, after a restart too", async () => {
		const dataDir = mkdtempSync(join(tmpdir(), 'fieldbook-tombstone-'));
		let store: RoomStore | undefined;
		const open = () => startTestRelay({ dataDir }, { store: (dir) => (store = createSqliteStore(dir)) });
		try {
			relay = await open();
			const room = randomRoom();
			const token = randomToken();
			const client = connectClient(relay.syncUrl, room, token);
			await client.synced();
			client.doc.getText('t').insert(0, 'gone');
			await eventually(() => client.provider.synced, 'written');
			client.destroy();
			const loaded = async () => Number(/^fieldbook_rooms_loaded (\d+)/m.exec(await relay!.metrics())?.[1]);
			for (const started = Date.now(); (await loaded()) !== 0; ) {
				if (Date.now() - started > 15_000) throw new Error('timed out waiting for the room to leave memory');
				await new Promise((resolve) => setTimeout(resolve, 25));
			}
			// How the relay deletes a room (after a rotation's grace period): updates gone, tombstone kept.
			await store!.delete(room);

			expect(await closeCode(raw(`${relay.syncUrl}/${room}?token=${token}`))).toBe(CLOSE.ROOM_DELETED);
			const thief = randomToken();
			expect(await closeCode(raw(`${relay.syncUrl}/${room}?token=${thief}`))).toBe(CLOSE.BAD_TOKEN);
			// A room deleted before anyone claimed it is claimed by nobody.
			const unclaimed = randomRoom();
			await store!.delete(unclaimed);
			expect(await closeCode(raw(`${relay.syncUrl}/${unclaimed}?token=${thief}`))).toBe(CLOSE.BAD_TOKEN);

			await relay.close();
			relay = await open();
			expect(await closeCode(raw(`${relay.syncUrl}/${room}?token=${thief}`))).toBe(CLOSE.BAD_TOKEN);
			expect(await closeCode(raw(`${relay.syncUrl}/${room}?token=${token}`))).toBe(CLOSE.ROOM_DELETED);
			expect(await store!.info(room)).toMatchObject({ deleted: true, updates: 0, bytes: 0 });
		} finally {
			await relay?.close();
			relay = undefined;
			rmSync(dataDir, { recursive: true, force: true });
		}
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
		await eventually(() => lines.some((line) => line.includes('delete refused')), 'the refused deletion log line');
		client.destroy();
		await own.close();
		rmSync(dir, { recursive: true, force: true });
		expect(lines.length).toBeGreaterThan(2);
		for (const line of lines) expect(line).not.toContain(token);
	});
});
