/**
 * The commons in PostgreSQL, shared by every relay process of a deployment. Each write runs in one
 * transaction that first takes an advisory lock on the id, so the rules of COMMONS.md (key, seq, kind,
 * distinct reporters) hold when processes race for the same id. Search uses a weighted tsvector built from
 * the same tokens as the SQLite FTS5 index (search.ts), so both stores find the same entries.
 */
import { openPostgresStore, type Migration, type PostgresClient } from '../postgres.js';
import { DAY_MS, dayStart, entryOf, KM_PER_DEGREE, nearBounds, publishColumns, publishRefusal, reportedList, summaryOf, type EntryRow } from './rows.js';
import { RANK_WEIGHTS, tsqueryLiteral, tsvectorLiteral } from './search.js';
import type { CommonsFilter, CommonsPage, CommonsStore, PublishOutcome, UnpublishOutcome } from './types.js';

/** The commons schema, one entry per change (never edit an applied one; add the next version). */
export const COMMONS_MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'entries, reports and the search index',
		sql: `
			CREATE TABLE commons_entries (
				n BIGSERIAL PRIMARY KEY,
				id TEXT NOT NULL UNIQUE,
				public_key TEXT NOT NULL,
				kind TEXT NOT NULL,
				seq BIGINT NOT NULL,
				state TEXT NOT NULL,
				moderation TEXT NOT NULL DEFAULT 'none',
				lang TEXT,
				tags_lower TEXT[],
				place_lower TEXT,
				starts TEXT,
				ends TEXT,
				lat DOUBLE PRECISION,
				lon DOUBLE PRECISION,
				signed TEXT,
				signature TEXT,
				summary TEXT,
				published_at BIGINT,
				updated_at BIGINT,
				search TSVECTOR
			);
			CREATE INDEX commons_entries_listed ON commons_entries (state, moderation, updated_at);
			CREATE INDEX commons_entries_located ON commons_entries (lat, lon);
			CREATE INDEX commons_entries_search ON commons_entries USING GIN (search);
			CREATE TABLE commons_reports (
				n BIGSERIAL,
				entry TEXT NOT NULL,
				reporter TEXT NOT NULL,
				reason TEXT NOT NULL,
				at BIGINT NOT NULL,
				PRIMARY KEY (entry, reporter)
			);
		`
	},
	{
		version: 2,
		name: 'reports set aside by a restore, forgotten after the counting window',
		sql: `
			ALTER TABLE commons_reports ADD COLUMN cleared BOOLEAN NOT NULL DEFAULT false;
			CREATE INDEX commons_reports_at ON commons_reports (at);
		`
	},
	{
		version: 3,
		name: 'entries listed by their publisher key',
		sql: `CREATE INDEX commons_entries_key ON commons_entries (public_key, updated_at);`
	}
];

/** Columns of a row of `commons_entries` aliased `e`, as EntryRow wants them (BIGINT arrives as a string otherwise). */
const ROW = `e.n::float8 AS n, e.id, e.public_key, e.kind, e.seq::float8 AS seq, e.state, e.moderation, e.signed, e.signature,
	e.summary, e.published_at::float8 AS published_at, e.updated_at::float8 AS updated_at`;

/** Serialises writes of one id across processes until the transaction ends. */
async function lockId(client: PostgresClient, id: string): Promise<void> {
	await client.query("SELECT pg_advisory_xact_lock(hashtextextended('commons:' || $1, 0))", [id]);
}

async function selectEntry(client: PostgresClient, id: string): Promise<EntryRow | undefined> {
	return (await client.query<EntryRow>(`SELECT ${ROW} FROM commons_entries e WHERE id = $1`, [id])).rows[0];
}

