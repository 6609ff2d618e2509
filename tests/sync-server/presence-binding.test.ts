import { afterEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { MESSAGE_AWARENESS } from '../../sync-server/src/shared/protocol';
import { connectClient, eventually, randomRoom, randomToken, type TestClient } from '../helpers/clients';
import { findPostgres } from '../helpers/postgres';
import { findRedis } from '../helpers/redis';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { useRelayPair } from '../helpers/relay-process';

/** An awareness message setting (or, with `null`, removing) the state of `clientId` at `clock`. */
function awareness(clientId: number, clock: number, state: unknown): Uint8Array {
	const update = encoding.createEncoder();
	encoding.writeVarUint(update, 1);
	encoding.writeVarUint(update, clientId);
	encoding.writeVarUint(update, clock);
	encoding.writeVarString(update, JSON.stringify(state));
	const message = encoding.createEncoder();
	encoding.writeVarUint(message, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
	return encoding.toUint8Array(message);
}

/** A member speaking the wire protocol by hand, as a hostile one would. */
async function rawMember(syncUrl: string, room: string, token: string): Promise<WebSocket> {
	const socket = new WebSocket(`${syncUrl}/${room}?token=${token}`);
	socket.on('error', () => undefined);
	// The relay's first message (sync step 1) means the member joined.
	await new Promise<void>((resolve, reject) => {
		socket.once('message', () => resolve());
		socket.once('close', (code) => reject(new Error(`refused with ${code}`)));
	});
	return socket;
}

const nameOf = (client: TestClient, clientId: number) => (client.provider.awareness.getStates().get(clientId)?.user as { name?: string } | undefined)?.name;

/**
 * Everything `observer` ever saw of `victim`'s presence: any name but `name`, or its removal, is recorded
 * (a removed local state is announced again by its owner at once, so only a record catches it).
 */
function watch(observer: TestClient, victim: number, name: string): { seen: string[] } {
	const record = { seen: [] as string[] };
	observer.provider.awareness.on('change', ({ removed }: { removed: number[] }) => {
		if (removed.includes(victim)) record.seen.push('removed');
		const now = nameOf(observer, victim);
		if (now !== undefined && now !== name) record.seen.push(now);
	});
	return record;
}

/**
 * Mallory, a member holding the room token, overwrites Alice's presence and removes it under Alice's client
 * id, then announces her own; once her own arrives, the spoofs (sent before it, on the same socket) had their turn.
 */
async function spoof(mallorySync: string, room: string, token: string, alice: TestClient, observers: TestClient[]): Promise<void> {
	const victim = alice.doc.clientID;
	const clock = (alice.provider.awareness.meta.get(victim)?.clock ?? 0) + 10;
	const mallory = await rawMember(mallorySync, room, token);
	mallory.send(awareness(victim, clock, { user: { name: 'Mallory as Alice' } }));
	mallory.send(awareness(victim, clock + 10, null));
	const own = 1_000_000 + Math.floor(Math.random() * 1_000_000);
	mallory.send(awareness(own, 1, { user: { name: 'Mallory' } }));
	for (const observer of observers) await eventually(() => nameOf(observer, own) === 'Mallory', "Mallory's own presence");
	mallory.close();
	for (const observer of observers) await eventually(() => !observer.provider.awareness.getStates().has(own), "Mallory's presence gone with her");
}

describe('presence bound to the connection that introduced it', () => {
	let relay: TestRelay | undefined;
	afterEach(async () => {
		await relay?.close();
		relay = undefined;
	});

	it("refuses another connection's overwrite and removal of a client's state", async () => {
		relay = await startTestRelay();
		const room = randomRoom();
		const token = randomToken();
		const alice = connectClient(relay.syncUrl, room, token);
		const carol = connectClient(relay.syncUrl, room, token);
		await Promise.all([alice.synced(), carol.synced()]);
		alice.provider.awareness.setLocalStateField('user', { name: 'Alice' });
		await eventually(() => nameOf(carol, alice.doc.clientID) === 'Alice', 'Alice present for Carol');
		const record = watch(carol, alice.doc.clientID, 'Alice');

		await spoof(relay.syncUrl, room, token, alice, [carol]);
		expect(record.seen).toEqual([]);
		expect(nameOf(carol, alice.doc.clientID)).toBe('Alice');
		expect(alice.provider.awareness.getLocalState()?.user).toEqual({ name: 'Alice' });

		// A stock client sends back every state it hears; leaving does not take the others' states with it.
		const bob = connectClient(relay.syncUrl, room, token);
		await bob.synced();
		bob.provider.awareness.setLocalStateField('user', { name: 'Bob' });
		await eventually(() => nameOf(carol, bob.doc.clientID) === 'Bob' && nameOf(bob, alice.doc.clientID) === 'Alice', 'Bob and Alice seen');
		const bobId = bob.doc.clientID;
		bob.destroy();
		await eventually(() => !carol.provider.awareness.getStates().has(bobId), 'Bob gone');
		expect(record.seen).toEqual([]);
		expect(nameOf(carol, alice.doc.clientID)).toBe('Alice');

		// Alice herself may still change and remove her own state.
		alice.provider.awareness.setLocalStateField('user', { name: 'Alice again' });
		await eventually(() => nameOf(carol, alice.doc.clientID) === 'Alice again', "Alice's own change");
		alice.provider.awareness.setLocalState(null);
		await eventually(() => !carol.provider.awareness.getStates().has(alice.doc.clientID), "Alice's own removal");
		alice.destroy();
		carol.destroy();
	});
});

const postgres = await findPostgres();
const redis = await findRedis();

describe.skipIf(!postgres || !redis)('presence bound across two relay processes', () => {
	const cluster = useRelayPair(postgres!, redis!);

	it("refuses, on the other process, an overwrite and a removal of a client's state", async () => {
		const room = randomRoom();
		const token = randomToken();
		const alice = connectClient(cluster.a.syncUrl, room, token);
		const dave = connectClient(cluster.a.syncUrl, room, token);
		const carol = connectClient(cluster.b.syncUrl, room, token);
		await Promise.all([alice.synced(), dave.synced(), carol.synced()]);
		alice.provider.awareness.setLocalStateField('user', { name: 'Alice' });
		await eventually(() => nameOf(carol, alice.doc.clientID) === 'Alice' && nameOf(dave, alice.doc.clientID) === 'Alice', 'Alice present on both');
		const records = [watch(carol, alice.doc.clientID, 'Alice'), watch(dave, alice.doc.clientID, 'Alice')];

		// Mallory on B, where Alice's client id belongs to the other process.
		await spoof(cluster.b.syncUrl, room, token, alice, [carol, dave]);
		// And on A, where it belongs to Alice's own connection.
		await spoof(cluster.a.syncUrl, room, token, alice, [carol, dave]);
		for (const record of records) expect(record.seen).toEqual([]);
		expect(nameOf(carol, alice.doc.clientID)).toBe('Alice');
		expect(nameOf(dave, alice.doc.clientID)).toBe('Alice');

		// Alice leaving is still seen on the other process.
		const aliceId = alice.doc.clientID;
		alice.destroy();
		await eventually(() => !carol.provider.awareness.getStates().has(aliceId), 'Alice gone on B');
		dave.destroy();
		carol.destroy();
	});
});
