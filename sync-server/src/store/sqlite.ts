/**
 * Rooms in SQLite (better-sqlite3, WAL). Appends commit before they resolve, so an update the relay has
 * confirmed survives a crash of the process; `synchronous` decides whether it also survives power loss.
 */
import { openSqliteStore, type SqliteSynchronous } from '../sqlite.js';
import type { RoomStore, StoredRoom } from './types.js';

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
	const selectUpdates = db.prepare<[string], { id: number; data: Buffer }>('SELECT id, data FROM updates WHERE room = ? ORDER BY id');
	const insertRoom = db.prepare('INSERT OR IGNORE INTO rooms (name, token_hash, created_at) VALUES (?, ?, ?)');
	const insertUpdate = db.prepare('INSERT INTO updates (room, data) VALUES (?, ?)');
	const deleteUpdate = db.prepare('DELETE FROM updates WHERE room = ? AND id = ?');
	const deleteUpdates = db.prepare('DELETE FROM updates WHERE room = ?');
	const deleteRoom = db.prepare('DELETE FROM rooms WHERE name = ?');
	const sizeOf = db.prepare<[string], { n: number; bytes: number | null }>(
		'SELECT count(*) AS n, sum(length(data)) AS bytes FROM updates WHERE room = ?'
	);

	const compact = db.transaction((room: string, ids: number[], merged: Uint8Array[]) => {
		for (const id of ids) {
			if (deleteUpdate.run(room, id).changes !== 1) throw new Error(`update ${id} of the room is not stored`);
		}
		for (const update of merged) insertUpdate.run(room, update);
	});
	const remove = db.transaction((room: string) => {
		deleteUpdates.run(room);
		deleteRoom.run(room);
	});

	return {
		load: (room) =>
			call((): StoredRoom => {
				const row = selectRoom.get(room);
				let total = 0;
				const updates = selectUpdates.all(room).map(({ id, data }) => {
					total += data.byteLength;
					return { id, update: bytes(data) };
				});
				return { tokenHash: row ? bytes(row.token_hash) : undefined, updates, bytes: total };
			}),
		claim: (room, tokenHash) => call(() => insertRoom.run(room, tokenHash, Date.now()).changes === 1),
		append: (room, update) => call(() => Number(insertUpdate.run(room, update).lastInsertRowid)),
		compact: (room, ids, merged) => call(() => compact(room, ids, merged)),
		delete: (room) => call(() => remove(room)),
		size: (room) =>
			call(() => {
				const row = sizeOf.get(room);
				return { updates: row?.n ?? 0, bytes: row?.bytes ?? 0 };
			}),
		healthy,
		close
	};
}
