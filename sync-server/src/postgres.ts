/**
 * How the relay's stores open PostgreSQL (node-postgres): one pool per store and process, the store's
 * versioned migrations applied at start, and calls that refuse once the store is closed. Several relay
 * processes share one database; everything they must agree on happens inside a transaction or under an
 * advisory lock.
 */
import pg from 'pg';

/** One schema change of a store; `version` increases by one per change and is never reused. */
export interface Migration {
	version: number;
	/** Says what the change is for, kept in the migrations table for people. */
	name: string;
	sql: string;
}

/** A client checked out of the pool (inside `transaction`). */
export type PostgresClient = pg.PoolClient;

/** An open store database. */
export interface PostgresStore {
	pool: pg.Pool;
	/**
	 * One statement outside a transaction; rejects once the store is closed. A `QueryConfig` with a `name`
	 * is prepared once per connection and then only bound and executed (no parsing and planning per call).
	 */
	query<Row extends pg.QueryResultRow>(text: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult<Row>>;
	/** Checks a connection out of the pool for the caller to keep (it releases it); rejects once the store is closed. */
	connect(): Promise<PostgresClient>;
	/** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
	transaction<T>(work: (client: PostgresClient) => Promise<T>): Promise<T>;
	/** Resolves true when the database answers. */
	healthy(): Promise<boolean>;
	/** Waits for running calls and closes the pool; later calls reject. */
	close(): Promise<void>;
}

/** Connections per store and process: enough to overlap appends, loads and searches without crowding the server. */
export const POOL_SIZE = 8;

/**
 * An idle pooled connection is closed after this long. Long enough that a relay under load keeps its
 * connections (each new one costs the server a process start) and their prepared statements.
 */
export const IDLE_TIMEOUT_MS = 5 * 60_000;

/**
 * Key of the session advisory lock held while migrations run, so relay processes starting together apply
 * each migration once. Any constant works; this one spells "fbmig" so it is recognisable in pg_locks.
 */
const MIGRATION_LOCK = 0x66626d6967;

/** Applies the `scope`'s migrations that the database has not recorded yet, each in its own transaction. */
export async function migrate(pool: pg.Pool, scope: string, migrations: readonly Migration[]): Promise<number[]> {
	const applied: number[] = [];
	const client = await pool.connect();
	try {
		await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
		try {
			await client.query(`CREATE TABLE IF NOT EXISTS fieldbook_migrations (
				scope TEXT NOT NULL,
				version INTEGER NOT NULL,
				name TEXT NOT NULL,
				applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
				PRIMARY KEY (scope, version)
			)`);
			const done = await client.query<{ version: number }>('SELECT version FROM fieldbook_migrations WHERE scope = $1', [scope]);
			const known = new Set(done.rows.map((row) => row.version));
			for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
				if (known.has(migration.version)) continue;
				await client.query('BEGIN');
				try {
					await client.query(migration.sql);
					await client.query('INSERT INTO fieldbook_migrations (scope, version, name) VALUES ($1, $2, $3)', [
						scope,
						migration.version,
						migration.name
					]);
					await client.query('COMMIT');
				} catch (error) {
					await client.query('ROLLBACK');
					throw new Error(`migration ${scope} ${migration.version} (${migration.name}) failed`, { cause: error });
				}
				applied.push(migration.version);
			}
		} finally {
			await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
		}
	} finally {
		client.release();
	}
	return applied;
}

/** Connects to `url`, applies the store's migrations, and returns promise-returning calls; `what` names the store in errors. */
export async function openPostgresStore(
	url: string,
	scope: string,
	migrations: readonly Migration[],
	options: { what: string; poolSize?: number }
): Promise<PostgresStore> {
	const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? POOL_SIZE, idleTimeoutMillis: IDLE_TIMEOUT_MS });
	// An idle client whose server connection drops emits 'error' on the pool; without a listener that kills
	// the process. The next checkout opens a fresh connection instead.
	pool.on('error', () => {});
	try {
		await migrate(pool, scope, migrations);
	} catch (error) {
		await pool.end();
		throw error;
	}

	let open = true;
	const running = new Set<Promise<unknown>>();
	function track<T>(promise: Promise<T>): Promise<T> {
		running.add(promise);
		void promise.finally(() => running.delete(promise)).catch(() => {});
		return promise;
	}
	function closed(): Promise<never> {
		return Promise.reject(new Error(`the ${options.what} is closed`));
	}

	return {
		pool,
		query: <Row extends pg.QueryResultRow>(text: string | pg.QueryConfig, values?: unknown[]) =>
			open ? track(typeof text === 'string' ? pool.query<Row>(text, values) : pool.query<Row>({ ...text, values })) : closed(),
		connect: () => (open ? track(pool.connect()) : closed()),
		transaction<T>(work: (client: PostgresClient) => Promise<T>): Promise<T> {
			if (!open) return closed();
			return track(
				(async () => {
					const client = await pool.connect();
					try {
						await client.query('BEGIN');
						const result = await work(client);
						await client.query('COMMIT');
						return result;
					} catch (error) {
						await client.query('ROLLBACK').catch(() => {});
						throw error;
					} finally {
						client.release();
					}
				})()
			);
		},
		healthy: () => (open ? track(pool.query('SELECT 1 AS ok').then((result) => result.rows.length === 1)) : closed()),
		async close() {
			if (!open) return;
			open = false;
			await Promise.allSettled([...running]);
			await pool.end();
		}
	};
}
