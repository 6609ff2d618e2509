/**
 * How the relay's stores open SQLite (better-sqlite3): one file in DATA_DIR, WAL, a busy timeout, the
 * store's schema, and promise-returning calls that refuse once the store is closed.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

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
	const checkpoints = startCheckpoints(db, join(dataDir, file));

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
			// The checkpoint connection goes first; closing the last connection checkpoints and removes the WAL.
			return checkpoints.stop().then(() => {
				db.close();
			});
		}
	};
}

/**
 * How often the checkpoint thread copies the WAL into the database. SQLite's own automatic checkpoint runs
 * inside the commit that crosses 1,000 WAL pages, so that one commit (and every update waiting on it) stalls
 * for milliseconds; a checkpoint on a connection of its own, in a thread of its own, never holds a commit.
 */
export const CHECKPOINT_INTERVAL_MS = 1_000;

/** The checkpoint thread's code: its own connection, a PASSIVE checkpoint (it never waits on a writer) per tick. */
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
	try {
		db.pragma('wal_checkpoint(PASSIVE)');
	} catch {
		// Busy or locked: the next tick tries again.
	}
}, workerData.intervalMs);
parentPort.on('message', () => {
	clearInterval(timer);
	db.close();
	parentPort.close();
});
`;

/**
 * Moves WAL checkpoints off the commit path: automatic checkpoints off, a worker thread checkpointing instead.
 * Should the thread fail, automatic checkpoints come back, so the WAL never grows without bound.
 */
function startCheckpoints(db: Database.Database, file: string): { stop(): Promise<void> } {
	const worker = new Worker(CHECKPOINT_WORKER, {
		eval: true,
		workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), file, intervalMs: CHECKPOINT_INTERVAL_MS }
	});
	worker.unref();
	let stopped = false;
	const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
	const fallBack = () => {
		if (!stopped && db.open) db.pragma('wal_autocheckpoint = 1000');
	};
	worker.once('error', fallBack);
	worker.once('exit', fallBack);
	db.pragma('wal_autocheckpoint = 0');
	return {
		stop: () => {
			stopped = true;
			// Unreferenced while it ticks; waited on now, so the process stays until the thread has closed its connection.
			worker.ref();
			worker.postMessage('stop');
			return exited;
		}
	};
}
