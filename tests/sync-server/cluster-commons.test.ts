import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commonsApi, guidePayload, newEntryId, newPublisher } from '../helpers/commons';
import { findPostgres, useTestDatabase } from '../helpers/postgres';
import { startRedis } from '../helpers/redis';
import { startTestRelay, type TestRelay } from '../helpers/relay';

const server = await findPostgres();
const ADMIN_TOKEN = 'moderation-token-0123456789';

// Two relay processes' worth of relays on one PostgreSQL database: the commons is one, whichever answers.
describe.skipIf(!server)('commons across two relays sharing PostgreSQL', () => {
	const database = useTestDatabase(server!);
	let a: TestRelay;
	let b: TestRelay;

	beforeAll(async () => {
		// Processes of one deployment share the salt, so one address hashes alike whichever process it reaches.
		const commons = { writesPerMinute: 10_000, reportsPerHour: 10_000, reportThreshold: 2, reportSalt: 'shared-report-salt-0123456789' };
		const shared = { databaseUrl: database.current.url, commonsAdminToken: ADMIN_TOKEN, trustProxy: true, commons };
		a = await startTestRelay(shared);
		b = await startTestRelay(shared);
	});
	afterAll(async () => {
		await Promise.all([a?.close(), b?.close()]);
	});

	it('an entry published through A is found by search through B; reports on A and B count one per address', async () => {
		const viaA = commonsApi(a.url);
		const viaB = commonsApi(b.url);
		const id = newEntryId();
		expect((await viaA.publish(newPublisher(), guidePayload(id, 1, { title: 'Kettling survival notes' }))).status).toBe(201);
		const found = await viaB.list({ q: 'kettl' });
		expect(found.body.entries.map((entry: { id: string }) => entry.id)).toEqual([id]);
		expect((await viaA.report(id, 'reporter-on-a', 'spam', '198.51.100.1')).body).toEqual({ hidden: false });
		// The same address again through the other process is the same reporter.
		expect((await viaB.report(id, 'reporter-on-b', 'spam', '198.51.100.1')).body).toEqual({ hidden: false });
		expect((await viaB.report(id, 'reporter-on-b', 'spam', '198.51.100.2')).body).toEqual({ hidden: true });
		expect((await viaA.get(id)).status).toBe(451);
		expect((await viaB.get(id)).status).toBe(451);
	});

	it('/healthz names PostgreSQL', async () => {
		const health = await fetch(`${b.url}/healthz`);
		expect(health.status).toBe(200);
		expect(await health.json()).toEqual({ ok: true, storage: 'reachable', postgres: 'reachable' });
	});

	it('per-address write limits are shared by relays sharing Redis', async () => {
		const redis = await startRedis();
		const limited = { writesPerMinute: 3, reportsPerHour: 10_000, reportThreshold: 2 };
		const shared = { databaseUrl: database.current.url, redisUrl: redis.url, commons: limited };
		const [c, d] = await Promise.all([startTestRelay(shared), startTestRelay(shared)]);
		try {
			const publisher = newPublisher();
			const statuses: number[] = [];
			for (const relay of [c, d, c, d]) statuses.push((await commonsApi(relay.url).publish(publisher, guidePayload(newEntryId(), 1))).status);
			expect(statuses).toEqual([201, 201, 201, 429]);
		} finally {
			await Promise.all([c.close(), d.close()]);
			await redis.close();
		}
	});
});
