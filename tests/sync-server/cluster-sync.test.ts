import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CLOSE } from '../../sync-server/src/shared/protocol';
import { connectClient, eventually, randomRoom, randomToken, type TestClient } from '../helpers/clients';
import { findPostgres, useTestDatabase } from '../helpers/postgres';
import { findRedis, startRedis } from '../helpers/redis';
import { fetchMetrics, TEST_METRICS_TOKEN } from '../helpers/relay';
import { spawnCluster, stopRelay, type RelayProcess } from '../helpers/relay-process';
import { savedWriter, streamWrites, type SavedWriter } from '../helpers/saved';

const postgres = await findPostgres();
const redis = await findRedis();
/** Fast writers: the per-connection limit is not what these tests are about. */
const LIMITS = { UPDATES_PER_SECOND: '5000', UPDATE_BURST: '5000', ROOMS_PER_MINUTE_PER_ADDRESS: '1000' };

const content = (client: TestClient) => JSON.stringify(client.doc.getArray('log').toArray().slice().sort());

// Two relay processes sharing PostgreSQL and Redis, as a scaled-out deployment runs them.
describe.skipIf(!postgres || !redis)('two relay processes', () => {
	const database = useTestDatabase(postgres!);
	let a: RelayProcess;
	let b: RelayProcess;

	beforeAll(async () => {
		[a, b] = (await spawnCluster(2, { databaseUrl: database.current.url, redisUrl: redis! }, { ...LIMITS, METRICS_TOKEN: TEST_METRICS_TOKEN })) as [
			RelayProcess,
			RelayProcess
		];
	});
	afterAll(async () => {
		await Promise.all([a, b].filter(Boolean).map(stopRelay));
	});

	it('stock y-websocket clients on A and on B converge, awareness included', async () => {
		const room = randomRoom();
		const token = randomToken();
		const onA = connectClient(a.syncUrl, room, token);
		await onA.synced();
		const onB = connectClient(b.syncUrl, room, token);
		await onB.synced();
		onA.doc.getArray<string>('log').push(['from A']);
		onB.doc.getArray<string>('log').push(['from B']);
		await eventually(() => content(onA) === content(onB) && onA.doc.getArray('log').length === 2, 'both edits on both clients');
		onA.provider.awareness.setLocalStateField('user', { name: 'Alice on A' });
		onB.provider.awareness.setLocalStateField('user', { name: 'Bob on B' });
		const names = (client: TestClient) =>
			[...client.provider.awareness.getStates().values()].map((state) => (state.user as { name?: string } | undefined)?.name).sort();
		await eventually(() => JSON.stringify(names(onA)) === JSON.stringify(['Alice on A', 'Bob on B']), 'B present on A');
		await eventually(() => JSON.stringify(names(onB)) === JSON.stringify(['Alice on A', 'Bob on B']), 'A present on B');
		// Leaving on A is seen on B.
		onA.destroy();
		await eventually(() => JSON.stringify(names(onB)) === JSON.stringify(['Bob on B']), 'A gone on B');
		onB.destroy();
		// Each process counts what it heard from the other in its own /metrics.
		for (const relay of [a, b]) {
			const metrics = await fetchMetrics(relay.url);
			expect(metrics).toMatch(/^fieldbook_fanout_received_total\{kind="update"\} [1-9]/m);
			expect(metrics).toMatch(/^fieldbook_fanout_received_total\{kind="awareness"\} [1-9]/m);
		}
	});

	it('two first connections to a new room with different tokens on A and B: exactly one token wins', async () => {
		for (let round = 0; round < 10; round++) {
			const room = randomRoom();
			const tokens = [randomToken(), randomToken()];
			const outcomes = await Promise.all(
				[a, b].map(
					(relay, index) =>
						new Promise<'joined' | number>((resolve) => {
							const socket = new WebSocket(`${relay.syncUrl}/${room}?token=${tokens[index]}`);
							// The relay's first message (sync step 1) means the token was accepted.
							socket.once('message', () => {
								resolve('joined');
								socket.close();
							});
							socket.once('close', (code) => resolve(code));
						})
				)
			);
			expect(outcomes.filter((outcome) => outcome === 'joined')).toHaveLength(1);
			expect(outcomes.filter((outcome) => outcome === CLOSE.BAD_TOKEN)).toHaveLength(1);
		}
	});
});

