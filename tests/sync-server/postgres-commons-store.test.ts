import { describe } from 'vitest';
import { createPostgresCommonsStore } from '../../sync-server/src/commons/postgres';
import { runCommonsStoreContractTests } from '../contract/commons-store';
import { findPostgres, useTestDatabase } from '../helpers/postgres';

const server = await findPostgres();

describe.skipIf(!server)('PostgreSQL commons store', () => {
	const database = useTestDatabase(server!);
	runCommonsStoreContractTests('PostgreSQL', async () => {
		const url = await database.current.freshSchema();
		return {
			store: await createPostgresCommonsStore(url),
			reopen: () => createPostgresCommonsStore(url),
			cleanup: async () => {}
		};
	});
});
