/**
 * Rooms in SQLite (better-sqlite3, WAL). Appends commit before they resolve, so an update the relay has
 * confirmed survives a crash of the process; `synchronous` decides whether it also survives power loss.
 */
import { openSqliteStore, type SqliteSynchronous } from '../sqlite.js';
import type { RoomStore, StoredUpdate } from './types.js';

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
`;

function bytes(value: Buffer | Uint8Array): Uint8Array {
	return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

/** Opens (creating) `rooms.sqlite` in `dataDir`. */
export function createSqliteStore(dataDir: string, options: { synchronous?: SqliteSynchronous } = {}): RoomStore {
	const { db, call, healthy, close } = openSqliteStore(dataDir, 'rooms.sqlite', SCHEMA, { what: 'room store', synchronous: options.synchronous });

	const selectRoom = db.prepare<[string], { token_hash: Buffer }>('SELECT token_hash FROM rooms WHERE name = ?');
	const selectUpdatesAfter = db.prepare<[string, number], { id: number; data: Buffer }>(
		'SELECT id, data FROM updates WHERE room = ? AND id > ? ORDER BY id'
	);
	const insertRoom = db.prepare('INSERT OR IGNORE INTO rooms (name, token_hash, created_at) VALUES (?, ?, ?)');
	const insertUpdate = db.prepare('INSERT INTO updates (room, data) VALUES (?, ?)');
	const deleteUpTo = db.prepare('DELETE FROM updates WHERE room = ? AND id <= ?');
	const deleteUpdates = db.prepare('DELETE FROM updates WHERE room = ?');
	const deleteRoom = db.prepare('DELETE FROM rooms WHERE name = ?');
	const sizeOf = db.prepare<[string], { n: number; bytes: number | null }>(
		'SELECT count(*) AS n, sum(length(data)) AS bytes FROM updates WHERE room = ?'
	);

	const replace = db.transaction((room: string, upTo: number, snapshot: Uint8Array) => {
		deleteUpTo.run(room, upTo);
		return Number(insertUpdate.run(room, snapshot).lastInsertRowid);
	});
	const remove = db.transaction((room: string) => {
		deleteUpdates.run(room);
		deleteRoom.run(room);
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

	return {
		info: (room) =>
			call(() => {
				const row = selectRoom.get(room);
				const size = sizeOf.get(room);
				return { tokenHash: row ? bytes(row.token_hash) : undefined, updates: size?.n ?? 0, bytes: size?.bytes ?? 0 };
			}),
		async *updates(room, pageBytes) {
			let after = 0;
			for (;;) {
				const rows = await call(() => page(room, after, pageBytes));
				if (rows.length === 0) return;
				after = rows[rows.length - 1]!.id;
				yield rows;
			}
		},
		claim: (room, tokenHash) => call(() => insertRoom.run(room, tokenHash, Date.now()).changes === 1),
		append: (room, update) => call(() => Number(insertUpdate.run(room, update).lastInsertRowid)),
		replaceWithSnapshot: (room, upTo, snapshot) => call(() => replace(room, upTo, snapshot)),
		delete: (room) => call(() => remove(room)),
		healthy,
		close
	};
}
