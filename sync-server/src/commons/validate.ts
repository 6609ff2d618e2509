/**
 * Validation of commons requests at the wire (COMMONS.md): signed envelopes, publish and unpublish
 * payloads, reports, decisions and list filters. Every refusal is an InvalidRequest whose message names the
 * field, answered as `400 invalid`. Lengths count Unicode code points.
 */
import {
	COMMONS_LICENCES,
	type BodyNode,
	type CampaignPayload,
	type CommonsFilter,
	type CommonsKind,
	type Decision,
	type GuidePayload,
	type PublishPayload,
	type UnpublishPayload
} from './types.js';

/** Payload format version this relay accepts. */
export const PAYLOAD_VERSION = 1;
/** Longest title. */
export const MAX_TITLE_CHARS = 200;
/** Longest summary (may be empty). */
export const MAX_SUMMARY_CHARS = 500;
/** Most tags, and the longest tag. */
export const MAX_TAGS = 10;
export const MAX_TAG_CHARS = 40;
/** Longest publisher display name. */
export const MAX_PUBLISHER_CHARS = 100;
/** Longest campaign description (plain text, may be empty). */
export const MAX_DESCRIPTION_CHARS = 10_000;
/** Longest place name. */
export const MAX_PLACE_CHARS = 200;
/** Longest join contact and join URL. */
export const MAX_CONTACT_CHARS = 200;
export const MAX_URL_CHARS = 2_000;
/** Deepest guide body tree; real documents nest a few levels, and text extraction walks every level. */
export const MAX_BODY_DEPTH = 100;
/** Deepest JSON nesting of a whole payload (a body level is two: node and content array), so no served
 * entry can exhaust a recursive JSON.stringify in the relay or the app. */
export const MAX_JSON_DEPTH = 2 * MAX_BODY_DEPTH + 16;
/** Longest report reason, and the length range of a reporter id. */
export const MAX_REASON_CHARS = 500;
export const MIN_REPORTER_CHARS = 8;
export const MAX_REPORTER_CHARS = 64;
/** Longest free-text query. */
export const MAX_QUERY_CHARS = 200;
/** List page size: default and maximum. */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 50;
/** The distances a `near` filter may ask for, in km (the app offers exactly these). */
export const NEAR_DISTANCES_KM = [10, 50, 200] as const;
/** A point on the 0.1° grid: at most one decimal. */
const GRID_POINT = /^(-?\d{1,3}(?:\.\d)?),(-?\d{1,3}(?:\.\d)?)$/;
/** Largest list offset; deeper pages are better reached by narrowing the filters. */
export const MAX_OFFSET = 10_000;

/** A publisher key in a filter: 32 bytes as unpadded base64url. */
const PUBLIC_KEY = /^[A-Za-z0-9_-]{43}$/;
/** An id: 16 random bytes as unpadded base64url. */
const ENTRY_ID = /^[A-Za-z0-9_-]{22}$/;
const LANG = /^[a-z]{2,3}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A campaign time of day as the organiser set it: a wall-clock time, read in the payload's `timeZone`. */
const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d$/;
/** Longest IANA zone name (the longest real one is 30 characters). */
export const MAX_TIME_ZONE_CHARS = 64;

/** A request the relay refuses as `400 invalid`; the message names the field. */
export class InvalidRequest extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'InvalidRequest';
	}
}

type Fields = Record<string, unknown>;

const chars = (text: string) => [...text].length;

function isRecord(value: unknown): value is Fields {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, name: string): Fields {
	if (!isRecord(value)) throw new InvalidRequest(`${name} must be a JSON object`);
	return value;
}

function onlyKeys(value: Fields, allowed: readonly string[], name: string): void {
	for (const key of Object.keys(value)) {
		if (!allowed.includes(key)) throw new InvalidRequest(`${name}.${key} is not a known field`);
	}
}

function text(value: unknown, name: string, min: number, max: number): string {
	if (typeof value !== 'string') throw new InvalidRequest(`${name} must be a string`);
	const length = chars(value);
	if (length < min || length > max) {
		throw new InvalidRequest(min > 0 ? `${name} must be ${min}–${max} characters` : `${name} must be at most ${max} characters`);
	}
	if (min > 0 && value.trim() === '') throw new InvalidRequest(`${name} must not be blank`);
	return value;
}

function isoDate(value: unknown, name: string): string {
	if (typeof value !== 'string' || !ISO_DATE.test(value)) throw new InvalidRequest(`${name} must be an ISO date (YYYY-MM-DD)`);
	const time = Date.parse(`${value}T00:00:00Z`);
	if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== value) {
		throw new InvalidRequest(`${name} is not a calendar date`);
	}
	return value;
}

