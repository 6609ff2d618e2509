/**
 * Rooms in SQLite (better-sqlite3, WAL). Appends commit before they resolve, so an update the relay has
 * confirmed survives a crash of the process; `synchronous` decides whether it also survives power loss.
 */
import { openSqliteStore, type SqliteSynchronous } from '../sqlite.js';
import { RoomDeleted, type Forwarding, type RoomStore, type StoredUpdate } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rooms (
	name TEXT PRIMARY KEY,
	token_hash BLOB NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS updates (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	room TEXT NOT NULL,
	data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS updates_room ON updates (room, id);
CREATE TABLE IF NOT EXISTS deleted_rooms (
	name TEXT PRIMARY KEY,
	deleted_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS forwards (
	room TEXT PRIMARY KEY,
	record BLOB NOT NULL,
	delete_at INTEGER NOT NULL
);
`;

/** An append waiting for the turn's group commit. */
interface QueuedAppend {
	room: string;
	update: Uint8Array;
	resolve(id: number): void;
	reject(error: unknown): void;
}

function bytes(value: Buffer | Uint8Array): Uint8Array {
	return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** Opens (creating) `rooms.sqlite` in `dataDir`. */
export function createSqliteStore(dataDir: string, options: { synchronous?: SqliteSynchronous } = {}): RoomStore {
	const { db, call, healthy, close } = openSqliteStore(dataDir, 'rooms.sqlite', SCHEMA, { what: 'room store', synchronous: options.synchronous });

	const selectRoom = db.prepare<[string], { token_hash: Buffer }>('SELECT token_hash FROM rooms WHERE name = ?');
	const selectDeleted = db.prepare<[string], { name: string }>('SELECT name FROM deleted_rooms WHERE name = ?');
	const selectUpdatesAfter = db.prepare<[string, number], { id: number; data: Buffer }>(
		'SELECT id, data FROM updates WHERE room = ? AND id > ? ORDER BY id'
	);
	// A deleted room is never claimed again, even one deleted before anyone claimed it.
	const insertRoom = db.prepare<[string, Uint8Array, number, string]>(
		'INSERT OR IGNORE INTO rooms (name, token_hash, created_at) SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM deleted_rooms WHERE name = ?)'
	);
	const insertDeleted = db.prepare('INSERT OR IGNORE INTO deleted_rooms (name, deleted_at) VALUES (?, ?)');
	const insertUpdate = db.prepare('INSERT INTO updates (room, data) VALUES (?, ?)');
	const deleteUpTo = db.prepare('DELETE FROM updates WHERE room = ? AND id <= ?');
	const deleteUpdates = db.prepare('DELETE FROM updates WHERE room = ?');
	const sizeOf = db.prepare<[string], { n: number; bytes: number | null }>(
		'SELECT count(*) AS n, sum(length(data)) AS bytes FROM updates WHERE room = ?'
	);

	// The first forwarding record of a room wins: a later one is ignored and the first is read back.
	const insertForward = db.prepare('INSERT OR IGNORE INTO forwards (room, record, delete_at) VALUES (?, ?, ?)');
	const selectForward = db.prepare<[string], { record: Buffer; delete_at: number }>('SELECT record, delete_at FROM forwards WHERE room = ?');
	const selectFrozen = db.prepare<[], { room: string; delete_at: number }>('SELECT room, delete_at FROM forwards');
	const deleteForward = db.prepare('DELETE FROM forwards WHERE room = ?');
	const readForward = (room: string): Forwarding | undefined => {
		const row = selectForward.get(room);
		return row ? { record: bytes(row.record), deleteAt: row.delete_at } : undefined;
	};
	const forward = db.transaction((room: string, record: Uint8Array, deleteAt: number) => {
		insertForward.run(room, record, deleteAt);
		return readForward(room)!;
	});

	const totalSize = db.prepare<[], { bytes: number | null }>('SELECT sum(length(data)) AS bytes FROM updates');

	const replace = db.transaction((room: string, upTo: number, snapshot: Uint8Array) => {
		if (selectDeleted.get(room)) throw new RoomDeleted(room);
		deleteUpTo.run(room, upTo);
		return Number(insertUpdate.run(room, snapshot).lastInsertRowid);
	});
	// The rooms row (its token hash) stays: the tombstone that keeps the name claimed.
	const remove = db.transaction((room: string) => {
		deleteUpdates.run(room);
		insertDeleted.run(room, Date.now());
		deleteForward.run(room);
	});

	/** One page: rows after `after` until their bytes reach `pageBytes` (the iterator is closed on break). */
	function page(room: string, after: number, pageBytes: number): StoredUpdate[] {
		const rows: StoredUpdate[] = [];
		let total = 0;
		for (const { id, data } of selectUpdatesAfter.iterate(room, after)) {
			if (rows.length > 0 && total + data.byteLength > pageBytes) break;
			rows.push({ id, update: bytes(data) });
			total += data.byteLength;
		}
		return rows;
	}

	const appendAll = db.transaction((items: QueuedAppend[]) => items.map((item) => Number(insertUpdate.run(item.room, item.update).lastInsertRowid)));
	let queued: QueuedAppend[] = [];
	function flush(): void {
		const items = queued;
		queued = [];
		if (items.length === 0) return;
		try {
			const ids = appendAll(items);
			items.forEach((item, index) => item.resolve(ids[index]!));
		} catch (error) {
			for (const item of items) item.reject(error);
		}
	}

	return {
		info: (room) =>
			call(() => {
				const row = selectRoom.get(room);
				const size = sizeOf.get(room);
				return {
					tokenHash: row ? bytes(row.token_hash) : undefined,
					deleted: selectDeleted.get(room) !== undefined,
					updates: size?.n ?? 0,
					bytes: size?.bytes ?? 0
				};
			}),
		tokenHash: (room) =>
			call(() => {
				const row = selectRoom.get(room);
				return row ? bytes(row.token_hash) : undefined;
			}),
		totalBytes: () => call(() => totalSize.get()?.bytes ?? 0),
		async *updates(room, pageBytes, from = 0) {
			let after = from;
			for (;;) {
				const rows = await call(() => page(room, after, pageBytes));
				if (rows.length === 0) return;
				after = rows[rows.length - 1]!.id;
				yield rows;
			}
		},
		claim: (room, tokenHash) => call(() => insertRoom.run(room, tokenHash, Date.now(), room).changes === 1),
		append: (room, update) =>
			call(
				() =>
					new Promise<number>((resolve, reject) => {
						queued.push({ room, update, resolve, reject });
						// Everything appended in this turn of the event loop is committed in one transaction.
						if (queued.length === 1) setImmediate(flush);
					})
			).then((id) => id),
		replaceWithSnapshot: (room, upTo, snapshot) => call(() => replace(room, upTo, snapshot)),
		forward: (room, record, deleteAt) => call(() => forward(room, record, deleteAt)),
		forwarding: (room) => call(() => readForward(room)),
		frozen: () => call(() => selectFrozen.all().map((row) => ({ room: row.room, deleteAt: row.delete_at }))),
		delete: (room) => call(() => remove(room)),
		healthy,
		close: () => {
			// Appends already accepted are committed before the database closes.
			flush();
			return close();
		}
	};
}
