/**
 * The offline copy of the commons: the last answer to each list query and every entry once viewed, with
 * when it was fetched. Public content only, in its own database, never the catalogue. `readThrough` asks
 * the relay first and falls back to the copy when the relay cannot be reached. Framework-free.
 */
import { CommonsError } from './client';
import type { Entry, ListPage } from './types';

/** Something kept, with when it was fetched (ms since epoch). */
export interface Cached<T> {
	value: T;
	fetchedAt: number;
}

/** The storage boundary of the offline copy; `src/lib/storage/commons-cache.ts` implements it in IndexedDB. */
export interface CommonsCache {
	getList(key: string): Promise<Cached<ListPage> | undefined>;
	putList(key: string, page: ListPage, fetchedAt: number): Promise<void>;
	getEntry(id: string): Promise<Cached<Entry> | undefined>;
	putEntry(entry: Entry, fetchedAt: number): Promise<void>;
	/** Forgets an entry the relay says is gone (unpublished or hidden), and takes it out of every kept list. */
	deleteEntry(id: string): Promise<void>;
	/** Every kept entry (for offline search). */
	entries(): Promise<Entry[]>;
}

/** What a screen shows: fresh from the relay, or the kept copy with its age and why the relay did not answer. */
export interface Fetched<T> {
	value: T;
	fetchedAt: number;
	/** Set when `value` is the offline copy. */
	stale?: CommonsError;
}

/** Errors after which the kept copy is shown instead: the relay could not be asked, not a refusal. */
const FALL_BACK: ReadonlySet<string> = new Set(['offline', 'unavailable', 'bad_response']);

/** Most list queries kept; older ones are forgotten first. */
export const MAX_CACHED_LISTS = 50;

/** Fetches and keeps, or returns the kept copy when the relay cannot be reached; throws when there is none. */
export async function readThrough<T>(
	fetchFresh: () => Promise<T>,
	get: () => Promise<Cached<T> | undefined>,
	put: (value: T, fetchedAt: number) => Promise<void>,
	now: () => number = Date.now
): Promise<Fetched<T>> {
	try {
		const value = await fetchFresh();
		const fetchedAt = now();
		// A full or blocked disk must not hide what was fetched: keeping the copy is best effort.
		await put(value, fetchedAt).catch(() => undefined);
		return { value, fetchedAt };
	} catch (error) {
		if (!(error instanceof CommonsError) || !FALL_BACK.has(error.code)) throw error;
		const kept = await get().catch(() => undefined);
		if (!kept) throw error;
		return { value: kept.value, fetchedAt: kept.fetchedAt, stale: error };
	}
}

/** A kept list page without one entry; the same page when it did not hold it. */
export function withoutEntry(page: ListPage, id: string): ListPage {
	const entries = page.entries.filter((entry) => entry.id !== id);
	if (entries.length === page.entries.length) return page;
	return { ...page, entries, total: Math.max(0, page.total - (page.entries.length - entries.length)) };
}

/** A cache in memory, for tests and for browsers that refuse IndexedDB. */
export function memoryCommonsCache(): CommonsCache {
	const lists = new Map<string, Cached<ListPage>>();
	const entries = new Map<string, Cached<Entry>>();
	return {
		getList: async (key) => lists.get(key),
		putList: async (key, value, fetchedAt) => {
			lists.delete(key);
			lists.set(key, { value, fetchedAt });
			while (lists.size > MAX_CACHED_LISTS) lists.delete(lists.keys().next().value!);
		},
		getEntry: async (id) => entries.get(id),
		putEntry: async (entry, fetchedAt) => void entries.set(entry.id, { value: entry, fetchedAt }),
		deleteEntry: async (id) => {
			entries.delete(id);
			for (const [key, kept] of lists) lists.set(key, { ...kept, value: withoutEntry(kept.value, id) });
		},
		entries: async () => [...entries.values()].map((kept) => kept.value)
	};
}
