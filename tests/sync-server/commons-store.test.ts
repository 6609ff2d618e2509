import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteCommonsStore } from '../../sync-server/src/commons/sqlite';
import { runCommonsStoreContractTests } from '../contract/commons-store';

runCommonsStoreContractTests('SQLite', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'fieldbook-commons-'));
	return {
		store: createSqliteCommonsStore(dir),
		reopen: async () => createSqliteCommonsStore(dir),
		cleanup: async () => rmSync(dir, { recursive: true, force: true })
	};
});
