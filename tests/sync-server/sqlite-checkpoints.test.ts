import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../sync-server/src/sqlite';
import { until } from '../helpers/devices';

const dirs: string[] = [];
afterEach(() => {
	for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('SQLite checkpoints', () => {
	it('run on a thread of their own: no commit checkpoints, yet the database file takes in what was written, and close leaves no WAL', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'fieldbook-checkpoint-'));
		dirs.push(dir);
		const store = openSqliteStore(dir, 'test.sqlite', 'CREATE TABLE IF NOT EXISTS rows (data BLOB NOT NULL)', { what: 'test store' });
		const file = join(dir, 'test.sqlite');
		expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
		const before = statSync(file).size;
		const insert = store.db.prepare('INSERT INTO rows (data) VALUES (?)');
		// 2,000 commits of 4 KB: twice what SQLite's own automatic checkpoint would let the WAL reach.
		for (let i = 0; i < 2_000; i++) insert.run(Buffer.alloc(4096, i % 251));
		await until(() => statSync(file).size > before + 2_000 * 4096, 'the rows checkpointed into the database file', 30_000);
		expect(store.db.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 2_000 });

		await store.close();
		expect(existsSync(`${file}-wal`)).toBe(false);
		const reopened = openSqliteStore(dir, 'test.sqlite', 'CREATE TABLE IF NOT EXISTS rows (data BLOB NOT NULL)', { what: 'test store' });
		expect(reopened.db.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 2_000 });
		await reopened.close();
	});
});