/** Whether the runtime knows an IANA zone name (Node ships the full zone data). */
function isTimeZone(zone: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

/** A campaign start or end: an ISO date, or a date and time of day (`YYYY-MM-DDTHH:mm`) when `timed`. */
function campaignTime(value: unknown, name: string, timed: boolean): string {
	if (!timed) return isoDate(value, name);
	const match = typeof value === 'string' ? LOCAL_TIME.exec(value) : null;
	if (!match) throw new InvalidRequest(`${name} must be a date and time of day (YYYY-MM-DDTHH:mm) when payload.timeZone is given`);
	isoDate(match[1], name);
	return value as string;
}

/** Whether `id` has the form of an entry id. */
export function isEntryId(id: string): boolean {
	return ENTRY_ID.test(id);
}

/** The fields of a signed request body: `{ payload, publicKey, signature }`. */
export function parseSignedRequest(body: unknown): { payload: string; publicKey: string; signature: string } {
	const value = record(body, 'the body');
	onlyKeys(value, ['payload', 'publicKey', 'signature'], 'body');
	if (typeof value.payload !== 'string') throw new InvalidRequest('payload must be the payload as a JSON string');
	if (typeof value.publicKey !== 'string') throw new InvalidRequest('publicKey must be a string');
	if (typeof value.signature !== 'string') throw new InvalidRequest('signature must be a string');
	return { payload: value.payload, publicKey: value.publicKey, signature: value.signature };
}

function common(value: Fields, action: 'publish' | 'unpublish'): { id: string; seq: number } {
	if (value.v !== PAYLOAD_VERSION) throw new InvalidRequest(`payload.v must be ${PAYLOAD_VERSION}`);
	if (typeof value.id !== 'string' || !isEntryId(value.id)) throw new InvalidRequest('payload.id must be 22 base64url characters');
	if (typeof value.seq !== 'number' || !Number.isSafeInteger(value.seq) || value.seq < 1) {
		throw new InvalidRequest('payload.seq must be a whole number of at least 1');
	}
	if (value.action !== action) throw new InvalidRequest(`payload.action must be "${action}" here`);
	return { id: value.id, seq: value.seq };
}

const BASE_KEYS = ['v', 'id', 'seq', 'action', 'kind', 'lang', 'title', 'summary', 'tags', 'publisher'] as const;
const GUIDE_KEYS = [...BASE_KEYS, 'body', 'licence'] as const;
const CAMPAIGN_KEYS = [...BASE_KEYS, 'description', 'place', 'location', 'starts', 'ends', 'timeZone', 'join'] as const;

/** A ProseMirror JSON tree: nodes with a string type, optional content, text, marks and attrs. */
function body(value: unknown): BodyNode {
	const root = record(value, 'payload.body');
	if (root.type !== 'doc') throw new InvalidRequest('payload.body.type must be "doc"');
	// Iterative, so a deep tree cannot exhaust the stack.
	const stack: { node: unknown; path: string; depth: number }[] = [{ node: root, path: 'payload.body', depth: 0 }];
	while (stack.length > 0) {
		const { node, path, depth } = stack.pop()!;
		if (depth > MAX_BODY_DEPTH) throw new InvalidRequest(`payload.body nests deeper than ${MAX_BODY_DEPTH} levels`);
		const fields = record(node, path);
		onlyKeys(fields, ['type', 'attrs', 'content', 'marks', 'text'], path);
		if (typeof fields.type !== 'string' || fields.type === '') throw new InvalidRequest(`${path}.type must be a node type`);
		if (fields.text !== undefined && typeof fields.text !== 'string') throw new InvalidRequest(`${path}.text must be a string`);
		if (fields.attrs !== undefined && !isRecord(fields.attrs)) throw new InvalidRequest(`${path}.attrs must be an object`);
		if (fields.marks !== undefined) {
			if (!Array.isArray(fields.marks)) throw new InvalidRequest(`${path}.marks must be an array`);
			fields.marks.forEach((mark: unknown, index) => {
				if (!isRecord(mark) || typeof mark.type !== 'string') throw new InvalidRequest(`${path}.marks[${index}] must be a mark with a type`);
			});
		}
		if (fields.content !== undefined) {
			if (!Array.isArray(fields.content)) throw new InvalidRequest(`${path}.content must be an array`);
			fields.content.forEach((child: unknown, index) => stack.push({ node: child, path: `${path}.content[${index}]`, depth: depth + 1 }));
		}
	}
	return root as unknown as BodyNode;
}

function location(value: unknown): { lat: number; lon: number } {
	const fields = record(value, 'payload.location');
	onlyKeys(fields, ['lat', 'lon'], 'payload.location');
	for (const [key, max] of [['lat', 90], ['lon', 180]] as const) {
		const coordinate = fields[key];
		if (typeof coordinate !== 'number' || !Number.isFinite(coordinate) || Math.abs(coordinate) > max) {
			throw new InvalidRequest(`payload.location.${key} must be a number between -${max} and ${max}`);
		}
		// The relay stores the signed string as it came, so it cannot round: finer places are refused.
		if (Math.round(coordinate * 10) / 10 !== coordinate) {
			throw new InvalidRequest(`payload.location.${key} must be rounded to 1 decimal`);
		}
	}
	return { lat: fields.lat as number, lon: fields.lon as number };
}

function join(value: unknown): CampaignPayload['join'] {
	const fields = record(value, 'payload.join');
	onlyKeys(fields, ['contact', 'url'], 'payload.join');
	if (fields.contact === undefined && fields.url === undefined) throw new InvalidRequest('payload.join needs a contact or a url');
	if (fields.contact !== undefined) text(fields.contact, 'payload.join.contact', 1, MAX_CONTACT_CHARS);
	if (fields.url !== undefined) {
		const url = text(fields.url, 'payload.join.url', 1, MAX_URL_CHARS);
		let protocol: string;
		try {
			protocol = new URL(url).protocol;
		} catch {
			throw new InvalidRequest('payload.join.url must be a web address');
		}
		if (protocol !== 'https:' && protocol !== 'http:') throw new InvalidRequest('payload.join.url must start with https: or http:');
	}
	return fields as CampaignPayload['join'];
}

/** Whether a parsed JSON value nests at most `max` levels of arrays and objects (checked iteratively). */
function withinDepth(root: unknown, max: number): boolean {
	const stack: [unknown, number][] = [[root, 1]];
	while (stack.length > 0) {
		const [value, depth] = stack.pop()!;
		if (typeof value !== 'object' || value === null) continue;
		if (depth > max) return false;
		for (const child of Object.values(value)) stack.push([child, depth + 1]);
	}
	return true;
}

/** A publish payload (a guide or a campaign), checked field by field. */
export function validatePublish(parsed: unknown): PublishPayload {
	const value = record(parsed, 'payload');
	common(value, 'publish');
	const kind = value.kind as CommonsKind;
	if (kind !== 'guide' && kind !== 'campaign') throw new InvalidRequest('payload.kind must be "guide" or "campaign"');
	onlyKeys(value, kind === 'guide' ? GUIDE_KEYS : CAMPAIGN_KEYS, 'payload');
	if (typeof value.lang !== 'string' || !LANG.test(value.lang)) throw new InvalidRequest('payload.lang must be 2–3 lowercase letters');
	text(value.title, 'payload.title', 1, MAX_TITLE_CHARS);
	text(value.summary, 'payload.summary', 0, MAX_SUMMARY_CHARS);
	if (!Array.isArray(value.tags) || value.tags.length > MAX_TAGS) throw new InvalidRequest(`payload.tags must be a list of at most ${MAX_TAGS} tags`);
	value.tags.forEach((tag: unknown, index) => text(tag, `payload.tags[${index}]`, 1, MAX_TAG_CHARS));
	text(value.publisher, 'payload.publisher', 1, MAX_PUBLISHER_CHARS);
	if (kind === 'guide') {
		body(value.body);
		if (!(COMMONS_LICENCES as readonly unknown[]).includes(value.licence)) {
			throw new InvalidRequest(`payload.licence must be one of ${COMMONS_LICENCES.join(', ')}`);
		}
		// Node attrs are free-form; this bounds them (checked last, so a deep body gets the body's message).
		if (!withinDepth(value, MAX_JSON_DEPTH)) throw new InvalidRequest(`payload nests deeper than ${MAX_JSON_DEPTH} levels`);
		return value as unknown as GuidePayload;
	}
	text(value.description, 'payload.description', 0, MAX_DESCRIPTION_CHARS);
	text(value.place, 'payload.place', 1, MAX_PLACE_CHARS);
	if (value.location !== undefined) location(value.location);
	const timed = value.timeZone !== undefined;
	if (timed && (typeof value.timeZone !== 'string' || value.timeZone.length > MAX_TIME_ZONE_CHARS || !isTimeZone(value.timeZone))) {
		throw new InvalidRequest('payload.timeZone must be an IANA time zone name such as Europe/Stockholm');
	}
	const starts = campaignTime(value.starts, 'payload.starts', timed);
	// Both are wall-clock times in one zone, so their text order is their time order (a daylight-saving
	// change between them moves both the same way).
	if (value.ends !== undefined && campaignTime(value.ends, 'payload.ends', timed) < starts) {
		throw new InvalidRequest('payload.ends must not be before payload.starts');
	}
	join(value.join);
	return value as unknown as CampaignPayload;
}

/** An unpublish payload: exactly `v`, `id`, `seq` and `action`. */
export function validateUnpublish(parsed: unknown): UnpublishPayload {
	const value = record(parsed, 'payload');
	onlyKeys(value, ['v', 'id', 'seq', 'action'], 'payload');
	const { id, seq } = common(value, 'unpublish');
	return { v: PAYLOAD_VERSION, id, seq, action: 'unpublish' };
}

/** A report body: `{ reason, reporter }`. */
export function validateReport(body: unknown): { reason: string; reporter: string } {
	const value = record(body, 'the body');
	onlyKeys(value, ['reason', 'reporter'], 'body');
	const reason = text(value.reason, 'reason', 0, MAX_REASON_CHARS);
	const reporter = text(value.reporter, 'reporter', MIN_REPORTER_CHARS, MAX_REPORTER_CHARS);
	return { reason, reporter };
}

/** An admin decision body: `{ decision: "restore" | "remove" }`. */
export function validateDecision(body: unknown): Decision {
	const value = record(body, 'the body');
	onlyKeys(value, ['decision'], 'body');
	if (value.decision !== 'restore' && value.decision !== 'remove') throw new InvalidRequest('decision must be "restore" or "remove"');
	return value.decision;
}

/** The list filters of a query string; an empty value means the filter is not set, unknown parameters are ignored. */
export function parseFilter(params: URLSearchParams): CommonsFilter {
	const get = (name: string) => {
		const value = params.get(name)?.trim();
		return value === '' ? undefined : value;
	};
	const filter: CommonsFilter = { offset: 0, limit: DEFAULT_LIMIT };
	const q = get('q');
	if (q !== undefined) filter.q = text(q, 'q', 1, MAX_QUERY_CHARS);
	const kind = get('kind');
	if (kind !== undefined) {
		if (kind !== 'guide' && kind !== 'campaign') throw new InvalidRequest('kind must be "guide" or "campaign"');
		filter.kind = kind;
	}
	const lang = get('lang')?.toLowerCase();
	if (lang !== undefined) {
		if (!LANG.test(lang)) throw new InvalidRequest('lang must be a 2–3 letter language code');
		filter.lang = lang;
	}
	const tag = get('tag');
	if (tag !== undefined) filter.tag = text(tag, 'tag', 1, MAX_TAG_CHARS);
	const key = get('key');
	if (key !== undefined) {
		if (!PUBLIC_KEY.test(key)) throw new InvalidRequest('key must be a publisher key: 43 base64url characters');
		filter.key = key;
	}
	const place = get('place');
	if (place !== undefined) filter.place = text(place, 'place', 1, MAX_PLACE_CHARS);
	const from = get('from');
	if (from !== undefined) filter.from = isoDate(from, 'from');
	const to = get('to');
	if (to !== undefined) filter.to = isoDate(to, 'to');
	if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) throw new InvalidRequest('from must not be after to');
	const near = get('near');
	const within = get('within');
	if (near !== undefined || within !== undefined) {
		const point = GRID_POINT.exec(near ?? '');
		const lat = Number(point?.[1]);
		const lon = Number(point?.[2]);
		if (!point || Math.abs(lat) > 90 || Math.abs(lon) > 180) throw new InvalidRequest('near must be "lat,lon" rounded to 1 decimal (about 10 km)');
		const km = Number(within);
		if (!(NEAR_DISTANCES_KM as readonly number[]).includes(km)) throw new InvalidRequest(`within must be one of ${NEAR_DISTANCES_KM.join(', ')} (km)`);
		filter.near = { lat, lon, km };
	}
	const offset = get('offset');
	if (offset !== undefined) {
		if (!/^\d+$/.test(offset) || Number(offset) > MAX_OFFSET) throw new InvalidRequest(`offset must be a whole number from 0 to ${MAX_OFFSET}`);
		filter.offset = Number(offset);
	}
	const limit = get('limit');
	if (limit !== undefined) {
		if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT) {
			throw new InvalidRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`);
		}
		filter.limit = Number(limit);
	}
	return filter;
}

/** Plain text of a ProseMirror JSON tree for search: its `text` nodes in document order, separated by spaces. */
export function bodyText(root: BodyNode): string {
	const parts: string[] = [];
	const stack: BodyNode[] = [root];
	while (stack.length > 0) {
		const node = stack.pop()!;
		if (typeof node.text === 'string') parts.push(node.text);
		if (Array.isArray(node.content)) for (let index = node.content.length - 1; index >= 0; index--) stack.push(node.content[index]!);
	}
	return parts.join(' ');
}
