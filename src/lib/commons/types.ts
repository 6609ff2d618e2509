/**
 * The commons as the app sees it (sync-server/COMMONS.md): signed payloads, entries and summaries as the
 * relay serves them, list filters, and type guards that check every answer at the wire. Framework-free.
 */

/** Version of the payload format this app writes and reads. */
export const PAYLOAD_VERSION = 1;
/** The licences a guide can be published under; the first is the default. */
export const LICENCES = ['CC-BY-SA-4.0', 'CC-BY-4.0', 'CC0-1.0'] as const;
/** Longest summary the relay accepts. */
export const MAX_SUMMARY_LENGTH = 500;
/** Most tags per entry, and the longest tag. */
export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 40;
/** Longest publisher name. */
export const MAX_PUBLISHER_LENGTH = 100;
/** Longest campaign description and place name. */
export const MAX_DESCRIPTION_LENGTH = 10_000;
export const MAX_PLACE_LENGTH = 200;
/** Most entries one list page asks for (the relay's own maximum is 50). */
export const PAGE_SIZE = 20;

/** A licence id as the payload spells it. */
export type Licence = (typeof LICENCES)[number];
/** The two kinds of entry. */
export type EntryKind = 'guide' | 'campaign';

/** ProseMirror/TipTap JSON of a guide body. */
export interface BodyNode {
	type: string;
	attrs?: Record<string, unknown>;
	content?: BodyNode[];
	marks?: { type: string; attrs?: Record<string, unknown> }[];
	text?: string;
}

/** How to join a campaign: at least one of the two. */
export interface Join {
	contact?: string;
	url?: string;
}

/** The fields every published entry has. */
interface PayloadBase {
	v: typeof PAYLOAD_VERSION;
	id: string;
	seq: number;
	action: 'publish';
	lang: string;
	title: string;
	summary: string;
	tags: string[];
	publisher: string;
}

/** A guide as published. */
export interface GuidePayload extends PayloadBase {
	kind: 'guide';
	body: BodyNode;
	licence: Licence;
}

/** A campaign as published. */
export interface CampaignPayload extends PayloadBase {
	kind: 'campaign';
	description: string;
	place: string;
	location?: { lat: number; lon: number };
	/** An ISO date, or a wall-clock date and time (`YYYY-MM-DDTHH:mm`) in `timeZone` when that is given. */
	starts: string;
	ends?: string;
	/** IANA zone of `starts` and `ends`; present exactly when they carry a time of day. */
	timeZone?: string;
	join: Join;
}

/** What a publish or update request signs. */
export type PublishPayload = GuidePayload | CampaignPayload;

/** The only thing an unpublish request says. */
export interface UnpublishPayload {
	v: typeof PAYLOAD_VERSION;
	id: string;
	seq: number;
	action: 'unpublish';
}

/** What the relay adds to a stored entry. */
interface Served {
	publicKey: string;
	publishedAt: number;
	updatedAt: number;
}

/** A full entry as `GET /api/commons/entries/:id` serves it. */
export type Entry = (Omit<GuidePayload, 'action'> | Omit<CampaignPayload, 'action'>) & Served & { signature: string; signed: string };
/** A served entry of one kind. */
export type GuideEntry = Extract<Entry, { kind: 'guide' }>;
export type CampaignEntry = Extract<Entry, { kind: 'campaign' }>;

/** A list item: an entry without its body, description and signature. */
export type Summary =
	| (Omit<GuidePayload, 'action' | 'body'> & Served)
	| (Omit<CampaignPayload, 'action' | 'description'> & Served);

/** One page of a list. */
export interface ListPage {
	entries: Summary[];
	total: number;
	offset: number;
	limit: number;
}

/** The list filters, as the Commons screen and the query string spell them; empty strings mean unset. */
export interface ListQuery {
	q?: string;
	kind?: EntryKind | '';
	lang?: string;
	tag?: string;
	place?: string;
	from?: string;
	to?: string;
	/** A point on the 0.1° grid, `lat,lon` with one decimal each (never finer: see nearPoint). */
	near?: string;
	/** Kilometres around `near`: one of NEAR_DISTANCES_KM. */
	within?: string;
	/** Only what this publisher key published (43 base64url characters). */
	key?: string;
	offset?: number;
	limit?: number;
}

/** The distances the near filter offers, in km (the relay accepts exactly these). */
export const NEAR_DISTANCES_KM = [10, 50, 200] as const;

/** A point as the near filter sends it: each coordinate rounded on the device to one decimal (about 10 km). */
export function nearPoint(lat: number, lon: number): string {
	const grid = (value: number) => (Math.round(value * 10) / 10).toFixed(1);
	return `${grid(lat)},${grid(lon)}`;
}

/** The query string of a list request: only set filters, in a fixed order (also the offline cache key). */
export function queryString(query: ListQuery): string {
	const params = new URLSearchParams();
	for (const key of ['q', 'kind', 'lang', 'tag', 'place', 'from', 'to', 'near', 'within', 'key'] as const) {
		const value = query[key]?.trim();
		if (value) params.set(key, key === 'tag' ? value.toLowerCase() : value);
	}
	if (query.offset) params.set('offset', String(query.offset));
	params.set('limit', String(query.limit ?? PAGE_SIZE));
	return params.toString();
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function isCommon(value: Record<string, unknown>): boolean {
	return (
		isString(value.id) &&
		isNumber(value.seq) &&
		isString(value.title) &&
		isString(value.lang) &&
		(value.summary === undefined || isString(value.summary)) &&
		Array.isArray(value.tags) &&
		value.tags.every(isString) &&
		isString(value.publisher) &&
		isString(value.publicKey) &&
		isNumber(value.publishedAt) &&
		isNumber(value.updatedAt) &&
		(value.kind === 'guide' || value.kind === 'campaign')
	);
}

/** A list item from the relay, checked field by field (malformed ones are dropped by the client). */
export function isSummary(value: unknown): value is Summary {
	if (!isRecord(value) || !isCommon(value)) return false;
	if (value.kind === 'guide') return isString(value.licence);
	return (
		isString(value.place) &&
		isString(value.starts) &&
		(value.ends === undefined || isString(value.ends)) &&
		(value.timeZone === undefined || isString(value.timeZone)) &&
		(value.join === undefined || isRecord(value.join))
	);
}

/** A full entry from the relay, checked field by field. */
export function isEntry(value: unknown): value is Entry {
	if (!isSummary(value)) return false;
	const record = value as unknown as Record<string, unknown>;
	if (value.kind === 'guide') return isRecord(record.body) && record.body.type === 'doc';
	return isString(record.description) && isRecord(record.join);
}

/** Whether a join link may be shown as a link: only web addresses, never `javascript:` or `data:`. */
export function safeWebUrl(value: string | undefined): string | undefined {
	if (!value) return undefined;
	try {
		const url = new URL(value);
		return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
	} catch {
		return undefined;
	}
}

/** Normalises tags as published: trimmed, lowercased, unique, within the limits. */
export function cleanTags(tags: readonly string[]): string[] {
	const out: string[] = [];
	for (const tag of tags) {
		const clean = tag.trim().toLowerCase().slice(0, MAX_TAG_LENGTH);
		if (clean && !out.includes(clean)) out.push(clean);
		if (out.length === MAX_TAGS) break;
	}
	return out;
}
