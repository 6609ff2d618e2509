import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../../sync-server/src/store/sqlite';
import { runRoomStoreContractTests } from '../contract/relay-store';

runRoomStoreContractTests('SQLite', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'fieldbook-store-'));
	return {
		store: createSqliteStore(dir),
		reopen: async () => createSqliteStore(dir),
		cleanup: async () => rmSync(dir, { recursive: true, force: true })
	};
});
