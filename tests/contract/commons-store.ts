import { describe, expect, it } from 'vitest';
import type {
	CampaignPayload,
	CommonsFilter,
	CommonsStore,
	GuidePayload,
	PublishWrite,
	UnpublishWrite
} from '../../sync-server/src/commons/types';

/** What a commons store implementation gives the contract suite: a fresh store and its storage's reopening. */
export interface CommonsStoreSetup {
	store: CommonsStore;
	reopen(): Promise<CommonsStore>;
	cleanup(): Promise<void>;
}

const KEY_A = 'A'.repeat(43);
const KEY_B = 'B'.repeat(43);
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2026-11-01T12:00:00Z');

/** A 22-character id, distinct per number. */
const idOf = (n: number) => `entry${String(n).padStart(17, '0')}`;

function guide(n: number, seq: number, fields: Partial<GuidePayload> = {}): GuidePayload {
	return {
		v: 1,
		id: idOf(n),
		seq,
		action: 'publish',
		kind: 'guide',
		lang: 'en',
		title: `Guide ${n}`,
		summary: '',
		tags: [],
		publisher: 'Test group',
		body: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'plain words' }] }] },
		licence: 'CC-BY-SA-4.0',
		...fields
	};
}

function campaign(n: number, seq: number, fields: Partial<CampaignPayload> = {}): CampaignPayload {
	return {
		v: 1,
		id: idOf(n),
		seq,
		action: 'publish',
		kind: 'campaign',
		lang: 'en',
		title: `Campaign ${n}`,
		summary: '',
		tags: [],
		publisher: 'Test group',
		description: 'A campaign.',
		place: 'Somewhere',
		starts: '2026-12-01',
		join: { contact: 'Signal' },
		...fields
	};
}

function write(payload: GuidePayload | CampaignPayload, at = T0, publicKey = KEY_A, bodyText = ''): PublishWrite {
	const signed = JSON.stringify(payload);
	return { payload, signed, publicKey, signature: `sig-${payload.id}-${payload.seq}`, bodyText, at };
}

function unpublishWrite(n: number, seq: number, at = T0, publicKey = KEY_A): UnpublishWrite {
	const payload = { v: 1 as const, id: idOf(n), seq, action: 'unpublish' as const };
	return { payload, signed: JSON.stringify(payload), publicKey, signature: 'sig', at };
}

const page = (filter: Partial<CommonsFilter> = {}): CommonsFilter => ({ offset: 0, limit: 20, ...filter });

/**
 * The contract every commons store keeps (COMMONS.md): binding ids to keys, seq and kind rules, tombstones,
 * search and filters, pagination, reports, moderation decisions and closing. `setup` gives a fresh store.
 */
