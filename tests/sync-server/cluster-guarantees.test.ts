import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { createLogger } from '../../sync-server/src/logger';
import { createMetrics } from '../../sync-server/src/metrics';
import { Rooms } from '../../sync-server/src/rooms';
import { createPostgresStore } from '../../sync-server/src/store/postgres';
import type { RoomStore } from '../../sync-server/src/store/types';
import { CLOSE } from '../../sync-server/src/shared/protocol';
import { closeCode, connectClient, eventually, randomRoom, randomToken, type TestClient } from '../helpers/clients';
import { openRaw, textUpdate, updateFrame } from '../helpers/frames';
import { findPostgres, useTestDatabase } from '../helpers/postgres';
import { findRedis, startRedis } from '../helpers/redis';
import { spawnCluster, stopRelay, type RelayProcess } from '../helpers/relay-process';
import { savedWriter, type SavedWriter } from '../helpers/saved';

const postgres = await findPostgres();
const redis = await findRedis();
/** Fast writers: the per-connection limit is not what these tests are about. */
const LIMITS = { UPDATES_PER_SECOND: '5000', UPDATE_BURST: '5000', ROOMS_PER_MINUTE_PER_ADDRESS: '1000' };

const entries = (client: TestClient) => client.doc.getArray('log').length;

/**
 * Each writer appends to `log` after a random pause of 2–8 ms, so writes from many clients arrive at random
 * moments, as they do from people typing: at any instant some update has arrived and is being stored.
 */
function jitteredWrites(writers: SavedWriter[]): { stop(): Promise<void> } {
	let running = true;
	const loops = writers.map(async ({ client }, index) => {
		for (let i = 0; running; i++) {
			client.doc.getArray<string>('log').push([`w${index}-${i}`]);
			await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 6));
		}
	});
	return {
		async stop() {
			running = false;
			await Promise.all(loops);
		}
	};
}
const content = (client: TestClient) => JSON.stringify(client.doc.getArray('log').toArray().slice().sort());

// Guarantees that must hold for the deployment as a whole, not per process: two relay processes sharing
// PostgreSQL and Redis.
describe.skipIf(!postgres || !redis)('a newcomer during a steady stream of writes on two processes', () => {
	const database = useTestDatabase(postgres!);
	let a: RelayProcess;
	let b: RelayProcess;

	beforeAll(async () => {
		[a, b] = (await spawnCluster(2, { databaseUrl: database.current.url, redisUrl: redis! }, LIMITS)) as [RelayProcess, RelayProcess];
	});
	afterAll(async () => {
		await Promise.all([a, b].filter(Boolean).map(stopRelay));
	});

	it('gets its first sync while the writers never pause, on either process', async () => {
		const room = randomRoom();
		const token = randomToken();
		// Several writers per process keep updates in flight on both at every moment.
		const writers = [...Array(12).fill(a), ...Array(4).fill(b)].map((relay) => savedWriter(relay.syncUrl, room, token));
		await Promise.all(writers.map(({ client }) => client.synced()));
		const stream = jitteredWrites(writers);
		try {
			await eventually(() => writers.every(({ confirmed }) => confirmed.clock > 50), 'a steady stream on both processes', 60_000);
			for (const relay of [a, b]) {
				const newcomer = connectClient(relay.syncUrl, room, token);
				await eventually(() => newcomer.provider.synced, `the first sync of a newcomer on ${relay === a ? 'A' : 'B'}`, 30_000);
				// The stream went on: the writers did not have to stop for the newcomer to be served.
				const seen = entries(writers[0]!.client);
				await eventually(() => entries(writers[0]!.client) > seen + 20, 'writes continuing after the newcomer synced');
				expect(entries(newcomer)).toBeGreaterThan(0);
				newcomer.destroy();
			}
		} finally {
			await stream.stop();
		}
		const reader = connectClient(b.syncUrl, room, token);
		await reader.synced();
		await eventually(() => writers.every(({ client }) => content(client) === content(reader)), 'identical replicas', 60_000);
		for (const client of [reader, ...writers.map(({ client }) => client)]) client.destroy();
	}, 120_000);
});

