/**
 * PostgreSQL for tests: the server named by DATABASE_URL, else the local service (127.0.0.1:5432, database
 * `test`) when it answers. Each test file gets its own fresh database, dropped afterwards; each store test
 * inside it gets its own schema, which is much cheaper than a database per test.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/** The local service of the project's machines and CI. */
const LOCAL_URL = 'postgresql://postgres@127.0.0.1:5432/test';

/** The server to test against, or undefined when none answers (then the PostgreSQL suites are skipped). */
export async function findPostgres(): Promise<string | undefined> {
	const url = process.env.DATABASE_URL || LOCAL_URL;
	const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
	try {
		await client.connect();
		await client.query('SELECT 1');
		return url;
	} catch (error) {
		// A configured DATABASE_URL that does not answer is a failure, not a reason to skip.
		if (process.env.DATABASE_URL) throw error;
		return undefined;
	} finally {
		await client.end().catch(() => {});
	}
}

function withDatabase(url: string, database: string, options?: string): string {
	const next = new URL(url);
	next.pathname = `/${database}`;
	if (options) next.searchParams.set('options', options);
	return next.toString();
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

/** A database made for this test run. */
export interface TestDatabase {
	/** Connection string of the database. */
	url: string;
	/** A connection string whose tables live in a new, empty schema of the database. */
	freshSchema(): Promise<string>;
	/** Drops the database (closing any connection still open to it). */
	drop(): Promise<void>;
}

/** Creates a fresh database on the server at `serverUrl`. */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
	const name = `fieldbook_test_${process.pid}_${randomBytes(4).toString('hex')}`;
	await admin(serverUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`));
	const url = withDatabase(serverUrl, name);
	let schemas = 0;
	return {
		url,
		async freshSchema() {
			const schema = `s${++schemas}`;
			await admin(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
			return withDatabase(url, name, `-c search_path=${schema}`);
		},
		drop: () => admin(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {})
	};
}

/** Registers a fresh database for the enclosing describe block: created before its tests, dropped after. */
export function useTestDatabase(serverUrl: string): { readonly current: TestDatabase } {
	let database: TestDatabase | undefined;
	beforeAll(async () => {
		database = await createTestDatabase(serverUrl);
	});
	afterAll(async () => {
		await database?.drop();
	});
	return {
		get current() {
			if (!database) throw new Error('the test database is made in beforeAll');
			return database;
		}
	};
}
