/**
 * Rooms in PostgreSQL, shared by every relay process of a deployment. Each room numbers its rows itself
 * (`rooms.seq`), under the room row's lock, so ids are contiguous per room and commit in id order: a process
 * that sees id n+2 before n+1 knows it missed one and reads it back (see ../fanout). One commit runs at a time:
 * appends that arrive in the same turn of the event loop, or while the previous commit is on its way, are
 * committed together in one statement, whatever their rooms.
 */
import { openPostgresStore, type Migration, type PostgresClient } from '../postgres.js';
import { RoomDeleted, RoomFull, type Forwarding, type RoomInfo, type RoomStore, type StoredUpdate } from './types.js';

/** The rooms schema, one entry per change (never edit an applied one; add the next version). */
export const ROOM_MIGRATIONS: readonly Migration[] = [
	{
		version: 1,
		name: 'rooms with their token hash and row counter, and their updates',
		sql: `
			CREATE TABLE rooms (
				name TEXT PRIMARY KEY,
				token_hash BYTEA,
				seq BIGINT NOT NULL DEFAULT 0,
				created_at BIGINT NOT NULL
			);
			CREATE TABLE room_updates (
				room TEXT NOT NULL,
				id BIGINT NOT NULL,
				data BYTEA NOT NULL,
				PRIMARY KEY (room, id)
			);
		`
	},
	{
		version: 2,
		name: 'each room counts its stored bytes, so a room byte limit holds across processes',
		sql: `
			ALTER TABLE rooms ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0;
			ALTER TABLE rooms ADD COLUMN appended INTEGER NOT NULL DEFAULT 0;
			UPDATE rooms SET bytes = s.bytes
			FROM (SELECT room, sum(octet_length(data)) AS bytes FROM room_updates GROUP BY room) AS s
			WHERE s.room = rooms.name;
		`
	},
	{
		version: 3,
		name: 'a deleted room keeps its row and token hash as a tombstone, so its name is never claimed again',
		sql: `ALTER TABLE rooms ADD COLUMN deleted_at BIGINT;`
	},
	{
		version: 4,
		name: 'forwarding records: a room moved to a new group key is frozen until its deletion time',
		sql: `
			CREATE TABLE room_forwards (
				room TEXT PRIMARY KEY,
				record BYTEA NOT NULL,
				delete_at BIGINT NOT NULL
			);
		`
	}
];

/** Rows whose sizes are read at once when a page is planned; a page ends at its byte budget or here. */
const PAGE_PLAN_ROWS = 1_000;

/**
 * One group commit: bump each room's counter and byte count by the rows it admits (rooms in name order, so
 * two processes' batches lock rooms in the same order and never deadlock), then insert those rows under the
 * new ids. A room admits its rows in order while its stored bytes stay within the limit ($6, the smallest
 * given for the room): the count is read under the room row's lock, so two processes can never together
 * push a room past it. The updates travel as one binary parameter ($2) cut by offsets and lengths: no hex
 * text to build or parse. Prepared once per connection (a named statement): each commit is only bound and run.
 */
const APPEND_BATCH = {
	name: 'fieldbook-room-append-v2',
	text: `
	WITH u AS (
		SELECT name, substring($2::bytea FROM off + 1 FOR len) AS data, len, lim, ord
		FROM unnest($1::text[], $3::int[], $4::int[], $6::bigint[]) WITH ORDINALITY AS u(name, off, len, lim, ord)
	), c AS (
		SELECT name, len, ord, sum(len) OVER (PARTITION BY name ORDER BY ord) AS cum, min(lim) OVER (PARTITION BY name) AS lim FROM u
	), heads AS (
		INSERT INTO rooms AS r (name, seq, bytes, appended, created_at)
		SELECT name, count(*) FILTER (WHERE cum <= lim), coalesce(sum(len) FILTER (WHERE cum <= lim), 0), count(*) FILTER (WHERE cum <= lim), $5
		FROM c GROUP BY name ORDER BY name
		ON CONFLICT (name) DO UPDATE SET
			seq = r.seq + (SELECT count(*) FROM c WHERE c.name = r.name AND r.bytes + c.cum <= c.lim),
			bytes = r.bytes + coalesce((SELECT sum(c.len) FROM c WHERE c.name = r.name AND r.bytes + c.cum <= c.lim), 0),
			appended = (SELECT count(*) FROM c WHERE c.name = r.name AND r.bytes + c.cum <= c.lim)
		RETURNING r.name, r.seq, r.appended
	), rows AS (
		SELECT u.name, u.data, row_number() OVER (PARTITION BY u.name ORDER BY u.ord) AS k FROM u
	)
	INSERT INTO room_updates (room, id, data)
	SELECT rows.name, heads.seq - heads.appended + rows.k, rows.data
	FROM rows JOIN heads ON heads.name = rows.name
	WHERE rows.k <= heads.appended
	RETURNING room, id`
};

