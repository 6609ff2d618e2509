import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignPayload, commonsApi, docOf, guidePayload, newEntryId, newPublisher } from '../helpers/commons';
import { startTestRelay, type TestRelay } from '../helpers/relay';

// Every list filter of COMMONS.md over real HTTP, against one relay holding a small, known commons.
describe('commons list filters', () => {
	let relay: TestRelay;
	let api: ReturnType<typeof commonsApi>;
	const publisher = newPublisher();
	const ids = {
		legal: newEntryId(),
		medic: newEntryId(),
		winter: newEntryId(),
		spring: newEntryId(),
		past: newEntryId(),
		open: newEntryId()
	};
	const today = new Date().toISOString().slice(0, 10);

	beforeAll(async () => {
		relay = await startTestRelay({ commons: { writesPerMinute: 10_000 } });
		api = commonsApi(relay.url);
		const entries = [
			guidePayload(ids.legal, 1, { title: 'Legal support', tags: ['legal', 'arrests'], lang: 'en', body: docOf('Write the lawyer number on your forearm') }),
			guidePayload(ids.medic, 1, { title: 'Street medics', summary: 'Eye flushing and first aid', tags: ['Medic'], lang: 'sv', publisher: 'Sjukvårdsgruppen', body: docOf('Saline solution') }),
			campaignPayload(ids.winter, 1, { title: 'Winter blockades', place: 'Malmö hamn', starts: '2026-12-01', ends: '2027-02-28', tags: ['kolhamn'] }),
			campaignPayload(ids.spring, 1, { title: 'Spring march', place: 'Göteborg', tags: [], starts: '2027-04-01', ends: '2027-04-01', lang: 'sv', description: 'A march with drums and banners' }),
			campaignPayload(ids.past, 1, { title: 'Past occupation', place: 'Lund', tags: [], starts: '2025-01-10', ends: '2025-01-20' }),
			campaignPayload(ids.open, 1, { title: 'Ongoing vigil', place: 'MALMÖ centrum', tags: [], starts: '2026-06-01', ends: undefined })
		];
		for (const payload of entries) expect((await api.publish(publisher, payload)).status).toBe(201);
	});
	afterAll(() => relay.close());

	async function listed(query: Record<string, string | number>): Promise<string[]> {
		const answer = await api.list(query);
		expect(answer.status).toBe(200);
		return answer.body.entries.map((entry: { id: string }) => entry.id).sort();
	}
	const sorted = (...values: string[]) => [...values].sort();

	it('lists every entry newest first, as summaries with offset, limit and total', async () => {
		const answer = await api.list();
		expect(answer.status).toBe(200);
		expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(answer.body).toMatchObject({ total: 6, offset: 0, limit: 20 });
		expect(answer.body.entries.map((entry: { id: string }) => entry.id)).toEqual([ids.open, ids.past, ids.spring, ids.winter, ids.medic, ids.legal]);
		for (const entry of answer.body.entries) {
			for (const field of ['body', 'description', 'signed', 'signature', 'action']) expect(entry).not.toHaveProperty(field);
			expect(entry.publicKey).toBe(publisher.publicKey);
		}
	});

	it('q searches with FTS5: title, summary, tags, publisher, place, description and guide body text', async () => {
		expect(await listed({ q: 'legal' })).toEqual([ids.legal]);
		expect(await listed({ q: 'lawyer forearm' })).toEqual([ids.legal]);
		expect(await listed({ q: 'saline' })).toEqual([ids.medic]);
		expect(await listed({ q: 'flushing' })).toEqual([ids.medic]);
		expect(await listed({ q: 'sjukvårdsgruppen' })).toEqual([ids.medic]);
		expect(await listed({ q: 'kolhamn' })).toEqual([ids.winter]);
		expect(await listed({ q: 'hamn' })).toEqual([ids.winter]);
		expect(await listed({ q: 'drums' })).toEqual([ids.spring]);
		expect(await listed({ q: 'Goteborg' })).toEqual([ids.spring]);
		expect(await listed({ q: 'nothing-like-this' })).toEqual([]);
		expect((await api.list({ q: 'legal' })).body.total).toBe(1);
	});

	it('q never becomes FTS syntax, and a blank q is no filter', async () => {
		for (const q of ['"', 'legal"', 'AND', 'NEAR(', '*', 'title:legal', '(legal OR', '-legal', "'; DROP TABLE entries; --"]) {
			const answer = await api.list({ q });
			expect(answer.status, q).toBe(200);
		}
		expect(await listed({ q: 'legal"' })).toEqual([ids.legal]);
		expect(await listed({ q: '(legal' })).toEqual([ids.legal]);
		expect((await api.list({ q: '   ' })).body.total).toBe(6);
		const tooLong = await api.list({ q: 'x'.repeat(201) });
		expect(tooLong.status).toBe(400);
		expect(tooLong.body.message).toContain('q');
	});

	it('kind, lang and tag (exact, case-insensitive)', async () => {
		expect(await listed({ kind: 'guide' })).toEqual(sorted(ids.legal, ids.medic));
		expect(await listed({ kind: 'campaign' })).toEqual(sorted(ids.winter, ids.spring, ids.past, ids.open));
		expect(await listed({ lang: 'sv' })).toEqual(sorted(ids.medic, ids.spring));
		expect(await listed({ tag: 'medic' })).toEqual([ids.medic]);
		expect(await listed({ tag: 'ARRESTS' })).toEqual([ids.legal]);
		expect(await listed({ tag: 'arrest' })).toEqual([]);
		expect(await listed({ kind: 'guide', lang: 'en', tag: 'legal', q: 'support' })).toEqual([ids.legal]);
	});

	it('place: campaigns whose place contains the text, case-insensitively', async () => {
		expect(await listed({ place: 'malmö' })).toEqual(sorted(ids.winter, ids.open));
		expect(await listed({ place: 'BORG' })).toEqual([ids.spring]);
		expect(await listed({ place: 'legal' })).toEqual([]);
	});

	it('from and to: campaigns overlapping the range, open-ended ones forever, guides by updatedAt', async () => {
		expect(await listed({ from: '2027-01-01', to: '2027-01-31', kind: 'campaign' })).toEqual(sorted(ids.winter, ids.open));
		expect(await listed({ from: '2027-04-01', to: '2027-04-01' })).toEqual(sorted(ids.spring, ids.open));
		expect(await listed({ from: '2030-01-01', kind: 'campaign' })).toEqual([ids.open]);
		expect(await listed({ to: '2025-12-31' })).toEqual([ids.past]);
		expect(await listed({ from: '2025-01-20', to: '2025-01-20' })).toEqual([ids.past]);
		expect(await listed({ from: '2025-01-21', to: '2025-05-31' })).toEqual([]);
		// Guides were all updated today.
		expect(await listed({ from: today, to: today, kind: 'guide' })).toEqual(sorted(ids.legal, ids.medic));
		expect(await listed({ to: '2020-01-01', kind: 'guide' })).toEqual([]);
	});

	it('near and within: campaigns with a location in range, nearest first', async () => {
		const answer = await api.list({ near: '55.7,13.2', within: 50 });
		expect(answer.status).toBe(200);
		// Every campaign here is at the payload helper's Malmö (55.6,13.0): equally near, so by start.
		expect(answer.body.entries.map((entry: { id: string }) => entry.id)).toEqual([ids.past, ids.open, ids.winter, ids.spring]);
		expect(await listed({ near: '67.9,20.2', within: 200 })).toEqual([]);
	});

	it('pages with offset and limit and reports the total of all matches', async () => {
		const first = await api.list({ limit: 4 });
		expect(first.body).toMatchObject({ total: 6, offset: 0, limit: 4 });
		expect(first.body.entries).toHaveLength(4);
		const second = await api.list({ limit: 4, offset: 4 });
		expect(second.body).toMatchObject({ total: 6, offset: 4, limit: 4 });
		expect(second.body.entries).toHaveLength(2);
		const all = [...first.body.entries, ...second.body.entries].map((entry: { id: string }) => entry.id).sort();
		expect(all).toEqual(sorted(...Object.values(ids)));
		expect((await api.list({ offset: 100 })).body).toMatchObject({ entries: [], total: 6, offset: 100 });
		expect((await api.list({ limit: 50 })).status).toBe(200);
	});

	it('key lists what one publisher key published', async () => {
		expect(await listed({ key: publisher.publicKey })).toEqual(sorted(...Object.values(ids)));
		expect(await listed({ key: newPublisher().publicKey })).toEqual([]);
		expect(await listed({ key: publisher.publicKey, kind: 'guide' })).toEqual(sorted(ids.legal, ids.medic));
	});

	it('refuses bad filter values with 400 invalid naming the parameter', async () => {
		const cases: [Record<string, string | number>, string][] = [
			[{ limit: 51 }, 'limit'],
			[{ limit: 0 }, 'limit'],
			[{ limit: 'ten' }, 'limit'],
			[{ offset: -1 }, 'offset'],
			[{ offset: 10_001 }, 'offset'],
			[{ kind: 'essay' }, 'kind'],
			[{ lang: 'english' }, 'lang'],
			[{ from: '2026-13-01' }, 'from'],
			[{ to: '2026-02-30' }, 'to'],
			[{ from: 'tomorrow' }, 'from'],
			[{ from: '2027-01-02', to: '2027-01-01' }, 'from'],
			[{ tag: 'x'.repeat(41) }, 'tag'],
			[{ place: 'x'.repeat(201) }, 'place'],
			[{ key: 'not a key' }, 'key'],
			[{ key: 'A'.repeat(44) }, 'key'],
			// A position finer than the 0.1° grid is refused, so no app can send one by mistake.
			[{ near: '55.70,13.19', within: 50 }, 'near'],
			[{ near: '55.7047,13.1910', within: 50 }, 'near'],
			[{ near: '95.0,13.2', within: 50 }, 'near'],
			[{ near: '55.7,13.2' }, 'within'],
			[{ near: '55.7,13.2', within: 30 }, 'within'],
			[{ within: 50 }, 'near']
		];
		for (const [query, name] of cases) {
			const answer = await api.list(query);
			expect(answer.status, JSON.stringify(query)).toBe(400);
			expect(answer.body.error).toBe('invalid');
			expect(answer.body.message.startsWith(name), answer.body.message).toBe(true);
		}
	});
});
