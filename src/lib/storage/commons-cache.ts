/**
 * The commons' offline copy in IndexedDB: database `fieldbook-commons`, apart from the catalogue on purpose.
 * It holds only public commons content (list pages and entries as the relay served them), never anything
 * from a group's vault, so it can be cleared at any time without loss.
 */
import Dexie, { type EntityTable } from 'dexie';
import { MAX_CACHED_LISTS, withoutEntry, type CommonsCache } from '../commons/cache';
import type { Entry, ListPage } from '../commons/types';
import type { IndexedDbSource } from './catalogue';

/** The last answer to one list query (key: its query string). */
interface ListRow {
	key: string;
	page: ListPage;
	fetchedAt: number;
}

/** An entry as last viewed. */
interface EntryRow {
	id: string;
	entry: Entry;
	fetchedAt: number;
}

type CommonsDb = Dexie & {
	lists: EntityTable<ListRow, 'key'>;
	entries: EntityTable<EntryRow, 'id'>;
};

/** Opens the commons cache; `namespace` prefixes the name like the catalogue's does, for tests. */
export function indexedDbCommonsCache(namespace = '', source?: IndexedDbSource): CommonsCache {
	const db = new Dexie(`${namespace}fieldbook-commons`, source) as CommonsDb;
	db.version(1).stores({ lists: 'key, fetchedAt', entries: 'id, fetchedAt' });
	return {
		getList: async (key) => {
			const row = await db.lists.get(key);
			return row && { value: row.page, fetchedAt: row.fetchedAt };
		},
		putList: async (key, page, fetchedAt) => {
			await db.transaction('rw', db.lists, async () => {
				await db.lists.put({ key, page, fetchedAt });
				const count = await db.lists.count();
				if (count > MAX_CACHED_LISTS) {
					const oldest = await db.lists.orderBy('fetchedAt').limit(count - MAX_CACHED_LISTS).primaryKeys();
					await db.lists.bulkDelete(oldest);
				}
			});
		},
		getEntry: async (id) => {
			const row = await db.entries.get(id);
			return row && { value: row.entry, fetchedAt: row.fetchedAt };
		},
		putEntry: async (entry, fetchedAt) => {
			await db.entries.put({ id: entry.id, entry, fetchedAt });
		},
		deleteEntry: async (id) => {
			await db.transaction('rw', db.entries, db.lists, async () => {
				await db.entries.delete(id);
				// At most MAX_CACHED_LISTS small pages: reading them all is cheaper than an index per entry id.
				const rows = await db.lists.toArray();
				const changed = rows.map((row) => ({ ...row, page: withoutEntry(row.page, id) })).filter((row, index) => row.page !== rows[index]!.page);
				if (changed.length) await db.lists.bulkPut(changed);
			});
		},
		entries: async () => (await db.entries.toArray()).map((row) => row.entry)
	};
}