/** The limit passed for an append without one. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** Key of the advisory lock that makes one process at a time compact a room. */
const COMPACT_LOCK = "hashtextextended('fieldbook:compact:' || $1, 0)";

/** Another process is compacting the room right now; this compaction is skipped (it is retried later). */
export class CompactionBusy extends Error {
	constructor(room: string) {
		super(`another relay process is compacting room ${room}`);
		this.name = 'CompactionBusy';
	}
}

/**
 * A commit starts at most this often: under a steady stream each round trip (and its WAL flush) carries
 * the updates of a few milliseconds instead of one, while an update after a quiet spell commits at once.
 * Longer spacing spends less CPU per update and adds latency (bench:relay --cluster shows both).
 */
export const COMMIT_SPACING_MS = 4;

interface PendingAppend {
	room: string;
	update: Uint8Array;
	maxBytes: number;
	resolve(id: number): void;
	reject(error: unknown): void;
}

function bytes(value: Buffer): Uint8Array {
	return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** Connects to `url` (a PostgreSQL connection string) and applies the room migrations. */
export async function createPostgresStore(url: string): Promise<RoomStore> {
	const db = await openPostgresStore(url, 'rooms', ROOM_MIGRATIONS, { what: 'room store' });
	let batch: PendingAppend[] = [];
	/** The commit on its way to the server; appends arriving meanwhile wait for it and then go together. */
	let committing: Promise<void> | undefined;
	let scheduled = false;
	let lastStart = -Infinity;
	/** The connection commits run on, kept out of the pool between them (a checkout per commit costs more than the commit's own work). */
	let appender: PostgresClient | undefined;

	/**
	 * The connection appends commit on. Its commits do not wait for PostgreSQL's WAL flush
	 * (`synchronous_commit = off`), the durability of the SQLite store's default (`synchronous = NORMAL`):
	 * a relay that dies loses nothing it confirmed; a database server or machine that crashes may lose the
	 * last fraction of a second, which every client still holds and sends again when it reconnects (the
	 * relay's state vector no longer covers it). Rooms' tokens, compactions and the commons keep full
	 * durability on the pool's other connections.
	 */
	async function appendConnection(): Promise<PostgresClient> {
		const client = await db.connect();
		try {
			await client.query('SET synchronous_commit = off');
		} catch (error) {
			client.release(error instanceof Error ? error : true);
			throw error;
		}
		return client;
	}

	/** Commits what is waiting, unless a commit is running (its end commits the rest) or started just now. */
	function flush(): void {
		scheduled = false;
		if (committing || batch.length === 0) return;
		const wait = lastStart + COMMIT_SPACING_MS - performance.now();
		if (wait > 0) {
			scheduled = true;
			setTimeout(flush, wait);
			return;
		}
		lastStart = performance.now();
		const appends = batch;
		batch = [];
		committing = commit(appends).finally(() => {
			committing = undefined;
			flush();
		});
	}

	async function commit(appends: PendingAppend[]): Promise<void> {
		try {
			const offsets: number[] = [];
			const lengths: number[] = [];
			let offset = 0;
			for (const { update } of appends) {
				offsets.push(offset);
				lengths.push(update.byteLength);
				offset += update.byteLength;
			}
			const blob = Buffer.allocUnsafe(offset);
			for (let i = 0; i < appends.length; i++) blob.set(appends[i]!.update, offsets[i]);
			const values = [appends.map((append) => append.room), blob, offsets, lengths, Date.now(), appends.map((append) => append.maxBytes)];
			const client = appender ?? (await appendConnection());
			appender = client;
			let result;
			try {
				result = await client.query<{ room: string; id: string }>({ ...APPEND_BATCH, values });
			} catch (error) {
				// The connection may be broken: it is closed, and the next commit takes a fresh one.
				appender = undefined;
				client.release(error instanceof Error ? error : true);
				throw error;
			}
			// Ids of a room were given in the order its rows were queued.
			const ids = new Map<string, number[]>();
			for (const row of result.rows) {
				const list = ids.get(row.room) ?? [];
				list.push(Number(row.id));
				ids.set(row.room, list);
			}
			for (const list of ids.values()) list.sort((a, b) => a - b);
			for (const append of appends) {
				const id = ids.get(append.room)?.shift();
				if (id === undefined) append.reject(new RoomFull(append.room));
				else append.resolve(id);
			}
		} catch (error) {
			for (const append of appends) append.reject(error);
		}
	}

	/** Pages of rows above `after` whose bytes stay under `pageBytes` (a larger row is a page alone). */
	async function* pages(room: string, pageBytes: number, after = 0): AsyncGenerator<StoredUpdate[]> {
		for (;;) {
			const plan = await db.query<{ id: string; size: number }>(
				'SELECT id, octet_length(data) AS size FROM room_updates WHERE room = $1 AND id > $2 ORDER BY id LIMIT $3',
				[room, after, PAGE_PLAN_ROWS]
			);
			if (plan.rows.length === 0) return;
			let last = Number(plan.rows[0]!.id);
			let total = plan.rows[0]!.size;
			for (const row of plan.rows.slice(1)) {
				if (total + row.size > pageBytes) break;
				total += row.size;
				last = Number(row.id);
			}
			const rows = await db.query<{ id: string; data: Buffer }>(
				'SELECT id, data FROM room_updates WHERE room = $1 AND id > $2 AND id <= $3 ORDER BY id',
				[room, after, last]
			);
			if (rows.rows.length === 0) return;
			yield rows.rows.map((row) => ({ id: Number(row.id), update: bytes(row.data) }));
			after = last;
		}
	}

	async function readForwarding(room: string): Promise<Forwarding | undefined> {
		const result = await db.query<{ record: Buffer; delete_at: string }>('SELECT record, delete_at FROM room_forwards WHERE room = $1', [room]);
		const row = result.rows[0];
		return row ? { record: bytes(row.record), deleteAt: Number(row.delete_at) } : undefined;
	}

	return {
		async info(room): Promise<RoomInfo> {
			const result = await db.query<{ token_hash: Buffer | null; deleted: boolean | null; updates: number; bytes: number }>(
				`SELECT (SELECT token_hash FROM rooms WHERE name = $1) AS token_hash,
					(SELECT deleted_at IS NOT NULL FROM rooms WHERE name = $1) AS deleted,
					count(*)::float8 AS updates, coalesce(sum(octet_length(data)), 0)::float8 AS bytes
				 FROM room_updates WHERE room = $1`,
				[room]
			);
			const row = result.rows[0]!;
			return {
				tokenHash: row.token_hash ? bytes(row.token_hash) : undefined,
				deleted: row.deleted === true,
				updates: row.updates,
				bytes: row.bytes
			};
		},
		async tokenHash(room) {
			const result = await db.query<{ token_hash: Buffer | null }>('SELECT token_hash FROM rooms WHERE name = $1', [room]);
			const hash = result.rows[0]?.token_hash;
			return hash ? bytes(hash) : undefined;
		},
		async totalBytes() {
			// Each room row keeps its stored bytes (kept by appends, compactions and deletions): one row per room.
			const result = await db.query<{ bytes: number }>('SELECT coalesce(sum(bytes), 0)::float8 AS bytes FROM rooms');
			return result.rows[0]!.bytes;
		},
		updates: (room, pageBytes, after) => pages(room, pageBytes, after),
		async claim(room, tokenHash) {
			// First token wins, atomically across processes: only a room without a hash takes one, never a deleted one.
			const result = await db.query(
				`INSERT INTO rooms AS r (name, token_hash, created_at) VALUES ($1, $2, $3)
				 ON CONFLICT (name) DO UPDATE SET token_hash = EXCLUDED.token_hash WHERE r.token_hash IS NULL AND r.deleted_at IS NULL
				 RETURNING name`,
				[room, Buffer.from(tokenHash), Date.now()]
			);
			return result.rowCount === 1;
		},
		append(room, update, maxBytes = NO_LIMIT) {
			return new Promise<number>((resolve, reject) => {
				batch.push({ room, update, maxBytes: Math.min(maxBytes, NO_LIMIT), resolve, reject });
				// Everything appended in this turn joins one commit; so does everything appended while the
				// previous commit was on its way (group commit: one round trip per commit, not per turn).
				if (scheduled || committing) return;
				scheduled = true;
				setImmediate(flush);
			});
		},
		replaceWithSnapshot: (room, upTo, snapshot) =>
			db.transaction(async (client) => {
				const locked = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${COMPACT_LOCK}) AS ok`, [room]);
				if (!locked.rows[0]?.ok) throw new CompactionBusy(room);
				// A deleted room's row is left as it is, and no snapshot goes in.
				const head = await client.query<{ seq: string }>(
					`INSERT INTO rooms AS r (name, seq, created_at) VALUES ($1, 1, $2)
					 ON CONFLICT (name) DO UPDATE SET seq = r.seq + 1 WHERE r.deleted_at IS NULL RETURNING r.seq`,
					[room, Date.now()]
				);
				if (head.rows.length === 0) throw new RoomDeleted(room);
				const id = Number(head.rows[0]!.seq);
				const removed = await client.query<{ bytes: string }>(
					`WITH gone AS (DELETE FROM room_updates WHERE room = $1 AND id <= $2 RETURNING octet_length(data) AS size)
					 SELECT coalesce(sum(size), 0) AS bytes FROM gone`,
					[room, upTo]
				);
				await client.query('INSERT INTO room_updates (room, id, data) VALUES ($1, $2, $3)', [room, id, Buffer.from(snapshot)]);
				await client.query('UPDATE rooms SET bytes = bytes - $2 + $3 WHERE name = $1', [room, Number(removed.rows[0]!.bytes), snapshot.byteLength]);
				return id;
			}),
		async forward(room, record, deleteAt): Promise<Forwarding> {
			// First record wins, atomically across processes: the insert does nothing when one is there. The
			// first is then read in a statement of its own, whose snapshot sees a record committed meanwhile.
			const put = await db.query<{ record: Buffer; delete_at: string }>(
				`INSERT INTO room_forwards (room, record, delete_at) VALUES ($1, $2, $3)
				 ON CONFLICT (room) DO NOTHING RETURNING record, delete_at`,
				[room, Buffer.from(record), deleteAt]
			);
			const row = put.rows[0];
			if (row) return { record: bytes(row.record), deleteAt: Number(row.delete_at) };
			const first = await readForwarding(room);
			if (!first) throw new Error(`room ${room} lost its forwarding record while it was set`);
			return first;
		},
		forwarding: readForwarding,
		async frozen() {
			const result = await db.query<{ room: string; delete_at: string }>('SELECT room, delete_at FROM room_forwards');
			return result.rows.map((row) => ({ room: row.room, deleteAt: Number(row.delete_at) }));
		},
		delete: (room) =>
			db.transaction(async (client) => {
				await client.query('DELETE FROM room_forwards WHERE room = $1', [room]);
				await client.query('DELETE FROM room_updates WHERE room = $1', [room]);
				// The row stays, token hash and row counter included: the tombstone that keeps the name claimed.
				await client.query(
					`INSERT INTO rooms AS r (name, created_at, deleted_at) VALUES ($1, $2, $2)
					 ON CONFLICT (name) DO UPDATE SET bytes = 0, deleted_at = coalesce(r.deleted_at, EXCLUDED.deleted_at)`,
					[room, Date.now()]
				);
			}),
		healthy: db.healthy,
		async close() {
			flush();
			while (committing) await committing;
			appender?.release();
			appender = undefined;
			await db.close();
		}
	};
}
