/**
 * The commons as the screens use it: the client at the app's own origin and the offline copy, joined. Every
 * list and entry is fetched fresh when the relay answers and kept; when it does not, the kept copy is shown
 * with its age. Loaded only by the commons screens and the publish dialog. Framework-free.
 */
import { memoryCommonsCache, readThrough, type CommonsCache, type Fetched } from './cache';
import { commonsClient, CommonsError, type CommonsClient } from './client';
import { queryString, type Entry, type ListPage, type ListQuery } from './types';
import { indexedDbCommonsCache } from '../storage/commons-cache';

let client: CommonsClient | undefined;
let cache: CommonsCache | undefined;

/** The app's commons client (the relay that serves the app). */
export function commons(): CommonsClient {
	client ??= commonsClient();
	return client;
}

function offlineCopy(): CommonsCache {
	if (!cache) {
		try {
			cache = indexedDbCommonsCache();
		} catch {
			// No IndexedDB (a locked-down browser): keep copies for this visit only.
			cache = memoryCommonsCache();
		}
	}
	return cache;
}

/** One page of the list for a query, fresh or as last kept. */
export function listEntries(query: ListQuery): Promise<Fetched<ListPage>> {
	const key = queryString(query);
	const kept = offlineCopy();
	return readThrough(() => commons().list(query), () => kept.getList(key), (page, at) => kept.putList(key, page, at));
}

/** One entry, fresh or as last viewed; an entry the relay says is gone is forgotten here too. */
export async function readEntry(id: string): Promise<Fetched<Entry>> {
	const kept = offlineCopy();
	try {
		return await readThrough(() => commons().get(id), () => kept.getEntry(id), (entry, at) => kept.putEntry(entry, at));
	} catch (error) {
		if (error instanceof CommonsError && ['unpublished', 'hidden', 'not_found'].includes(error.code)) await kept.deleteEntry(id).catch(() => undefined);
		throw error;
	}
}

export { CommonsError };