describe.skipIf(!postgres || !redis)('a relay process killed mid-stream', () => {
	const database = useTestDatabase(postgres!);

	it("loses nothing either process confirmed; A's clients reconnect to B and every replica ends identical", async () => {
		const [a, b] = (await spawnCluster(2, { databaseUrl: database.current.url, redisUrl: redis! }, LIMITS)) as [RelayProcess, RelayProcess];
		const room = randomRoom();
		const token = randomToken();
		const onA = [savedWriter(a.syncUrl, room, token), savedWriter(a.syncUrl, room, token)];
		await Promise.all(onA.map(({ client }) => client.synced()));
		const onB = [savedWriter(b.syncUrl, room, token), savedWriter(b.syncUrl, room, token)];
		const writers: SavedWriter[] = [...onA, ...onB];
		await Promise.all(writers.map(({ client }) => client.synced()));

		const stream = streamWrites(writers);
		await eventually(() => writers.every(({ confirmed }) => confirmed.clock > 300), 'hundreds of confirmed updates per writer', 60_000);
		a.child.kill('SIGKILL');
		expect(await a.exited).toBe('SIGKILL');
		// B's writers keep writing a little while A's clients are cut off.
		await eventually(() => onB.every(({ confirmed }) => confirmed.clock > 600), 'B keeps confirming', 60_000);
		await stream.stop();
		const confirmed = writers.map(({ client, confirmed }) => ({ clientId: client.doc.clientID, clock: confirmed.clock }));

		// A's clients come back through the load balancer, to B, with what they hold.
		for (const { client } of onA) client.provider.destroy();
		const back = onA.map(({ client }) => savedWriter(b.syncUrl, room, token, client.doc));
		await Promise.all(back.map(({ client }) => client.synced()));

		// A newcomer on a fresh process reads only what PostgreSQL holds.
		const [c] = (await spawnCluster(1, { databaseUrl: database.current.url, redisUrl: redis! }, LIMITS)) as [RelayProcess];
		const reader = connectClient(c.syncUrl, room, token);
		await reader.synced();
		const held = Y.decodeStateVector(Y.encodeStateVector(reader.doc));
		for (const { clientId, clock } of confirmed) expect(held.get(clientId) ?? 0, `writer ${clientId}`).toBeGreaterThanOrEqual(clock);

		const all = [reader, ...back.map(({ client }) => client), ...onB.map(({ client }) => client)];
		await eventually(() => all.every((client) => content(client) === content(all[0]!)), 'identical replicas', 60_000);
		expect(all[0]!.doc.getArray('log').length).toBeGreaterThan(1200);
		for (const client of all) client.destroy();
		await Promise.all([b, c].map(stopRelay));
		expect(await b.exited).toBe(0);
	}, 180_000);
});

describe.skipIf(!postgres || !redis)('Redis restarted during traffic', () => {
	const database = useTestDatabase(postgres!);

	it('loses no update, and the processes recover without a restart', async () => {
		const ownRedis = await startRedis();
		const [a, b] = (await spawnCluster(2, { databaseUrl: database.current.url, redisUrl: ownRedis.url }, LIMITS)) as [RelayProcess, RelayProcess];
		try {
			const room = randomRoom();
			const token = randomToken();
			const writers = [savedWriter(a.syncUrl, room, token), savedWriter(b.syncUrl, room, token)];
			await Promise.all(writers.map(({ client }) => client.synced()));
			const stream = streamWrites(writers, 2);
			await eventually(() => writers.every(({ confirmed }) => confirmed.clock > 100), 'updates flowing', 60_000);
			await ownRedis.stop();
			const atStop = writers.map(({ confirmed }) => confirmed.clock);
			const down = await fetch(`${a.url}/healthz`);
			expect(down.status).toBe(503);
			expect(await down.json()).toMatchObject({ ok: false, postgres: 'reachable', redis: 'unreachable' });
			// Both processes keep storing while Redis is away.
			await eventually(() => writers.every(({ confirmed }, index) => confirmed.clock > atStop[index]! + 100), 'stored without Redis', 60_000);
			await ownRedis.start();
			await eventually(() => writers.every(({ confirmed }, index) => confirmed.clock > atStop[index]! + 200), 'flowing after Redis is back', 60_000);
			await stream.stop();
			const confirmed = writers.map(({ client, confirmed }) => ({ clientId: client.doc.clientID, clock: confirmed.clock }));
			// Same processes, same connections: every replica ends identical, with every confirmed update.
			const clients = writers.map(({ client }) => client);
			await eventually(() => content(clients[0]!) === content(clients[1]!), 'identical replicas', 60_000);
			const reader = connectClient(a.syncUrl, room, token);
			await reader.synced();
			const held = Y.decodeStateVector(Y.encodeStateVector(reader.doc));
			for (const { clientId, clock } of confirmed) expect(held.get(clientId) ?? 0).toBeGreaterThanOrEqual(clock);
			expect(content(reader)).toBe(content(clients[0]!));
			for (const client of [...clients, reader]) client.destroy();
			const health = await fetch(`${b.url}/healthz`);
			expect(await health.json()).toEqual({ ok: true, storage: 'reachable', postgres: 'reachable', redis: 'reachable' });
		} finally {
			await Promise.all([a, b].map(stopRelay));
			await ownRedis.close();
		}
	}, 180_000);
});
