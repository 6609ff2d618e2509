/**
 * The commons as the screens use it: the client at the app's own origin and the offline copy, joined. Every
 * list and entry is fetched fresh when the relay answers and kept; when it does not, the kept copy is shown
 * with its age. Loaded only by the commons screens and the publish dialog. Framework-free.
 */
import { memoryCommonsCache, readThrough, type CommonsCache, type Fetched } from './cache';
import { commonsClient, CommonsError, type CommonsClient } from './client';
import { queryString, type Entry, type ListPage, type ListQuery } from './types';
import { deviceReportStore, rememberReported, reporterId, type ReportStore } from './reports';
import { hasLocalData } from '../storage/presence';
import { isVerifiedEntry } from './verify';

let client: CommonsClient | undefined;
let cache: CommonsCache | undefined;

/** The app's commons client (the relay that serves the app). */
export function commons(): CommonsClient {
	client ??= commonsClient();
	return client;
}

let visitCopy: CommonsCache | undefined;

/**
 * The offline copy: in IndexedDB once this browser uses Fieldbook (its catalogue exists), else for this visit
 * only, so that someone opening a shared link loads no database code at all.
 */
async function offlineCopy(): Promise<CommonsCache> {
	if (cache) return cache;
	if (!(await hasLocalData())) return (visitCopy ??= memoryCommonsCache());
	try {
		const { indexedDbCommonsCache } = await import('../storage/commons-cache');
		cache = indexedDbCommonsCache();
	} catch {
		// No IndexedDB (a locked-down browser): keep copies for this visit only.
		cache = visitCopy ??= memoryCommonsCache();
	}
	return cache;
}

/** One page of the list for a query, fresh or as last kept. */
export async function listEntries(query: ListQuery): Promise<Fetched<ListPage>> {
	const key = queryString(query);
	const kept = await offlineCopy();
	return readThrough(() => commons().list(query), () => kept.getList(key), (page, at) => kept.putList(key, page, at));
}

/** Answers after which an entry is gone from the commons for this device: forget the kept copy. */
const GONE: ReadonlySet<string> = new Set(['unpublished', 'hidden', 'not_found', 'forged']);

/** One entry, fresh or as last viewed; an entry the relay says is gone is forgotten here too. */
export async function readEntry(id: string): Promise<Fetched<Entry>> {
	const kept = await offlineCopy();
	try {
		// A copy kept by an older version was never checked: it is read only when its signature holds.
		const keptVerified = async () => {
			const copy = await kept.getEntry(id);
			return copy && (await isVerifiedEntry(copy.value)) ? copy : undefined;
		};
		return await readThrough(() => commons().get(id), keptVerified, (entry, at) => kept.putEntry(entry, at));
	} catch (error) {
		if (error instanceof CommonsError && GONE.has(error.code)) await kept.deleteEntry(id).catch(() => undefined);
		throw error;
	}
}

/** Every entry kept on this device, for offline search; none when the copy cannot be read. */
export async function keptEntries(): Promise<Entry[]> {
	const entries = await (await offlineCopy()).entries().catch(() => []);
	const verified = await Promise.all(entries.map(isVerifiedEntry));
	return entries.filter((_, index) => verified[index]);
}

/**
 * Reports an entry with this device's reporter id and remembers it was reported. When the report hides the
 * entry, or the relay says it is gone, the offline copy forgets it. Throws `CommonsError` as the client does.
 */
export async function reportEntry(id: string, reason: string, store: ReportStore = deviceReportStore()): Promise<{ hidden: boolean }> {
	try {
		const outcome = await commons().report(id, reason, reporterId(store));
		rememberReported(store, id);
		if (outcome.hidden) await (await offlineCopy()).deleteEntry(id).catch(() => undefined);
		return outcome;
	} catch (error) {
		if (error instanceof CommonsError && GONE.has(error.code)) await (await offlineCopy()).deleteEntry(id).catch(() => undefined);
		throw error;
	}
}

export { CommonsError };
