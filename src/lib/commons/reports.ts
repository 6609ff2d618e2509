/**
 * What this device remembers about commons reports: a random reporter id of its own (never the identity
 * key, so reports cannot be linked to the person's groups) and which entries it already reported, so an
 * entry is reported once per device. Kept in localStorage. Framework-free.
 */

/** Where the reporter id is kept. */
export const REPORTER_KEY = 'fieldbook.commons.reporter';

/** Where the ids of reported entries are kept (a JSON array, newest last). */
export const REPORTED_KEY = 'fieldbook.commons.reported';

/** The relay's limit on a report's reason (COMMONS.md). */
export const MAX_REASON_LENGTH = 500;

/** Reporter ids are 16 random bytes, like entry ids: unguessable, within the relay's 8–64 characters. */
export const REPORTER_ID_BYTES = 16;

/** Most reported ids remembered; the oldest are forgotten first, so the list cannot grow without end. */
export const MAX_REMEMBERED_REPORTS = 1_000;

/** The part of `Storage` this needs. */
export type ReportStore = Pick<Storage, 'getItem' | 'setItem'>;

let fallback: ReportStore | undefined;

/** The device's localStorage, or a memory for this visit where the browser refuses it. */
export function deviceReportStore(): ReportStore {
	try {
		if (globalThis.localStorage) return globalThis.localStorage;
	} catch {
		// Storage blocked (a locked-down browser): reports still work, remembered for this visit only.
	}
	if (!fallback) {
		const items = new Map<string, string>();
		fallback = { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
	}
	return fallback;
}

function base64url(bytes: Uint8Array): string {
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** This device's reporter id, made on first use. */
export function reporterId(store: ReportStore): string {
	const kept = store.getItem(REPORTER_KEY);
	if (kept && /^[A-Za-z0-9_-]{8,64}$/.test(kept)) return kept;
	const id = base64url(crypto.getRandomValues(new Uint8Array(REPORTER_ID_BYTES)));
	store.setItem(REPORTER_KEY, id);
	return id;
}

function reportedIds(store: ReportStore): string[] {
	try {
		const value: unknown = JSON.parse(store.getItem(REPORTED_KEY) ?? '[]');
		return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string') : [];
	} catch {
		return [];
	}
}

/** Whether this device already reported the entry. */
export function hasReported(store: ReportStore, id: string): boolean {
	return reportedIds(store).includes(id);
}

/** Remembers that this device reported the entry. */
export function rememberReported(store: ReportStore, id: string): void {
	const ids = reportedIds(store).filter((kept) => kept !== id);
	ids.push(id);
	store.setItem(REPORTED_KEY, JSON.stringify(ids.slice(-MAX_REMEMBERED_REPORTS)));
}
