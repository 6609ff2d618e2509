/**
 * An action's inner document, framework-free: its fields in `Y.Map('fields')`, linked guide doc ids in
 * `Y.Array('guides')`, and who answered "are you coming?": `Y.Map('rsvps')` holds those going (device public
 * key → {name, time}), as it always has, so older versions still count them; `Y.Map('rsvpOther')` holds the
 * other answers (key → {name, time, status}). Keyed by public key, an answer is one device's own entry:
 * changing it never conflicts with anyone else's.
 */
import * as Y from 'yjs';
import { isTimeZone, parseLocal, zonedToEpoch } from './time';

/** Shared type names inside an action doc. */
export const FIELDS = 'fields';
export const GUIDES = 'guides';
export const RSVPS = 'rsvps';
/** Answers other than "going", kept apart so versions that only know `rsvps` never count them as coming. */
export const RSVP_OTHER = 'rsvpOther';

/** Longest title kept. */
export const MAX_TITLE_LENGTH = 200;
/** Longest free text (description, place, call to action) kept. */
export const MAX_TEXT_LENGTH = 5_000;

/** What an action says: text fields, and its start and end as wall-clock times in its zone. */
export interface ActionFields {
	title: string;
	description: string;
	/** `datetime-local` value (`YYYY-MM-DDTHH:mm`) in `timeZone`. */
	starts: string;
	/** Same form as `starts`; empty when open-ended. */
	ends: string;
	/** IANA zone name, e.g. `Europe/Stockholm`. */
	timeZone: string;
	/** The venue as typed (a square, an address); free text, as before places could be picked. */
	place: string;
	callToAction: string;
	/** The town picked from the gazetteer, on the 0.1° grid; undefined when none was picked. */
	location?: PlaceRef;
}

/** A picked place as an action keeps it: its name, country and a point on the 0.1° grid. */
export interface PlaceRef {
	name: string;
	country: string;
	lat: number;
	lon: number;
}

/** Reads a stored place, rounding it to the grid again whatever another device wrote. */
function readPlace(value: unknown): PlaceRef | undefined {
	const place = value as Partial<PlaceRef> | null | undefined;
	if (!place || typeof place.name !== 'string' || typeof place.lat !== 'number' || typeof place.lon !== 'number') return undefined;
	if (!Number.isFinite(place.lat) || !Number.isFinite(place.lon) || Math.abs(place.lat) > 90 || Math.abs(place.lon) > 180) return undefined;
	return { name: place.name.slice(0, MAX_TEXT_LENGTH), country: typeof place.country === 'string' ? place.country : '', lat: Math.round(place.lat * 10) / 10, lon: Math.round(place.lon * 10) / 10 };
}

/** An answer to "are you coming?". */
export type RsvpStatus = 'going' | 'maybe' | 'notGoing';

/** The answers in the order the action screen offers them. */
export const RSVP_STATUSES: readonly RsvpStatus[] = ['going', 'maybe', 'notGoing'];

function isRsvpStatus(value: unknown): value is RsvpStatus {
	return typeof value === 'string' && (RSVP_STATUSES as readonly string[]).includes(value);
}

/** Someone who answered. */
export interface Rsvp {
	publicKey: string;
	name: string;
	/** ms since epoch when they last answered. */
	time: number;
	status: RsvpStatus;
}

/** Why a form cannot be saved, field by field. */
export type ActionProblem = 'titleMissing' | 'startsInvalid' | 'endsInvalid' | 'endsBeforeStarts' | 'timeZoneInvalid';

const TEXT_KEYS = ['title', 'description', 'starts', 'ends', 'timeZone', 'place', 'callToAction'] as const;

/** Checks a form before saving; an empty list means it can be saved. */
export function validateAction(fields: ActionFields): ActionProblem[] {
	const problems: ActionProblem[] = [];
	if (!fields.title.trim()) problems.push('titleMissing');
	if (!isTimeZone(fields.timeZone)) problems.push('timeZoneInvalid');
	if (!parseLocal(fields.starts)) problems.push('startsInvalid');
	if (fields.ends && !parseLocal(fields.ends)) problems.push('endsInvalid');
	if (!problems.length && fields.ends) {
		const starts = zonedToEpoch(fields.starts, fields.timeZone) ?? 0;
		const ends = zonedToEpoch(fields.ends, fields.timeZone) ?? 0;
		if (ends < starts) problems.push('endsBeforeStarts');
	}
	return problems;
}

function clean(fields: Partial<ActionFields>): Partial<ActionFields> {
	const result: Partial<ActionFields> = {};
	for (const key of TEXT_KEYS) {
		const value = fields[key];
		if (typeof value !== 'string') continue;
		result[key] = value.trim().slice(0, key === 'title' ? MAX_TITLE_LENGTH : MAX_TEXT_LENGTH);
	}
	return result;
}

/** Fills a new action doc. Run inside `vault.create`. */
export function initAction(doc: Y.Doc, fields: ActionFields, guides: string[] = []): void {
	doc.transact(() => {
		updateAction(doc, fields);
		setGuides(doc, guides);
	});
}

