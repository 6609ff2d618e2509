import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commonsApi, guidePayload, newEntryId, newPublisher, unpublishPayload } from '../helpers/commons';
import { startTestRelay, type TestRelay } from '../helpers/relay';

const ADMIN_TOKEN = 'moderation-token-0123456789';
const THRESHOLD = 3;

/** A documentation address (RFC 5737) per reporter number, sent as X-Forwarded-For to a TRUST_PROXY relay. */
const address = (n: number) => `198.51.100.${n}`;

// Reports from distinct client addresses hide an entry at the threshold; an admin restores or removes it.
describe('commons moderation', () => {
	let relay: TestRelay;
	let api: ReturnType<typeof commonsApi>;
	const publisher = newPublisher();

	beforeAll(async () => {
		relay = await startTestRelay({
			commonsAdminToken: ADMIN_TOKEN,
			trustProxy: true,
			commons: { writesPerMinute: 10_000, reportsPerHour: 10_000, reportThreshold: THRESHOLD }
		});
		api = commonsApi(relay.url);
	});

	/** A report from reporter `n`: its own address and its own app reporter id. */
	const reportFrom = (id: string, n: number, reason?: string) => api.report(id, `reporter-${n}-${id}`, reason, address(n));
	afterAll(() => relay.close());

	async function publishGuide(title: string): Promise<string> {
		const id = newEntryId();
		expect((await api.publish(publisher, guidePayload(id, 1, { title }))).status).toBe(201);
		return id;
	}

	async function hide(id: string): Promise<void> {
		for (let n = 1; n <= THRESHOLD; n++) expect((await reportFrom(id, n)).status).toBe(202);
		expect((await api.get(id)).status).toBe(451);
	}

	const listedIds = async (query: Record<string, string> = {}) =>
		(await api.list({ limit: 50, ...query })).body.entries.map((entry: { id: string }) => entry.id);

	it('counts each address once and hides the entry at the threshold: gone from lists, GET 451', async () => {
		const id = await publishGuide('Reported guide alpha');
		expect((await reportFrom(id, 1)).body).toEqual({ hidden: false });
		expect((await reportFrom(id, 1, 'again')).body).toEqual({ hidden: false });
		expect((await reportFrom(id, 2)).body).toEqual({ hidden: false });
		expect((await api.get(id)).status).toBe(200);
		expect(await listedIds()).toContain(id);
		const third = await reportFrom(id, 3);
		expect(third.status).toBe(202);
		expect(third.body).toEqual({ hidden: true });
		const read = await api.get(id);
		expect(read.status).toBe(451);
		expect(read.body.error).toBe('hidden');
		expect(await listedIds()).not.toContain(id);
		expect(await listedIds({ q: 'alpha' })).toEqual([]);
		// A hidden entry still takes reports and its publisher's updates, and stays hidden.
		expect((await reportFrom(id, 4)).body).toEqual({ hidden: true });
		expect((await api.publish(publisher, guidePayload(id, 2, { title: 'Reported guide alpha, edited' }))).status).toBe(200);
		expect((await api.get(id)).status).toBe(451);
	});

	it('five reports from one address with five reporter ids do not hide an entry', async () => {
		const id = await publishGuide('Reported from one place');
		for (let n = 1; n <= 5; n++) expect((await api.report(id, `made-up-reporter-${n}`, 'spam', address(9))).body).toEqual({ hidden: false });
		expect((await api.get(id)).status).toBe(200);
		const item = (await api.adminReports(ADMIN_TOKEN)).body.entries.find((entry: { summary: { id: string } }) => entry.summary.id === id);
		expect(item.reports).toHaveLength(1);
	});

	it('an entry restored by the admin is not hidden again by the same reporters, only by new ones', async () => {
		const id = await publishGuide('Restored then reported again');
		await hide(id);
		expect((await api.decide(id, 'restore', ADMIN_TOKEN)).body).toEqual({ id, status: 'visible' });
		for (let n = 1; n <= THRESHOLD; n++) expect((await reportFrom(id, n, 'still bad')).body).toEqual({ hidden: false });
		expect((await api.get(id)).status).toBe(200);
		for (let n = THRESHOLD + 1; n < 2 * THRESHOLD; n++) expect((await reportFrom(id, n)).body).toEqual({ hidden: false });
		expect((await reportFrom(id, 2 * THRESHOLD)).body).toEqual({ hidden: true });
		expect((await api.get(id)).status).toBe(451);
	});

	it('reports of an unpublished entry are 410', async () => {
		const id = await publishGuide('Soon gone');
		await api.unpublish(id, publisher.sign(unpublishPayload(id, 2)));
		expect((await reportFrom(id, 1)).status).toBe(410);
	});

	it('admin endpoints need the token: 401 without or with a wrong one', async () => {
		for (const token of [undefined, '', 'wrong-token-0123456789', `${ADMIN_TOKEN}x`, ADMIN_TOKEN.slice(0, -1)]) {
			const list = await api.adminReports(token);
			expect(list.status, String(token)).toBe(401);
			expect(list.body.error).toBe('unauthorized');
			const decide = await api.decide(newEntryId(), 'restore', token);
			expect(decide.status).toBe(401);
		}
		const basic = await api.call('/admin/reports', { headers: { authorization: `Basic ${ADMIN_TOKEN}` } });
		expect(basic.status).toBe(401);
	});

	it('lists reported entries with summary, hidden and reasons, hidden first', async () => {
		const hidden = await publishGuide('Hidden for the admin');
		const flagged = await publishGuide('Flagged once');
		await hide(hidden);
		await reportFrom(flagged, 1, 'Looks like spam');
		const answer = await api.adminReports(ADMIN_TOKEN);
		expect(answer.status).toBe(200);
		const items = answer.body.entries as { summary: { id: string; title: string }; hidden: boolean; reports: { reason: string; at: number }[] }[];
		const hiddenIndex = items.findIndex((item) => item.summary.id === hidden);
		const flaggedIndex = items.findIndex((item) => item.summary.id === flagged);
		expect(hiddenIndex).toBeGreaterThanOrEqual(0);
		expect(flaggedIndex).toBeGreaterThan(hiddenIndex);
		expect(items[flaggedIndex]).toEqual({
			summary: expect.objectContaining({ id: flagged, title: 'Flagged once', publicKey: publisher.publicKey }),
			hidden: false,
			reports: [{ reason: 'Looks like spam', at: expect.any(Number) }]
		});
		expect(items[hiddenIndex]?.hidden).toBe(true);
		expect(items[hiddenIndex]?.reports).toHaveLength(THRESHOLD);
		expect(items[hiddenIndex]?.summary).not.toHaveProperty('body');
		expect(JSON.stringify(items)).not.toContain('reporter-');
	});

	it('restore shows the entry again and clears its reports', async () => {
		const id = await publishGuide('Restored guide beta');
		await hide(id);
		const decided = await api.decide(id, 'restore', ADMIN_TOKEN);
		expect(decided.status).toBe(200);
		expect(decided.body).toEqual({ id, status: 'visible' });
		expect((await api.get(id)).status).toBe(200);
		expect(await listedIds({ q: 'beta' })).toEqual([id]);
		const reported = (await api.adminReports(ADMIN_TOKEN)).body.entries.map((item: { summary: { id: string } }) => item.summary.id);
		expect(reported).not.toContain(id);
		// The count starts again: one new report does not hide it.
		expect((await reportFrom(id, 10)).body).toEqual({ hidden: false });
	});

	it('remove keeps the entry hidden, even after a publisher update or an unpublish and republish', async () => {
		const id = await publishGuide('Removed guide gamma');
		await reportFrom(id, 1);
		const decided = await api.decide(id, 'remove', ADMIN_TOKEN);
		expect(decided.body).toEqual({ id, status: 'removed' });
		expect((await api.get(id)).status).toBe(451);
		expect((await api.publish(publisher, guidePayload(id, 2, { title: 'Removed guide gamma, fixed' }))).status).toBe(200);
		expect((await api.get(id)).status).toBe(451);
		expect(await listedIds({ q: 'gamma' })).toEqual([]);
		await api.unpublish(id, publisher.sign(unpublishPayload(id, 3)));
		expect((await api.publish(publisher, guidePayload(id, 4))).status).toBe(201);
		expect((await api.get(id)).status).toBe(451);
		const reported = (await api.adminReports(ADMIN_TOKEN)).body.entries.map((item: { summary: { id: string } }) => item.summary.id);
		expect(reported).not.toContain(id);
	});

	it('refuses an unknown decision, and an unknown id is 404', async () => {
		const id = await publishGuide('Decision target');
		const bad = await api.decide(id, 'delete', ADMIN_TOKEN);
		expect(bad.status).toBe(400);
		expect(bad.body).toEqual({ error: 'invalid', message: 'decision must be "restore" or "remove"' });
		expect((await api.decide(newEntryId(), 'remove', ADMIN_TOKEN)).status).toBe(404);
	});
});