describe.skipIf(!postgres)('a first sync asked for while updates keep arriving', () => {
	const database = useTestDatabase(postgres!);

	it('waits only for the updates in flight when it asked, not for those arriving after', async () => {
		const store = await createPostgresStore(await database.current.freshSchema());
		// The PostgreSQL store, with each append held until the test lets it through: the test decides when
		// each update is stored, so "always one more in flight" is not left to timing.
		const held: (() => void)[] = [];
		const paced: RoomStore = { ...store, append: (room, update) => new Promise<void>((go) => held.push(go)).then(() => store.append(room, update)) };
		const rooms = new Rooms({ store: paced, metrics: createMetrics(), logger: createLogger('silent') });
		const name = randomRoom();
		const room = await rooms.get(name);
		const writer = new Y.Doc();
		const updates: Uint8Array[] = [];
		writer.on('update', (update: Uint8Array) => updates.push(update));
		for (let i = 0; i < 30; i++) writer.getArray('log').push([i]);
		const heldCount = async (n: number) => eventually(() => held.length >= n, `${n} appends reaching the store`);
		try {
			const accepted = [rooms.accept(room, updates[0]!), rooms.accept(room, updates[1]!)];
			await heldCount(2);
			// A newcomer asks with two updates in flight; then more writers keep arriving, one more each time
			// one is stored, so something is always in flight.
			let released = 0;
			let servedAfter: number | undefined;
			const firstSync = room.whenStored().then(() => void (servedAfter = released));
			for (let k = 2; k < updates.length; k++) {
				accepted.push(rooms.accept(room, updates[k]!));
				await new Promise((resolve) => setImmediate(resolve));
				held[released++]!();
				await accepted[released - 1];
				await heldCount(Math.min(released + 1, k + 1));
			}
			while (released < held.length) held[released++]!();
			await Promise.all(accepted);
			await firstSync;
			// Served as soon as the two it waited for were stored, while the stream went on.
			expect(servedAfter).toBe(2);
			expect(room.doc.getArray('log').toJSON()).toEqual(writer.getArray('log').toJSON());
			const rows: Uint8Array[] = [];
			for await (const page of store.updates(name, 1024 * 1024)) rows.push(...page.map((row) => row.update));
			expect(rows).toHaveLength(30);
		} finally {
			room.destroy();
			await store.close();
		}
	});
});

describe.skipIf(!postgres || !redis)('a room byte limit on two processes', () => {
	const database = useTestDatabase(postgres!);
	const MAX_ROOM_BYTES = 16 * 1024;

	it('never lets the two together store more than MAX_ROOM_BYTES, and refuses the update that would pass it', async () => {
		const relays = (await spawnCluster(2, { databaseUrl: database.current.url, redisUrl: redis! }, { ...LIMITS, MAX_ROOM_BYTES: String(MAX_ROOM_BYTES)})) as [
			RelayProcess,
			RelayProcess
		];
		try {
			for (let round = 0; round < 3; round++) {
				const room = randomRoom();
				const token = randomToken();
				// Claim the room first, so every writer below joins the same room.
				const first = await openRaw(`${relays[0].syncUrl}/${room}?token=${token}`);
				first.close();
				// Three writers per process, each offering far more than the room may hold, all at once.
				const sockets = await Promise.all([0, 0, 0, 1, 1, 1].map((index) => openRaw(`${relays[index]!.syncUrl}/${room}?token=${token}`)));
				const codes = sockets.map((socket) => closeCode(socket));
				for (const socket of sockets) for (let i = 0; i < 40; i++) socket.send(updateFrame(textUpdate(`${i}:${'x'.repeat(700)}`)));
				// Refused, or (when the room filled up through the other process after this one admitted an
				// update) sent away to reconnect while the process reloads the room from storage.
				const closed = await Promise.all(codes);
				for (const code of closed) expect([CLOSE.ROOM_TOO_LARGE, CLOSE.GOING_AWAY]).toContain(code);
				expect(closed).toContain(CLOSE.ROOM_TOO_LARGE);
				const client = new pg.Client({ connectionString: database.current.url });
				await client.connect();
				try {
					const stored = await client.query<{ bytes: string; counted: string }>(
						`SELECT coalesce(sum(octet_length(data)), 0) AS bytes, (SELECT bytes FROM rooms WHERE name = $1) AS counted
						 FROM room_updates WHERE room = $1`,
						[room]
					);
					const bytes = Number(stored.rows[0]!.bytes);
					expect(bytes).toBeLessThanOrEqual(MAX_ROOM_BYTES);
					// Full, or within one update of it.
					expect(bytes).toBeGreaterThan(MAX_ROOM_BYTES - 800);
					expect(Number(stored.rows[0]!.counted)).toBe(bytes);
				} finally {
					await client.end();
				}
			}
		} finally {
			await Promise.all(relays.map(stopRelay));
		}
	}, 120_000);
});

