/**
 * What this device remembers about threads, and only on this device: how many messages of a thread it has
 * shown (the read marker behind unread counts), and when the thread was last seen fully on the relay
 * (behind "pending" labels after a reload). Neither is group content, so neither is synced or sealed; both
 * live in localStorage keyed by group and doc.
 */

/** The storage the markers use: `window.localStorage` in the app, a Map-backed stand-in in tests. */
export interface MarkerStorage {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
}

/** Key prefix of read markers: `fieldbook.read.<groupId>.<docId>` → messages seen. */
export const READ_PREFIX = 'fieldbook.read.';
/** Key prefix of relay markers: `fieldbook.relayed.<groupId>.<docId>` → ms when nothing was pending. */
export const RELAYED_PREFIX = 'fieldbook.relayed.';

function readNumber(storage: MarkerStorage | undefined, key: string): number | undefined {
	try {
		const value = Number(storage?.getItem(key) ?? NaN);
		return Number.isFinite(value) && value >= 0 ? value : undefined;
	} catch {
		// Blocked storage (private mode) means "never read": counts are high but nothing breaks.
		return undefined;
	}
}

function writeNumber(storage: MarkerStorage | undefined, key: string, value: number): void {
	try {
		storage?.setItem(key, String(value));
	} catch {
		// Full or blocked storage: the marker lasts for this visit only.
	}
}

/** How many messages of a thread this device has shown, if it ever opened it. */
export function seenCount(storage: MarkerStorage | undefined, groupId: string, docId: string): number | undefined {
	return readNumber(storage, `${READ_PREFIX}${groupId}.${docId}`);
}

/** Records that the first `count` messages were shown; never moves the marker backwards. */
export function markSeen(storage: MarkerStorage | undefined, groupId: string, docId: string, count: number): boolean {
	const previous = seenCount(storage, groupId, docId);
	if (previous !== undefined && previous >= count) return false;
	writeNumber(storage, `${READ_PREFIX}${groupId}.${docId}`, count);
	return true;
}

/** Unread messages in a thread of `total` messages: the ones past the read marker. */
export function unreadCount(total: number, seen: number | undefined): number {
	return Math.max(0, total - (seen ?? 0));
}

/** The index of the first unread message, or undefined when everything was read. */
export function firstUnread(total: number, seen: number | undefined): number | undefined {
	const index = seen ?? 0;
	return index < total ? index : undefined;
}

/** When this device last saw the thread with nothing pending for the relay (ms), if ever. */
export function relayedAt(storage: MarkerStorage | undefined, groupId: string, docId: string): number | undefined {
	return readNumber(storage, `${RELAYED_PREFIX}${groupId}.${docId}`);
}

/** Records that at `time` everything this device wrote in the thread was on the relay. */
export function markRelayed(storage: MarkerStorage | undefined, groupId: string, docId: string, time: number): void {
	writeNumber(storage, `${RELAYED_PREFIX}${groupId}.${docId}`, time);
}

/**
 * Whether a message shows as pending: it is this device's, the doc still has blobs the relay lacks, and it
 * was written after the last moment everything was on the relay (older ones were confirmed then).
 */
export function isPendingMessage(
	message: { author: string; time: number },
	me: string | undefined,
	docPending: boolean,
	relayed: number | undefined
): boolean {
	return docPending && message.author === me && (relayed === undefined || message.time >= relayed);
}
