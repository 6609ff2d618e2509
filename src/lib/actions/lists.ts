/** Upcoming and past actions from the doc index alone, without opening any action. */
import type { DocIndexEntry } from '../sync/api';

/**
 * How long after its start an action still counts as upcoming. The index knows only the start; an action
 * that began this morning is still on today, so it stays with the upcoming ones for the rest of the day.
 */
export const ONGOING_MS = 12 * 60 * 60 * 1000;

/** An action from the index, with its id. */
export interface ActionEntry {
	docId: string;
	title: string;
	starts: number;
}

/** Splits a group's live actions into upcoming (soonest first) and past (latest first). */
export function splitActions(entries: Iterable<[string, DocIndexEntry]>, now: number): { upcoming: ActionEntry[]; past: ActionEntry[] } {
	const upcoming: ActionEntry[] = [];
	const past: ActionEntry[] = [];
	for (const [docId, entry] of entries) {
		if (entry?.type !== 'action' || entry.deleted || typeof entry.starts !== 'number') continue;
		const item = { docId, title: entry.title, starts: entry.starts };
		(entry.starts + ONGOING_MS >= now ? upcoming : past).push(item);
	}
	upcoming.sort((a, b) => a.starts - b.starts || a.docId.localeCompare(b.docId));
	past.sort((a, b) => b.starts - a.starts || a.docId.localeCompare(b.docId));
	return { upcoming, past };
}
