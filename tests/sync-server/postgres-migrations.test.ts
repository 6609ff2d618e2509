import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate, type Migration } from '../../sync-server/src/postgres';
import { findPostgres, useTestDatabase } from '../helpers/postgres';

const server = await findPostgres();

const MIGRATIONS: Migration[] = [
	{ version: 1, name: 'a table', sql: 'CREATE TABLE things (id INTEGER PRIMARY KEY)' },
	{ version: 2, name: 'a column', sql: 'ALTER TABLE things ADD COLUMN label TEXT' }
];

describe.skipIf(!server)('PostgreSQL migrations', () => {
	const database = useTestDatabase(server!);

	it('applies each version once, in order, even when processes start together', async () => {
		const url = await database.current.freshSchema();
		const pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
		try {
			const applied = await Promise.all(pools.map((pool) => migrate(pool, 'test', MIGRATIONS.slice(0, 1))));
			expect(applied.flat()).toEqual([1]);
			expect(await migrate(pools[0]!, 'test', MIGRATIONS)).toEqual([2]);
			expect(await migrate(pools[1]!, 'test', MIGRATIONS)).toEqual([]);
			await pools[0]!.query("INSERT INTO things (id, label) VALUES (1, 'kept')");
			const rows = await pools[0]!.query('SELECT scope, version FROM fieldbook_migrations ORDER BY version');
			expect(rows.rows).toEqual([
				{ scope: 'test', version: 1 },
				{ scope: 'test', version: 2 }
			]);
		} finally {
			await Promise.all(pools.map((pool) => pool.end()));
		}
	});

	it('a failing migration changes nothing and is not recorded', async () => {
		const url = await database.current.freshSchema();
		const pool = new pg.Pool({ connectionString: url });
		try {
			const broken: Migration = { version: 1, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); SELECT * FROM missing_table' };
			await expect(migrate(pool, 'test', [broken])).rejects.toThrow(/migration test 1 \(broken\) failed/);
			expect((await pool.query("SELECT to_regclass('half') AS t")).rows[0].t).toBeNull();
			expect(await migrate(pool, 'test', MIGRATIONS)).toEqual([1, 2]);
		} finally {
			await pool.end();
		}
	});
});