describe.skipIf(!postgres || !redis)('connections per address on two processes', () => {
	const database = useTestDatabase(postgres!);

	/** Opens a connection to a new room; resolves with the close code when refused. */
	const join = (relay: RelayProcess) =>
		new Promise<{ socket: WebSocket; refused?: number }>((resolve) => {
			const socket = new WebSocket(`${relay.syncUrl}/${randomRoom()}?token=${randomToken()}`);
			// The relay's first message (sync step 1) means the connection was accepted.
			socket.once('message', () => resolve({ socket }));
			socket.once('close', (code) => resolve({ socket, refused: code }));
		});
	/** Tries until a connection is accepted (each refused one is closed by the relay). */
	const joinWhenFree = async (relay: RelayProcess, what: string) => {
		const start = Date.now();
		for (;;) {
			const attempt = await join(relay);
			if (attempt.refused === undefined) return attempt.socket;
			expect(attempt.refused).toBe(CLOSE.ADDRESS_BUSY);
			if (Date.now() - start > 40_000) throw new Error(`timed out waiting for ${what}`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	};

	it('counts an address on both processes together, through a Redis restart, and stops counting a killed process', async () => {
		const ownRedis = await startRedis();
		const counts = new Redis(ownRedis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
		const [a, b] = (await spawnCluster(2, { databaseUrl: database.current.url, redisUrl: ownRedis.url }, { ...LIMITS, MAX_CONNECTIONS_PER_ADDRESS: '3' })) as [
			RelayProcess,
			RelayProcess
		];
		try {
			const held = [await join(a), await join(a), await join(b)];
			expect(held.map((attempt) => attempt.refused)).toEqual([undefined, undefined, undefined]);
			// Three open across the two: a fourth is refused on either.
			expect((await join(b)).refused).toBe(CLOSE.ADDRESS_BUSY);
			expect((await join(a)).refused).toBe(CLOSE.ADDRESS_BUSY);
			// One closes on A: its place can be taken on B.
			const closed = new Promise((resolve) => held[0]!.socket.once('close', resolve));
			held[0]!.socket.close();
			await closed;
			held[0] = { socket: await joinWhenFree(b, 'the place freed on A to be taken on B') };

			// Redis restarted empty: each process writes its counts again once it is back.
			await ownRedis.stop();
			await ownRedis.start();
			await counts.connect();
			const total = async () => Object.values(await counts.hgetall('fieldbook:conns:127.0.0.1')).reduce((sum, n) => sum + Number(n), 0);
			const startWait = Date.now();
			while ((await total()) < 3) {
				if (Date.now() - startWait > 30_000) throw new Error('timed out waiting for the counts to come back');
				await new Promise((resolve) => setTimeout(resolve, 100));
			}
			expect((await join(b)).refused).toBe(CLOSE.ADDRESS_BUSY);

			// A dies holding one connection: it still counts at first, then no longer once A is known dead.
			a.child.kill('SIGKILL');
			await a.exited;
			expect((await join(b)).refused).toBe(CLOSE.ADDRESS_BUSY);
			held.push({ socket: await joinWhenFree(b, 'the place of the killed process') });
			expect((await join(b)).refused).toBe(CLOSE.ADDRESS_BUSY);
			for (const { socket } of held) socket.close();
		} finally {
			counts.disconnect();
			await Promise.all([a, b].map(stopRelay));
			await ownRedis.close();
		}
	}, 120_000);
});
