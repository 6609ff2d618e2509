import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE } from '../../sync-server/src/shared/protocol';
import { connectClient, closeCode, eventually, randomRoom, randomToken } from '../helpers/clients';
import { findPostgres } from '../helpers/postgres';
import { findRedis } from '../helpers/redis';
import { useRelayPair } from '../helpers/relay-process';

const postgres = await findPostgres();
const redis = await findRedis();

function raw(url: string): WebSocket {
	const socket = new WebSocket(url);
	socket.on('error', () => undefined);
	return socket;
}

/** A door room's name for `revokeToken` (expiring in an hour), as door.ts makes them. */
function doorFor(revokeToken: string): string {
	const expiry = Buffer.alloc(6);
	expiry.writeUIntBE(Date.now() + 3_600_000, 0, 6);
	return `door-${expiry.toString('base64url')}${createHash('sha256').update(revokeToken).digest().subarray(0, 16).toString('base64url')}`;
}

// A deletion on one relay process reaches the members of the room on the others.
describe.skipIf(!postgres || !redis)('deletion across two relay processes', () => {
	const cluster = useRelayPair(postgres!, redis!);

	it('a door revoked on one process is closed, and stays closed, on the other', async () => {
		const revokeToken = randomToken();
		const door = doorFor(revokeToken);
		const doorToken = randomToken();
		const onA = connectClient(cluster.a.syncUrl, door, doorToken);
		const onB = connectClient(cluster.b.syncUrl, door, doorToken);
		await Promise.all([onA.synced(), onB.synced()]);
		onB.doc.getText('t').insert(0, 'a request');
		await eventually(() => onA.doc.getText('t').toString() === 'a request', 'the request on A');
		const closedOnB = new Promise<number>((resolve) => onB.provider.on('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0)));

		const response = await fetch(`${cluster.a.url}/sync/${door}`, { method: 'DELETE', headers: { Authorization: `Bearer ${revokeToken}` } });
		expect(response.status).toBe(200);
		expect(await closedOnB).toBe(CLOSE.DOOR_REVOKED);
		onA.destroy();
		onB.destroy();
		for (const relay of [cluster.a, cluster.b]) expect(await closeCode(raw(`${relay.syncUrl}/${door}?token=${doorToken}`))).toBe(CLOSE.DOOR_REVOKED);
	});

	it('a group room answers DELETE alike on both processes and keeps its members', async () => {
		const room = randomRoom();
		const token = randomToken();
		const member = connectClient(cluster.b.syncUrl, room, token);
		await member.synced();
		for (const relay of [cluster.a, cluster.b]) {
			const response = await fetch(`${relay.url}/sync/${room}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
			expect(response.status).toBe(405);
		}
		expect(member.provider.wsconnected).toBe(true);
		member.destroy();
	});
});