describe('commons reports without TRUST_PROXY', () => {
	let relay: TestRelay;

	beforeAll(async () => {
		relay = await startTestRelay({ trustProxy: false, commons: { reportsPerHour: 10_000, reportThreshold: 2 } });
	});
	afterAll(() => relay.close());

	it('ignores X-Forwarded-For: reports claiming other addresses count as the one socket address', async () => {
		const api = commonsApi(relay.url);
		const id = newEntryId();
		expect((await api.publish(newPublisher(), guidePayload(id, 1))).status).toBe(201);
		for (let n = 1; n <= 4; n++) expect((await api.report(id, `claimed-reporter-${n}`, 'spam', address(n))).body).toEqual({ hidden: false });
		expect((await api.get(id)).status).toBe(200);
	});
});

describe('commons moderation without an admin token', () => {
	let relay: TestRelay;

	beforeAll(async () => {
		relay = await startTestRelay({ commonsAdminToken: undefined });
	});
	afterAll(() => relay.close());

	it('answers 404 on the admin endpoints, whatever the token', async () => {
		const api = commonsApi(relay.url);
		for (const token of [undefined, ADMIN_TOKEN]) {
			const list = await api.adminReports(token);
			expect(list.status).toBe(404);
			expect(list.body.error).toBe('not_found');
			expect((await api.decide(newEntryId(), 'restore', token)).status).toBe(404);
		}
	});
});
