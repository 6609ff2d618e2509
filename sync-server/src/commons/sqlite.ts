/**
 * The commons in SQLite (better-sqlite3, WAL) at DATA_DIR/commons.sqlite, with an FTS5 index for free-text
 * search. Each write runs in one transaction that also checks the id's key, seq and kind, so the rules of
 * COMMONS.md hold even when requests for the same id race.
 */
import { openSqliteStore } from '../sqlite.js';
import { DAY_MS, dayStart, entryOf, KM_PER_DEGREE, nearBounds, publishColumns, publishRefusal, reportedList, summaryOf, type EntryRow } from './rows.js';
import { queryWords } from './search.js';
import type {
	CommonsFilter,
	CommonsLookup,
	CommonsStore,
	Decision,
	DecisionStatus,
	PublishOutcome,
	PublishWrite,
	ReportedEntry,
	ReportOutcome,
	ReportWrite,
	UnpublishOutcome,
	UnpublishWrite
} from './types.js';

/** File name of the commons database inside DATA_DIR. */
export const COMMONS_DATABASE_FILE = 'commons.sqlite';

// `n` is the FTS rowid; `state` is 'published' or 'unpublished' (a tombstone keeps key, kind and seq).
// Lowercased copies of tags and place serve the case-insensitive filters beyond ASCII (SQLite's lower() is
// ASCII only). `summary` is the list item's payload part, so lists never parse whole guide bodies.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
	n INTEGER PRIMARY KEY AUTOINCREMENT,
	id TEXT NOT NULL UNIQUE,
	public_key TEXT NOT NULL,
	kind TEXT NOT NULL,
	seq INTEGER NOT NULL,
	state TEXT NOT NULL,
	moderation TEXT NOT NULL DEFAULT 'none',
	lang TEXT,
	tags_lower TEXT,
	place_lower TEXT,
	starts TEXT,
	ends TEXT,
	signed TEXT,
	signature TEXT,
	summary TEXT,
	published_at INTEGER,
	updated_at INTEGER
);
CREATE INDEX IF NOT EXISTS entries_listed ON entries (state, moderation, updated_at);
CREATE TABLE IF NOT EXISTS reports (
	entry TEXT NOT NULL,
	reporter TEXT NOT NULL,
	reason TEXT NOT NULL,
	at INTEGER NOT NULL,
	cleared INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (entry, reporter)
);
CREATE VIRTUAL TABLE IF NOT EXISTS entries_fts USING fts5(
	title, summary, tags, publisher, place, description, body,
	tokenize = 'unicode61 remove_diacritics 2'
);
`;

/** Columns added after the first release, with the statement that fills them for rows written before. */
const ADDED_COLUMNS = [
	{ name: 'lat', type: 'REAL', fill: "json_extract(summary, '$.location.lat')" },
	{ name: 'lon', type: 'REAL', fill: "json_extract(summary, '$.location.lon')" }
] as const;

/** bm25 weights of the FTS columns (title, summary, tags, publisher, place, description, body): a hit in the title counts most. */
const RANK = 'bm25(entries_fts, 10.0, 4.0, 5.0, 2.0, 2.0, 1.0, 1.0)';

/**
 * An FTS5 query matching every word of `text` as a prefix. Each word is quoted (inner quotes doubled), so
 * user input is never FTS syntax; words without a letter or digit are dropped. Undefined when none remain.
 */
export function ftsQuery(text: string): string | undefined {
	const terms = queryWords(text).map((term) => `"${term.replaceAll('"', '""')}"*`);
	return terms.length > 0 ? terms.join(' ') : undefined;
}