/** Writes the fields that changed (unchanged ones are left alone so concurrent edits of others survive). */
export function updateAction(doc: Y.Doc, patch: Partial<ActionFields>): void {
	const map = doc.getMap<unknown>(FIELDS);
	doc.transact(() => {
		for (const [key, value] of Object.entries(clean(patch))) if (map.get(key) !== value) map.set(key, value);
		if ('location' in patch) {
			const place = readPlace(patch.location);
			if (!place) {
				if (map.has(LOCATION)) map.delete(LOCATION);
			} else if (JSON.stringify(readPlace(map.get(LOCATION))) !== JSON.stringify(place)) map.set(LOCATION, place);
		}
	});
}

/** The key of the picked place in the fields map. */
const LOCATION = 'location';

/** Reads the fields; missing or malformed ones read as empty. */
export function readAction(doc: Y.Doc): ActionFields {
	const map = doc.getMap<unknown>(FIELDS);
	const text = (key: string) => {
		const value = map.get(key);
		return typeof value === 'string' ? value : '';
	};
	return {
		title: text('title'),
		description: text('description'),
		starts: text('starts'),
		ends: text('ends'),
		timeZone: text('timeZone') || 'UTC',
		place: text('place'),
		callToAction: text('callToAction'),
		...(readPlace(map.get(LOCATION)) ? { location: readPlace(map.get(LOCATION)) } : {})
	};
}

/** The absolute start (ms) for the doc index, or undefined when the fields do not give one. */
export function startsAt(fields: Pick<ActionFields, 'starts' | 'timeZone'>): number | undefined {
	return zonedToEpoch(fields.starts, fields.timeZone);
}

/** The absolute end (ms), if the action has one. */
export function endsAt(fields: Pick<ActionFields, 'ends' | 'timeZone'>): number | undefined {
	return fields.ends ? zonedToEpoch(fields.ends, fields.timeZone) : undefined;
}

/** Linked guide ids, in the order they were linked, without duplicates. */
export function readGuides(doc: Y.Doc): string[] {
	return [...new Set(doc.getArray<unknown>(GUIDES).toArray().filter((id): id is string => typeof id === 'string'))];
}

/** Makes the linked guides exactly `ids`: removes the others, appends the new ones. */
export function setGuides(doc: Y.Doc, ids: string[]): void {
	const array = doc.getArray<string>(GUIDES);
	const wanted = new Set(ids);
	doc.transact(() => {
		const current = array.toArray();
		for (let index = current.length - 1; index >= 0; index--) if (!wanted.has(current[index]!)) array.delete(index, 1);
		const kept = new Set(array.toArray());
		const added = ids.filter((id) => !kept.has(id));
		if (added.length) array.push(added);
	});
}

/** Everyone who answered, in the order they last did; a device found in both maps counts by its later answer. */
export function readRsvps(doc: Y.Doc): Rsvp[] {
	const answers = new Map<string, Rsvp>();
	const read = (name: string, fallback: RsvpStatus | undefined) => {
		for (const [publicKey, value] of doc.getMap<unknown>(name).entries()) {
			const entry = value as { name?: unknown; time?: unknown; status?: unknown } | null;
			if (!entry || typeof entry.name !== 'string' || typeof entry.time !== 'number') continue;
			const status = fallback ?? entry.status;
			// An answer this version does not know is skipped rather than counted as something it is not.
			if (!isRsvpStatus(status) || (fallback === undefined && status === 'going')) continue;
			const known = answers.get(publicKey);
			if (!known || known.time < entry.time) answers.set(publicKey, { publicKey, name: entry.name, time: entry.time, status });
		}
	};
	read(RSVPS, 'going');
	read(RSVP_OTHER, undefined);
	return [...answers.values()].sort((a, b) => a.time - b.time || a.publicKey.localeCompare(b.publicKey));
}

/** The answers grouped by status, each in the order given. */
export function rsvpsByStatus(rsvps: readonly Rsvp[]): Record<RsvpStatus, Rsvp[]> {
	const grouped: Record<RsvpStatus, Rsvp[]> = { going: [], maybe: [], notGoing: [] };
	for (const rsvp of rsvps) grouped[rsvp.status].push(rsvp);
	return grouped;
}

/**
 * Records this device's answer, moving its entry between the two maps. Choosing the answer already given
 * changes nothing: there is no silent withdrawal, only another answer.
 */
export function setRsvp(doc: Y.Doc, me: { publicKey: string; name: string }, status: RsvpStatus, time = Date.now()): void {
	const going = doc.getMap<{ name: string; time: number }>(RSVPS);
	const other = doc.getMap<{ name: string; time: number; status: RsvpStatus }>(RSVP_OTHER);
	const current = readRsvps(doc).find((rsvp) => rsvp.publicKey === me.publicKey);
	if (current && current.status === status && current.name === me.name) return;
	doc.transact(() => {
		if (status === 'going') {
			other.delete(me.publicKey);
			going.set(me.publicKey, { name: me.name, time });
		} else {
			going.delete(me.publicKey);
			other.set(me.publicKey, { name: me.name, time, status });
		}
	});
}
