/**
 * How the relay's stores open SQLite (better-sqlite3): one file in DATA_DIR, WAL, a busy timeout, the
 * store's schema, and promise-returning calls that refuse once the store is closed.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** NORMAL survives a killed process (the WAL is in the OS); FULL also survives power loss, at an fsync per commit. */
export type SqliteSynchronous = 'NORMAL' | 'FULL';

/** An open store database. */
export interface SqliteStore {
	db: Database.Database;
	/**
	 * Runs synchronous work as a promise (better-sqlite3 is synchronous; promises keep the store interfaces
	 * ready for a networked store). Rejects once closed, and when the work throws.
	 */
	call<T>(work: () => T): Promise<T>;
	/** Resolves true when the database answers. */
	healthy(): Promise<boolean>;
	/** Closes the database; later calls reject. */
	close(): Promise<void>;
}

/** Opens (creating) `file` in `dataDir` and applies `schema`; `what` names the store in errors. */
export function openSqliteStore(
	dataDir: string,
	file: string,
	schema: string,
	options: { what: string; synchronous?: SqliteSynchronous }
): SqliteStore {
	mkdirSync(dataDir, { recursive: true });
	const db = new Database(join(dataDir, file));
	db.pragma('journal_mode = WAL');
	db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
	db.pragma('busy_timeout = 5000');
	db.exec(schema);

	let open = true;
	function call<T>(work: () => T): Promise<T> {
		if (!open) return Promise.reject(new Error(`the ${options.what} is closed`));
		try {
			return Promise.resolve(work());
		} catch (error) {
			return Promise.reject(error);
		}
	}
	return {
		db,
		call,
		healthy: () => call(() => db.prepare('SELECT 1 AS ok').get() !== undefined),
		close: () => {
			if (!open) return Promise.resolve();
			open = false;
			db.close();
			return Promise.resolve();
		}
	};
}