/** Connects to `url` (a PostgreSQL connection string) and applies the commons migrations. */
export async function createPostgresCommonsStore(url: string): Promise<CommonsStore> {
	const db = await openPostgresStore(url, 'commons', COMMONS_MIGRATIONS, { what: 'commons store' });

	function list(filter: CommonsFilter): Promise<CommonsPage> {
		const where: string[] = ["e.state = 'published'", "e.moderation = 'none'"];
		const params: unknown[] = [];
		const param = (value: unknown) => {
			params.push(value);
			return `$${params.length}`;
		};
		const match = filter.q === undefined ? undefined : tsqueryLiteral(filter.q);
		let rank = '';
		if (match !== undefined) {
			const query = `${param(match)}::tsquery`;
			where.push(`e.search @@ ${query}`);
			rank = `ts_rank('${RANK_WEIGHTS}', e.search, ${query}) DESC, `;
		}
		if (filter.kind) where.push(`e.kind = ${param(filter.kind)}`);
		if (filter.lang) where.push(`e.lang = ${param(filter.lang)}`);
		if (filter.tag) where.push(`${param(filter.tag.toLowerCase())} = ANY (e.tags_lower)`);
		if (filter.key) where.push(`e.public_key = ${param(filter.key)}`);
		if (filter.place) where.push(`e.kind = 'campaign' AND strpos(e.place_lower, ${param(filter.place.toLowerCase())}) > 0`);
		if (filter.from !== undefined || filter.to !== undefined) {
			// Campaigns overlap [from, to] (no end runs forever); guides were updated within it (UTC days).
			const campaign: string[] = ["e.kind = 'campaign'"];
			const guide: string[] = ["e.kind = 'guide'"];
			if (filter.from !== undefined) {
				// Only the date part counts: a timed campaign's `starts`/`ends` carry `THH:mm` after it.
				campaign.push(`(e.ends IS NULL OR substr(e.ends, 1, 10) >= ${param(filter.from)})`);
				guide.push(`e.updated_at >= ${param(dayStart(filter.from))}`);
			}
			if (filter.to !== undefined) {
				campaign.push(`substr(e.starts, 1, 10) <= ${param(filter.to)}`);
				guide.push(`e.updated_at < ${param(dayStart(filter.to) + DAY_MS)}`);
			}
			where.push(`((${campaign.join(' AND ')}) OR (${guide.join(' AND ')}))`);
		}
		let order = `${rank}e.updated_at DESC, e.n DESC`;
		if (filter.near) {
			const box = nearBounds(filter.near);
			where.push(
				`e.kind = 'campaign' AND e.lat BETWEEN ${param(box.minLat)} AND ${param(box.maxLat)} AND e.lon BETWEEN ${param(box.minLon)} AND ${param(box.maxLon)}`
			);
			const distance = `((e.lat - ${param(filter.near.lat)}) * ${KM_PER_DEGREE}) ^ 2 + ((e.lon - ${param(filter.near.lon)}) * ${param(box.lonKm)}) ^ 2`;
			where.push(`${distance} <= ${param(filter.near.km * filter.near.km)}`);
			order = `${distance}, e.starts, e.n DESC`;
		}
		const condition = where.join(' AND ');
		const filterParams = [...params];
		const limit = param(filter.limit);
		const offset = param(filter.offset);
		return Promise.all([
			db.query<{ n: number }>(`SELECT count(*)::float8 AS n FROM commons_entries e WHERE ${condition}`, filterParams),
			db.query<EntryRow>(
				`SELECT ${ROW}
				 FROM commons_entries e WHERE ${condition} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
				params
			)
		]).then(([total, rows]) => ({ entries: rows.rows.map(summaryOf), total: total.rows[0]?.n ?? 0 }));
	}

	return {
		publish: (write) =>
			db.transaction(async (client): Promise<PublishOutcome> => {
				const { payload } = write;
				await lockId(client, payload.id);
				const row = await selectEntry(client, payload.id);
				const refusal = publishRefusal(write, row);
				if (refusal) return { status: 'refused', reason: refusal };
				const columns = publishColumns(write, row);
				const { search } = columns;
				const vector = tsvectorLiteral([
					[search.title, 'A'],
					[search.summary, 'B'],
					[search.tags, 'B'],
					[search.publisher, 'C'],
					[search.place, 'C'],
					[search.description, 'D'],
					[search.body, 'D']
				]);
				const values = [
					payload.id,
					write.publicKey,
					payload.kind,
					payload.seq,
					columns.lang,
					columns.tagsLower,
					columns.placeLower,
					columns.starts,
					columns.ends,
					columns.lat,
					columns.lon,
					write.signed,
					write.signature,
					columns.summary,
					columns.publishedAt,
					columns.updatedAt,
					vector
				];
				const stored = await client.query<EntryRow>(
					`INSERT INTO commons_entries AS e (id, public_key, kind, seq, state, lang, tags_lower, place_lower, starts, ends, lat, lon,
						signed, signature, summary, published_at, updated_at, search)
					 VALUES ($1, $2, $3, $4, 'published', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::tsvector)
					 ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, state = 'published', lang = EXCLUDED.lang,
						tags_lower = EXCLUDED.tags_lower, place_lower = EXCLUDED.place_lower, starts = EXCLUDED.starts, ends = EXCLUDED.ends,
						lat = EXCLUDED.lat, lon = EXCLUDED.lon,
						signed = EXCLUDED.signed, signature = EXCLUDED.signature, summary = EXCLUDED.summary,
						published_at = EXCLUDED.published_at, updated_at = EXCLUDED.updated_at, search = EXCLUDED.search
					 RETURNING ${ROW}`,
					values
				);
				return { status: columns.wasPublished ? 'updated' : 'created', entry: entryOf(stored.rows[0]!) };
			}),

		unpublish: (write) =>
			db.transaction(async (client): Promise<UnpublishOutcome> => {
				const { payload } = write;
				await lockId(client, payload.id);
				const row = await selectEntry(client, payload.id);
				if (!row) return { status: 'not_found' };
				if (row.public_key !== write.publicKey) return { status: 'refused', reason: 'wrong_key' };
				if (payload.seq <= row.seq) return { status: 'refused', reason: 'stale' };
				await client.query(
					`UPDATE commons_entries SET seq = $1, state = 'unpublished', lang = NULL, tags_lower = NULL, place_lower = NULL,
						starts = NULL, ends = NULL, lat = NULL, lon = NULL, signed = NULL, signature = NULL, summary = NULL, published_at = NULL, updated_at = $2,
						search = NULL
					 WHERE id = $3`,
					[payload.seq, write.at, payload.id]
				);
				return { status: 'unpublished', id: payload.id, seq: payload.seq };
			}),

		async get(id) {
			const row = (await db.query<EntryRow>(`SELECT ${ROW} FROM commons_entries e WHERE id = $1`, [id])).rows[0];
			if (!row) return { status: 'not_found' };
			if (row.state !== 'published') return { status: 'unpublished' };
			if (row.moderation !== 'none') return { status: 'hidden' };
			return { status: 'visible', entry: entryOf(row) };
		},

		list,

		report: (write) =>
			db.transaction(async (client) => {
				await lockId(client, write.id);
				const row = await selectEntry(client, write.id);
				if (!row) return { status: 'not_found' } as const;
				if (row.state !== 'published') return { status: 'unpublished' } as const;
				// A removal is final: later reports change nothing and are not kept.
				if (row.moderation === 'removed') return { status: 'counted', hidden: true } as const;
				await client.query('DELETE FROM commons_reports WHERE at < $1', [write.since]);
				await client.query(
					'INSERT INTO commons_reports (entry, reporter, reason, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
					[write.id, write.reporter, write.reason, write.at]
				);
				const count = (await client.query<{ n: number }>('SELECT count(*)::float8 AS n FROM commons_reports WHERE entry = $1 AND NOT cleared', [write.id]))
					.rows[0]?.n;
				if (row.moderation === 'none' && (count ?? 0) >= write.threshold) {
					await client.query("UPDATE commons_entries SET moderation = 'hidden' WHERE id = $1", [write.id]);
					return { status: 'counted', hidden: true } as const;
				}
				return { status: 'counted', hidden: row.moderation !== 'none' } as const;
			}),

		async reported() {
			const rows = (
				await db.query<EntryRow>(
					`SELECT ${ROW} FROM commons_entries e WHERE e.state = 'published' AND e.moderation != 'removed'
					 AND (e.moderation = 'hidden' OR EXISTS (SELECT 1 FROM commons_reports r WHERE r.entry = e.id AND NOT r.cleared))`
				)
			).rows;
			if (rows.length === 0) return [];
			const reports = (
				await db.query<{ entry: string; reason: string; at: number }>(
					'SELECT entry, reason, at::float8 AS at FROM commons_reports WHERE entry = ANY ($1) AND NOT cleared ORDER BY at, n',
					[rows.map((row) => row.id)]
				)
			).rows;
			return reportedList(
				rows.map((row) => ({
					row,
					reports: reports.filter((report) => report.entry === row.id).map(({ reason, at }) => ({ reason, at }))
				}))
			);
		},

		decide: (id, decision) =>
			db.transaction(async (client) => {
				await lockId(client, id);
				const row = await selectEntry(client, id);
				if (!row) return 'not_found' as const;
				// A restore keeps the reports (until the window ends) so the reporters already heard cannot hide it again.
				if (decision === 'remove') await client.query('DELETE FROM commons_reports WHERE entry = $1', [id]);
				else await client.query('UPDATE commons_reports SET cleared = true WHERE entry = $1', [id]);
				await client.query('UPDATE commons_entries SET moderation = $1 WHERE id = $2', [decision === 'remove' ? 'removed' : 'none', id]);
				if (decision === 'remove') return 'removed' as const;
				return row.state === 'published' ? ('visible' as const) : ('unpublished' as const);
			}),

		healthy: db.healthy,
		close: db.close
	};
}
