import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { COMMONS_DATABASE_FILE, createSqliteCommonsStore } from '../../sync-server/src/commons/sqlite';
import type { CampaignPayload } from '../../sync-server/src/commons/types';
import { runCommonsStoreContractTests } from '../contract/commons-store';

runCommonsStoreContractTests('SQLite', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'fieldbook-commons-'));
	return {
		store: createSqliteCommonsStore(dir),
		reopen: async () => createSqliteCommonsStore(dir),
		cleanup: async () => rmSync(dir, { recursive: true, force: true })
	};
});

describe('SQLite commons store upgrades', () => {
	it('adds the location columns to a database written before them, filled from the stored entries', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'fieldbook-commons-'));
		try {
			const store = createSqliteCommonsStore(dir);
			const payload: CampaignPayload = { v: 1, id: 'entry0000000000000001', seq: 1, action: 'publish', kind: 'campaign', lang: 'en', title: 'Old', summary: '', tags: [], publisher: 'G', description: '', place: 'Lund', location: { lat: 55.7, lon: 13.2 }, starts: '2026-12-01', join: { contact: 'x' } };
			await store.publish({ payload, signed: JSON.stringify(payload), publicKey: 'A'.repeat(43), signature: 's', bodyText: '', at: 1 });
			await store.close();
			// The database as the first release left it: no location columns.
			const db = new Database(join(dir, COMMONS_DATABASE_FILE));
			db.exec('DROP INDEX entries_located; ALTER TABLE entries DROP COLUMN lat; ALTER TABLE entries DROP COLUMN lon;');
			db.close();
			const reopened = createSqliteCommonsStore(dir);
			expect((await reopened.list({ offset: 0, limit: 20, near: { lat: 55.7, lon: 13.2, km: 10 } })).entries.map((entry) => entry.id)).toEqual([payload.id]);
			await reopened.close();
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