/** Opens (creating) `commons.sqlite` in `dataDir`. */
export function createSqliteCommonsStore(dataDir: string): CommonsStore {
	const { db, call, healthy, close } = openSqliteStore(dataDir, COMMONS_DATABASE_FILE, SCHEMA, { what: 'commons store' });
	const existing = new Set(db.prepare<[], { name: string }>('SELECT name FROM pragma_table_info(\'entries\')').all().map((column) => column.name));
	db.transaction(() => {
		for (const column of ADDED_COLUMNS) {
			if (existing.has(column.name)) continue;
			db.exec(`ALTER TABLE entries ADD COLUMN ${column.name} ${column.type}`);
			db.exec(`UPDATE entries SET ${column.name} = ${column.fill} WHERE summary IS NOT NULL`);
		}
	})();
	db.exec('CREATE INDEX IF NOT EXISTS entries_located ON entries (lat, lon)');
	// "Other entries by this key" lists one publisher's entries.
	db.exec('CREATE INDEX IF NOT EXISTS entries_key ON entries (public_key, updated_at)');
	// Reports of a release without `cleared` were counted by client-chosen ids: they age out of the window.
	const reportColumns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('reports')").all();
	if (!reportColumns.some((column) => column.name === 'cleared')) db.exec('ALTER TABLE reports ADD COLUMN cleared INTEGER NOT NULL DEFAULT 0');
	db.exec('CREATE INDEX IF NOT EXISTS reports_at ON reports (at)');

	const selectEntry = db.prepare<[string], EntryRow>('SELECT * FROM entries WHERE id = ?');
	const insertEntry = db.prepare(
		`INSERT INTO entries (id, public_key, kind, seq, state, lang, tags_lower, place_lower, starts, ends, lat, lon, signed, signature, summary, published_at, updated_at)
		 VALUES (@id, @publicKey, @kind, @seq, 'published', @lang, @tagsLower, @placeLower, @starts, @ends, @lat, @lon, @signed, @signature, @summary, @publishedAt, @updatedAt)`
	);
	const updateEntry = db.prepare(
		`UPDATE entries SET seq = @seq, state = 'published', lang = @lang, tags_lower = @tagsLower, place_lower = @placeLower,
		 starts = @starts, ends = @ends, lat = @lat, lon = @lon, signed = @signed, signature = @signature, summary = @summary,
		 published_at = @publishedAt, updated_at = @updatedAt WHERE id = @id`
	);
	const tombstone = db.prepare(
		`UPDATE entries SET seq = ?, state = 'unpublished', lang = NULL, tags_lower = NULL, place_lower = NULL, starts = NULL,
		 ends = NULL, lat = NULL, lon = NULL, signed = NULL, signature = NULL, summary = NULL, published_at = NULL, updated_at = ? WHERE id = ?`
	);
	const deleteFts = db.prepare('DELETE FROM entries_fts WHERE rowid = ?');
	const insertFts = db.prepare(
		'INSERT INTO entries_fts (rowid, title, summary, tags, publisher, place, description, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
	);
	const setModeration = db.prepare('UPDATE entries SET moderation = ? WHERE id = ?');
	const insertReport = db.prepare('INSERT OR IGNORE INTO reports (entry, reporter, reason, at) VALUES (?, ?, ?, ?)');
	const forgetReports = db.prepare('DELETE FROM reports WHERE at < ?');
	const countReports = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM reports WHERE entry = ? AND cleared = 0');
	const deleteReports = db.prepare('DELETE FROM reports WHERE entry = ?');
	const clearReports = db.prepare('UPDATE reports SET cleared = 1 WHERE entry = ?');
	const selectReports = db.prepare<[string], { reason: string; at: number }>(
		'SELECT reason, at FROM reports WHERE entry = ? AND cleared = 0 ORDER BY at, rowid'
	);
	const selectReported = db.prepare<[], EntryRow>(
		`SELECT e.* FROM entries e WHERE e.state = 'published' AND e.moderation != 'removed'
		 AND (e.moderation = 'hidden' OR EXISTS (SELECT 1 FROM reports r WHERE r.entry = e.id AND r.cleared = 0))`
	);

	const publish = db.transaction((write: PublishWrite): PublishOutcome => {
		const { payload } = write;
		const row = selectEntry.get(payload.id);
		const refusal = publishRefusal(write, row);
		if (refusal) return { status: 'refused', reason: refusal };
		const { wasPublished, search, tagsLower, ...columns } = publishColumns(write, row);
		const values = {
			...columns,
			id: payload.id,
			publicKey: write.publicKey,
			kind: payload.kind,
			seq: payload.seq,
			tagsLower: JSON.stringify(tagsLower),
			signed: write.signed,
			signature: write.signature
		};
		let n: number;
		if (row) {
			updateEntry.run(values);
			n = row.n;
		} else {
			n = Number(insertEntry.run(values).lastInsertRowid);
		}
		deleteFts.run(n);
		insertFts.run(n, search.title, search.summary, search.tags, search.publisher, search.place, search.description, search.body);
		const stored = selectEntry.get(payload.id) as EntryRow;
		return { status: wasPublished ? 'updated' : 'created', entry: entryOf(stored) };
	});

	const unpublish = db.transaction((write: UnpublishWrite): UnpublishOutcome => {
		const { payload } = write;
		const row = selectEntry.get(payload.id);
		if (!row) return { status: 'not_found' };
		if (row.public_key !== write.publicKey) return { status: 'refused', reason: 'wrong_key' };
		if (payload.seq <= row.seq) return { status: 'refused', reason: 'stale' };
		tombstone.run(payload.seq, write.at, payload.id);
		deleteFts.run(row.n);
		return { status: 'unpublished', id: payload.id, seq: payload.seq };
	});

	const report = db.transaction((write: ReportWrite): ReportOutcome => {
		const row = selectEntry.get(write.id);
		if (!row) return { status: 'not_found' };
		if (row.state !== 'published') return { status: 'unpublished' };
		// A removal is final: later reports change nothing and are not kept.
		if (row.moderation === 'removed') return { status: 'counted', hidden: true };
		forgetReports.run(write.since);
		insertReport.run(write.id, write.reporter, write.reason, write.at);
		if (row.moderation === 'none' && (countReports.get(write.id)?.n ?? 0) >= write.threshold) {
			setModeration.run('hidden', write.id);
			return { status: 'counted', hidden: true };
		}
		return { status: 'counted', hidden: row.moderation !== 'none' };
	});

	const decide = db.transaction((id: string, decision: Decision): DecisionStatus | 'not_found' => {
		const row = selectEntry.get(id);
		if (!row) return 'not_found';
		if (decision === 'remove') {
			deleteReports.run(id);
			setModeration.run('removed', id);
			return 'removed';
		}
		// Kept (until the window ends) so the reporters already heard cannot hide it again.
		clearReports.run(id);
		setModeration.run('none', id);
		return row.state === 'published' ? 'visible' : 'unpublished';
	});

	function list(filter: CommonsFilter) {
		const where: string[] = ["e.state = 'published'", "e.moderation = 'none'"];
		const params: unknown[] = [];
		const match = filter.q === undefined ? undefined : ftsQuery(filter.q);
		if (match !== undefined) {
			where.push('entries_fts MATCH ?');
			params.push(match);
		}
		if (filter.kind) {
			where.push('e.kind = ?');
			params.push(filter.kind);
		}
		if (filter.lang) {
			where.push('e.lang = ?');
			params.push(filter.lang);
		}
		if (filter.tag) {
			where.push('EXISTS (SELECT 1 FROM json_each(e.tags_lower) WHERE value = ?)');
			params.push(filter.tag.toLowerCase());
		}
		if (filter.key) {
			where.push('e.public_key = ?');
			params.push(filter.key);
		}
		if (filter.place) {
			where.push("e.kind = 'campaign' AND instr(e.place_lower, ?) > 0");
			params.push(filter.place.toLowerCase());
		}
		if (filter.from !== undefined || filter.to !== undefined) {
			// Campaigns overlap [from, to] (no end runs forever); guides were updated within it (UTC days).
			const campaign: string[] = ["e.kind = 'campaign'"];
			const guide: string[] = ["e.kind = 'guide'"];
			const campaignParams: unknown[] = [];
			const guideParams: unknown[] = [];
			if (filter.from !== undefined) {
				// Only the date part counts: a timed campaign's `starts`/`ends` carry `THH:mm` after it.
				campaign.push('(e.ends IS NULL OR substr(e.ends, 1, 10) >= ?)');
				campaignParams.push(filter.from);
				guide.push('e.updated_at >= ?');
				guideParams.push(dayStart(filter.from));
			}
			if (filter.to !== undefined) {
				campaign.push('substr(e.starts, 1, 10) <= ?');
				campaignParams.push(filter.to);
				guide.push('e.updated_at < ?');
				guideParams.push(dayStart(filter.to) + DAY_MS);
			}
			where.push(`((${campaign.join(' AND ')}) OR (${guide.join(' AND ')}))`);
			params.push(...campaignParams, ...guideParams);
		}
		let distance: string | undefined;
		const distanceParams: unknown[] = [];
		if (filter.near) {
			const { lat, lon, km } = filter.near;
			const box = nearBounds(filter.near);
			where.push("e.kind = 'campaign' AND e.lat BETWEEN ? AND ? AND e.lon BETWEEN ? AND ?");
			params.push(box.minLat, box.maxLat, box.minLon, box.maxLon);
			distance = `((e.lat - ?) * ${KM_PER_DEGREE}) * ((e.lat - ?) * ${KM_PER_DEGREE}) + ((e.lon - ?) * ?) * ((e.lon - ?) * ?)`;
			distanceParams.push(lat, lat, lon, box.lonKm, lon, box.lonKm);
			where.push(`${distance} <= ?`);
			params.push(...distanceParams, km * km);
		}
		const from = match !== undefined ? 'entries_fts JOIN entries e ON e.n = entries_fts.rowid' : 'entries e';
		const condition = where.join(' AND ');
		const order = distance
			? `${distance}, e.starts, e.n DESC`
			: match !== undefined
				? `${RANK}, e.updated_at DESC, e.n DESC`
				: 'e.updated_at DESC, e.n DESC';
		const orderParams = distance ? distanceParams : [];
		const total = db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM ${from} WHERE ${condition}`).get(...params)?.n ?? 0;
		const rows = db
			.prepare<unknown[], EntryRow>(`SELECT e.* FROM ${from} WHERE ${condition} ORDER BY ${order} LIMIT ? OFFSET ?`)
			.all(...params, ...orderParams, filter.limit, filter.offset);
		return { entries: rows.map(summaryOf), total };
	}

	function reported(): ReportedEntry[] {
		return reportedList(selectReported.all().map((row) => ({ row, reports: selectReports.all(row.id) })));
	}

	function get(id: string): CommonsLookup {
		const row = selectEntry.get(id);
		if (!row) return { status: 'not_found' };
		if (row.state !== 'published') return { status: 'unpublished' };
		if (row.moderation !== 'none') return { status: 'hidden' };
		return { status: 'visible', entry: entryOf(row) };
	}

	return {
		publish: (write) => call(() => publish(write)),
		unpublish: (write) => call(() => unpublish(write)),
		get: (id) => call(() => get(id)),
		list: (filter) => call(() => list(filter)),
		report: (write) => call(() => report(write)),
		reported: () => call(reported),
		decide: (id, decision) => call(() => decide(id, decision)),
		healthy,
		close
	};
}