export function runCommonsStoreContractTests(name: string, setup: () => Promise<CommonsStoreSetup>): void {
	describe(`commons store contract: ${name}`, () => {
		async function withStore(test: (store: CommonsStore) => Promise<void>): Promise<void> {
			const { store, cleanup } = await setup();
			try {
				await test(store);
			} finally {
				await store.close();
				await cleanup();
			}
		}

		async function ids(store: CommonsStore, filter: Partial<CommonsFilter> = {}): Promise<string[]> {
			return (await store.list(page(filter))).entries.map((entry) => entry.id);
		}

		it('an unknown id is not found and the list is empty', () =>
			withStore(async (store) => {
				expect(await store.get(idOf(1))).toEqual({ status: 'not_found' });
				expect(await store.list(page())).toEqual({ entries: [], total: 0 });
				expect(await store.reported()).toEqual([]);
			}));

		it('a first publish is created and served as signed, without action, with key and times', () =>
			withStore(async (store) => {
				const payload = guide(1, 1, { title: '<img src=x onerror=alert(1)>', tags: ['legal'] });
				const stored = write(payload);
				const outcome = await store.publish(stored);
				expect(outcome.status).toBe('created');
				const found = await store.get(idOf(1));
				expect(found.status).toBe('visible');
				if (found.status !== 'visible') return;
				const { action: _action, ...fields } = payload;
				expect(found.entry).toEqual({
					...fields,
					publicKey: KEY_A,
					signature: stored.signature,
					signed: stored.signed,
					publishedAt: T0,
					updatedAt: T0
				});
				expect(found.entry.signed).toBe(stored.signed);
				const [summary] = (await store.list(page())).entries;
				expect(summary).toBeDefined();
				expect(summary).not.toHaveProperty('body');
				expect(summary).not.toHaveProperty('signed');
				expect(summary).not.toHaveProperty('signature');
				expect(summary).not.toHaveProperty('action');
				expect(summary).toMatchObject({ id: idOf(1), title: payload.title, licence: 'CC-BY-SA-4.0', publicKey: KEY_A });
			}));

		it('a campaign summary keeps place, dates, location and join but not the description', () =>
			withStore(async (store) => {
				await store.publish(write(campaign(1, 1, { location: { lat: 55.6, lon: 13 }, ends: '2027-01-01' })));
				const [summary] = (await store.list(page())).entries;
				expect(summary).not.toHaveProperty('description');
				expect(summary).toMatchObject({ place: 'Somewhere', starts: '2026-12-01', ends: '2027-01-01', location: { lat: 55.6, lon: 13 }, join: { contact: 'Signal' } });
			}));

		it('an update with the same key and a greater seq replaces the entry and keeps publishedAt', () =>
			withStore(async (store) => {
				await store.publish(write(guide(1, 1)));
				const outcome = await store.publish(write(guide(1, 5, { title: 'Renamed' }), T0 + 1000));
				expect(outcome.status).toBe('updated');
				const found = await store.get(idOf(1));
				expect(found).toMatchObject({ status: 'visible', entry: { title: 'Renamed', seq: 5, publishedAt: T0, updatedAt: T0 + 1000 } });
			}));

		it('refuses another key, a seq not greater, and a changed kind, and keeps the stored entry', () =>
			withStore(async (store) => {
				await store.publish(write(guide(1, 3)));
				expect(await store.publish(write(guide(1, 9, { title: 'Forged' }), T0, KEY_B))).toEqual({ status: 'refused', reason: 'wrong_key' });
				expect(await store.publish(write(guide(1, 3, { title: 'Replay' })))).toEqual({ status: 'refused', reason: 'stale' });
				expect(await store.publish(write(guide(1, 2, { title: 'Old' })))).toEqual({ status: 'refused', reason: 'stale' });
				expect(await store.publish(write(campaign(1, 4)))).toEqual({ status: 'refused', reason: 'kind_changed' });
				expect(await store.get(idOf(1))).toMatchObject({ status: 'visible', entry: { title: 'Guide 1', seq: 3 } });
			}));

		it('unpublish leaves a tombstone; the same key may publish again with a greater seq', () =>
			withStore(async (store) => {
				expect(await store.unpublish(unpublishWrite(1, 1))).toEqual({ status: 'not_found' });
				await store.publish(write(guide(1, 1, { title: 'Tombstoned' }), T0, KEY_A, 'findable'));
				expect(await store.unpublish(unpublishWrite(1, 2, T0, KEY_B))).toEqual({ status: 'refused', reason: 'wrong_key' });
				expect(await store.unpublish(unpublishWrite(1, 1))).toEqual({ status: 'refused', reason: 'stale' });
				expect(await store.unpublish(unpublishWrite(1, 2))).toEqual({ status: 'unpublished', id: idOf(1), seq: 2 });
				expect(await store.get(idOf(1))).toEqual({ status: 'unpublished' });
				expect(await ids(store)).toEqual([]);
				expect(await ids(store, { q: 'findable' })).toEqual([]);
				expect(await ids(store, { q: 'tombstoned' })).toEqual([]);
				// The tombstone keeps the key, the seq and the kind.
				expect(await store.publish(write(guide(1, 3), T0, KEY_B))).toEqual({ status: 'refused', reason: 'wrong_key' });
				expect(await store.publish(write(guide(1, 2)))).toEqual({ status: 'refused', reason: 'stale' });
				expect(await store.publish(write(campaign(1, 3)))).toEqual({ status: 'refused', reason: 'kind_changed' });
				const again = await store.publish(write(guide(1, 3, { title: 'Back' }), T0 + DAY));
				expect(again).toMatchObject({ status: 'created', entry: { title: 'Back', publishedAt: T0 + DAY } });
				expect(await ids(store, { q: 'back' })).toEqual([idOf(1)]);
			}));

		it('searches title, summary, tags, publisher, place, description and body text', () =>
			withStore(async (store) => {
				await store.publish(write(guide(1, 1, { title: 'Legal support' })));
				await store.publish(write(guide(2, 1, { summary: 'before during after arrests' })));
				await store.publish(write(guide(3, 1, { tags: ['blockade'] })));
				await store.publish(write(guide(4, 1, { publisher: 'Klimatgruppen' })));
				await store.publish(write(campaign(5, 1, { place: 'Malmö' })));
				await store.publish(write(campaign(6, 1, { description: 'Bring warm clothes and thermoses' })));
				await store.publish(write(guide(7, 1), T0, KEY_A, 'Write the lawyer number on your arm'));
				expect(await ids(store, { q: 'legal' })).toEqual([idOf(1)]);
				expect(await ids(store, { q: 'arrests' })).toEqual([idOf(2)]);
				expect(await ids(store, { q: 'blockade' })).toEqual([idOf(3)]);
				expect(await ids(store, { q: 'klimatgruppen' })).toEqual([idOf(4)]);
				expect(await ids(store, { q: 'malmo' })).toEqual([idOf(5)]);
				expect(await ids(store, { q: 'MALMÖ' })).toEqual([idOf(5)]);
				expect(await ids(store, { q: 'thermoses' })).toEqual([idOf(6)]);
				expect(await ids(store, { q: 'lawyer number' })).toEqual([idOf(7)]);
				// Every word must match; each word matches as a prefix.
				expect(await ids(store, { q: 'lawyer legal' })).toEqual([]);
				expect(await ids(store, { q: 'thermo' })).toEqual([idOf(6)]);
				expect((await store.list(page({ q: 'legal' }))).total).toBe(1);
			}));

		it('ranks by relevance with q: a title hit comes before a body hit', () =>
			withStore(async (store) => {
				await store.publish(write(guide(1, 1, { title: 'Other things' }), T0 + 2 * DAY, KEY_A, 'a word about kettling here'));
				await store.publish(write(guide(2, 1, { title: 'Kettling' }), T0));
				expect(await ids(store, { q: 'kettling' })).toEqual([idOf(2), idOf(1)]);
				// Without q the newest update comes first.
				expect(await ids(store)).toEqual([idOf(1), idOf(2)]);
			}));

		it('never lets q become FTS syntax', () =>
			withStore(async (store) => {
				await store.publish(write(guide(1, 1, { title: 'Quote "marks" AND stars' })));
				for (const q of ['"', '""', '"marks', 'AND', 'OR NOT', '*', 'stars*', '(', 'NEAR(a b)', 'title:x', '-', '^quote', 'a"b', "'", '{}', '\\']) {
					await expect(store.list(page({ q }))).resolves.toBeDefined();
				}
				expect(await ids(store, { q: '"marks"' })).toEqual([idOf(1)]);
				expect(await ids(store, { q: 'and' })).toEqual([idOf(1)]);
				// Words without letters or digits are no filter at all.
				expect(await ids(store, { q: '!!! --' })).toEqual([idOf(1)]);
			}));

		it('filters by kind, lang and tag (case-insensitive)', () =>
			withStore(async (store) => {
				await store.publish(write(guide(1, 1, { lang: 'sv', tags: ['legal', 'arrests'] })));
				await store.publish(write(campaign(2, 1, { lang: 'en', tags: ['climate'] })));
				await store.publish(write(guide(3, 1, { lang: 'en', tags: ['Legal'] })));
				expect((await ids(store, { kind: 'guide' })).sort()).toEqual([idOf(1), idOf(3)]);
				expect(await ids(store, { kind: 'campaign' })).toEqual([idOf(2)]);
				expect(await ids(store, { lang: 'sv' })).toEqual([idOf(1)]);
				expect((await ids(store, { tag: 'LEGAL' })).sort()).toEqual([idOf(1), idOf(3)]);
				expect(await ids(store, { tag: 'leg' })).toEqual([]);
				expect(await ids(store, { tag: 'climate', kind: 'guide' })).toEqual([]);
			}));

		it('filters by publisher key: only what that key published, nothing unpublished', () =>
			withStore(async (store) => {
				await store.publish(write(guide(1, 1)));
				await store.publish(write(campaign(2, 1), T0, KEY_B));
				await store.publish(write(guide(3, 1), T0 + 1));
				await store.publish(write(guide(4, 1), T0 + 2));
				await store.unpublish(unpublishWrite(4, 2));
				expect(await ids(store, { key: KEY_A })).toEqual([idOf(3), idOf(1)]);
				expect(await ids(store, { key: KEY_B })).toEqual([idOf(2)]);
				expect(await ids(store, { key: 'C'.repeat(43) })).toEqual([]);
				expect(await ids(store, { key: KEY_A, kind: 'campaign' })).toEqual([]);
				expect((await store.list(page({ key: KEY_A }))).total).toBe(2);
			}));

		it('filters campaigns by a part of their place, case-insensitively, and leaves guides out', () =>
			withStore(async (store) => {
				await store.publish(write(campaign(1, 1, { place: 'Malmö, Skåne' })));
				await store.publish(write(campaign(2, 1, { place: 'Göteborg' })));
				await store.publish(write(guide(3, 1, { title: 'Malmö guide' })));
				expect(await ids(store, { place: 'MALMÖ' })).toEqual([idOf(1)]);
				expect(await ids(store, { place: 'skåne' })).toEqual([idOf(1)]);
				expect(await ids(store, { place: 'ö' })).toHaveLength(2);
			}));

		it('from and to: campaigns overlapping the range (open-ended ones run forever), guides updated within it', () =>
			withStore(async (store) => {
				await store.publish(write(campaign(1, 1, { starts: '2026-12-01', ends: '2026-12-31' })));
				await store.publish(write(campaign(2, 1, { starts: '2027-03-01' })));
				await store.publish(write(campaign(3, 1, { starts: '2026-01-01', ends: '2026-02-01' })));
				await store.publish(write(guide(4, 1), Date.parse('2026-12-15T23:59:00Z')));
				await store.publish(write(guide(5, 1), Date.parse('2026-11-30T10:00:00Z')));
				const sorted = async (filter: Partial<CommonsFilter>) => (await ids(store, filter)).sort();
				expect(await sorted({ from: '2026-12-10', to: '2026-12-20' })).toEqual([idOf(1), idOf(4)]);
				expect(await sorted({ from: '2026-12-31', to: '2026-12-31' })).toEqual([idOf(1)]);
				expect(await sorted({ from: '2026-12-15', to: '2026-12-15' })).toEqual([idOf(1), idOf(4)]);
				expect(await sorted({ from: '2030-01-01' })).toEqual([idOf(2)]);
				expect(await sorted({ to: '2026-06-01' })).toEqual([idOf(3)]);
				expect(await sorted({ from: '2026-11-30', kind: 'guide' })).toEqual([idOf(4), idOf(5)]);
				expect(await sorted({ to: '2026-11-30', kind: 'guide' })).toEqual([idOf(5)]);
				expect(await sorted({ from: '2027-02-01', to: '2027-02-28' })).toEqual([]);
			}));

		it('keeps a timed campaign\'s times and zone, and filters it by the dates of those times', () =>
			withStore(async (store) => {
				await store.publish(write(campaign(1, 1, { starts: '2026-12-05T14:00', ends: '2026-12-05T16:00', timeZone: 'Europe/Stockholm' })));
				await store.publish(write(campaign(2, 1, { starts: '2026-12-06T09:30', timeZone: 'Europe/Stockholm' })));
				const found = await store.get(idOf(1));
				expect(found.status === 'visible' && found.entry).toMatchObject({ starts: '2026-12-05T14:00', ends: '2026-12-05T16:00', timeZone: 'Europe/Stockholm' });
				expect((await store.list(page({ kind: 'campaign' }))).entries.find((entry) => entry.id === idOf(1))).toMatchObject({ starts: '2026-12-05T14:00', timeZone: 'Europe/Stockholm' });
				const sorted = async (filter: Partial<CommonsFilter>) => (await ids(store, filter)).sort();
				expect(await sorted({ from: '2026-12-05', to: '2026-12-05' })).toEqual([idOf(1)]);
				expect(await sorted({ from: '2026-12-06', to: '2026-12-06' })).toEqual([idOf(2)]);
				expect(await sorted({ to: '2026-12-04' })).toEqual([]);
			}));

		it('near: campaigns within a distance of a grid point, nearest first, then by start', () =>
			withStore(async (store) => {
				await store.publish(write(campaign(1, 1, { place: 'Malmö', location: { lat: 55.6, lon: 13 } })));
				await store.publish(write(campaign(2, 1, { place: 'Lund', location: { lat: 55.7, lon: 13.2 }, starts: '2026-12-10' })));
				await store.publish(write(campaign(3, 1, { place: 'Kiruna', location: { lat: 67.9, lon: 20.2 } })));
				await store.publish(write(campaign(4, 1, { place: 'Lund again', location: { lat: 55.7, lon: 13.2 }, starts: '2026-12-02' })));
				await store.publish(write(campaign(5, 1, { place: 'Nowhere given' })));
				await store.publish(write(guide(6, 1)));
				const lund = { lat: 55.7, lon: 13.2 };
				expect(await ids(store, { near: { ...lund, km: 50 } })).toEqual([idOf(4), idOf(2), idOf(1)]);
				expect(await ids(store, { near: { ...lund, km: 10 } })).toEqual([idOf(4), idOf(2)]);
				expect(await ids(store, { near: { lat: 55.6, lon: 13, km: 10 } })).toEqual([idOf(1)]);
				expect(await ids(store, { near: { ...lund, km: 200 }, q: 'again' })).toEqual([idOf(4)]);
				expect((await store.list(page({ near: { lat: 67.9, lon: 20.2, km: 200 } }))).total).toBe(1);
				// An update that moves the campaign moves it in the filter; an unpublished one leaves it.
				await store.publish(write(campaign(1, 2, { place: 'Kiruna too', location: { lat: 67.8, lon: 20.2 } })));
				expect(await ids(store, { near: { ...lund, km: 50 } })).toEqual([idOf(4), idOf(2)]);
				await store.unpublish(unpublishWrite(3, 2));
				expect(await ids(store, { near: { lat: 67.9, lon: 20.2, km: 50 } })).toEqual([idOf(1)]);
			}));

		it('pages with offset and limit, newest first, with the total of all matches', () =>
			withStore(async (store) => {
				for (let n = 1; n <= 7; n++) await store.publish(write(guide(n, 1), T0 + n * 1000));
				const first = await store.list(page({ limit: 3 }));
				expect(first.total).toBe(7);
				expect(first.entries.map((entry) => entry.id)).toEqual([idOf(7), idOf(6), idOf(5)]);
				expect(await ids(store, { limit: 3, offset: 3 })).toEqual([idOf(4), idOf(3), idOf(2)]);
				expect(await ids(store, { limit: 3, offset: 6 })).toEqual([idOf(1)]);
				expect(await store.list(page({ limit: 3, offset: 50 }))).toEqual({ entries: [], total: 7 });
				expect((await store.list(page({ q: 'guide', limit: 2, offset: 1 }))).total).toBe(7);
			}));

		it('counts a report once per reporter and hides the entry at the threshold', () =>
			withStore(async (store) => {
				await store.publish(write(guide(1, 1)));
				await store.publish(write(guide(2, 1)));
				const report = (reporter: string, id = idOf(1)) => store.report({ id, reporter, reason: `from ${reporter}`, at: T0, threshold: 3, since: 0 });
				expect(await report('reporter-1')).toEqual({ status: 'counted', hidden: false });
				expect(await report('reporter-1')).toEqual({ status: 'counted', hidden: false });
				expect(await report('reporter-2')).toEqual({ status: 'counted', hidden: false });
				expect(await store.get(idOf(1))).toMatchObject({ status: 'visible' });
				expect(await report('reporter-3')).toEqual({ status: 'counted', hidden: true });
				expect(await store.get(idOf(1))).toEqual({ status: 'hidden' });
				expect(await ids(store)).toEqual([idOf(2)]);
				expect(await ids(store, { q: 'guide' })).toEqual([idOf(2)]);
				expect(await report('reporter-4')).toEqual({ status: 'counted', hidden: true });
				expect(await report('reporter-1', idOf(9))).toEqual({ status: 'not_found' });
				await store.unpublish(unpublishWrite(2, 2));
				expect(await report('reporter-1', idOf(2))).toEqual({ status: 'unpublished' });
			}));

		it('lists reported entries for the admin, hidden first, reasons without reporter ids', () =>
			withStore(async (store) => {
				await store.publish(write(guide(1, 1)));
				await store.publish(write(guide(2, 1)));
				await store.publish(write(guide(3, 1)));
				await store.report({ id: idOf(1), reporter: 'reporter-1', reason: 'spam', at: T0 + 1, threshold: 2, since: 0 });
				await store.report({ id: idOf(2), reporter: 'reporter-1', reason: 'doxxing', at: T0 + 2, threshold: 2, since: 0 });
				await store.report({ id: idOf(2), reporter: 'reporter-2', reason: 'doxxing too', at: T0 + 3, threshold: 2, since: 0 });
				const reported = await store.reported();
				expect(reported.map((item) => [item.summary.id, item.hidden])).toEqual([
					[idOf(2), true],
					[idOf(1), false]
				]);
				expect(reported[0]?.reports).toEqual([
					{ reason: 'doxxing', at: T0 + 2 },
					{ reason: 'doxxing too', at: T0 + 3 }
				]);
				expect(reported[0]?.summary).not.toHaveProperty('body');
			}));

		it('restore clears the reports and shows the entry again', () =>
			withStore(async (store) => {
				await store.publish(write(guide(1, 1)));
				for (const reporter of ['r-1', 'r-2']) await store.report({ id: idOf(1), reporter, reason: '', at: T0, threshold: 2, since: 0 });
				expect(await store.get(idOf(1))).toEqual({ status: 'hidden' });
				expect(await store.decide(idOf(1), 'restore')).toBe('visible');
				expect(await store.get(idOf(1))).toMatchObject({ status: 'visible' });
				expect(await ids(store)).toEqual([idOf(1)]);
				expect(await store.reported()).toEqual([]);
				// The count starts again from nothing, and the reporters already heard are not heard again.
				for (const reporter of ['r-1', 'r-2']) {
					expect(await store.report({ id: idOf(1), reporter, reason: '', at: T0 + 1, threshold: 2, since: 0 })).toEqual({ status: 'counted', hidden: false });
				}
				expect(await store.get(idOf(1))).toMatchObject({ status: 'visible' });
				expect(await store.reported()).toEqual([]);
				expect(await store.report({ id: idOf(1), reporter: 'r-3', reason: 'new', at: T0 + 2, threshold: 2, since: 0 })).toEqual({ status: 'counted', hidden: false });
				expect(await store.report({ id: idOf(1), reporter: 'r-4', reason: 'new too', at: T0 + 3, threshold: 2, since: 0 })).toEqual({ status: 'counted', hidden: true });
				expect((await store.reported())[0]?.reports).toEqual([
					{ reason: 'new', at: T0 + 2 },
					{ reason: 'new too', at: T0 + 3 }
				]);
				expect(await store.decide(idOf(9), 'restore')).toBe('not_found');
			}));

		it('forgets reports older than the window: they stop counting and their reporters count again', () =>
			withStore(async (store) => {
				await store.publish(write(guide(1, 1)));
				await store.report({ id: idOf(1), reporter: 'r-1', reason: 'old', at: T0, threshold: 2, since: 0 });
				await store.decide(idOf(1), 'restore');
				await store.report({ id: idOf(1), reporter: 'r-2', reason: 'old too', at: T0 + 10, threshold: 2, since: 0 });
				// Both earlier reports fall out of the window: r-2 alone is not enough, and r-1 is heard again.
				expect(await store.report({ id: idOf(1), reporter: 'r-3', reason: 'late', at: T0 + 100, threshold: 2, since: T0 + 50 })).toEqual({
					status: 'counted',
					hidden: false
				});
				expect((await store.reported())[0]?.reports).toEqual([{ reason: 'late', at: T0 + 100 }]);
				expect(await store.report({ id: idOf(1), reporter: 'r-1', reason: 'again', at: T0 + 101, threshold: 2, since: T0 + 50 })).toEqual({
					status: 'counted',
					hidden: true
				});
			}));

		it('remove keeps the entry hidden for good, through updates, unpublish and republish', () =>
			withStore(async (store) => {
				await store.publish(write(guide(1, 1)));
				await store.report({ id: idOf(1), reporter: 'r-1', reason: 'bad', at: T0, threshold: 3, since: 0 });
				expect(await store.decide(idOf(1), 'remove')).toBe('removed');
				expect(await store.get(idOf(1))).toEqual({ status: 'hidden' });
				expect(await store.reported()).toEqual([]);
				expect((await store.publish(write(guide(1, 2, { title: 'Edited' })))).status).toBe('updated');
				expect(await store.get(idOf(1))).toEqual({ status: 'hidden' });
				expect(await ids(store)).toEqual([]);
				await store.unpublish(unpublishWrite(1, 3));
				await store.publish(write(guide(1, 4)));
				expect(await store.get(idOf(1))).toEqual({ status: 'hidden' });
				expect(await store.report({ id: idOf(1), reporter: 'r-2', reason: '', at: T0, threshold: 3, since: 0 })).toEqual({ status: 'counted', hidden: true });
				expect(await store.reported()).toEqual([]);
			}));

		it('keeps entries, tombstones and reports across a reopen', async () => {
			const { store, reopen, cleanup } = await setup();
			await store.publish(write(guide(1, 1, { title: 'Durable' }), T0, KEY_A, 'body words'));
			await store.publish(write(guide(2, 1)));
			await store.unpublish(unpublishWrite(2, 2));
			await store.report({ id: idOf(1), reporter: 'r-1', reason: 'why', at: T0, threshold: 3, since: 0 });
			await store.close();
			const again = await reopen();
			try {
				expect(await again.get(idOf(1))).toMatchObject({ status: 'visible', entry: { title: 'Durable' } });
				expect(await again.get(idOf(2))).toEqual({ status: 'unpublished' });
				expect((await again.list(page({ q: 'body' }))).entries.map((entry) => entry.id)).toEqual([idOf(1)]);
				expect((await again.reported())[0]?.reports).toEqual([{ reason: 'why', at: T0 }]);
				expect(await again.publish(write(guide(2, 2)))).toEqual({ status: 'refused', reason: 'stale' });
			} finally {
				await again.close();
				await cleanup();
			}
		});

		it('rejects every call after close, and closing twice is harmless', async () => {
			const { store, cleanup } = await setup();
			expect(await store.healthy()).toBe(true);
			await store.close();
			await store.close();
			await expect(store.get(idOf(1))).rejects.toThrow();
			await expect(store.publish(write(guide(1, 1)))).rejects.toThrow();
			await expect(store.list(page())).rejects.toThrow();
			await expect(store.healthy()).rejects.toThrow();
			await cleanup();
		});
	});
}
