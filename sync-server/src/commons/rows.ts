/**
 * The row shape both commons stores keep (SQLite and PostgreSQL) and how an entry, a list item and the
 * admin's list are made from it, so the two stores answer with the same objects.
 */
import type { CommonsEntry, CommonsKind, CommonsSummary, Moderation, PublishWrite, ReportedEntry } from './types.js';

/** One stored id: `state` is 'published' or 'unpublished' (a tombstone keeps key, kind and seq). */
export interface EntryRow {
	n: number;
	id: string;
	public_key: string;
	kind: CommonsKind;
	seq: number;
	state: 'published' | 'unpublished';
	moderation: Moderation;
	signed: string | null;
	signature: string | null;
	summary: string | null;
	published_at: number | null;
	updated_at: number | null;
}

/** The list item of a row. */
export function summaryOf(row: EntryRow): CommonsSummary {
	const fields = JSON.parse(row.summary ?? '{}') as Record<string, unknown>;
	return { ...fields, publicKey: row.public_key, publishedAt: row.published_at, updatedAt: row.updated_at } as CommonsSummary;
}

/** The full entry of a row, from the payload string exactly as signed. */
export function entryOf(row: EntryRow): CommonsEntry {
	const { action: _action, ...fields } = JSON.parse(row.signed ?? '{}') as Record<string, unknown>;
	return {
		...fields,
		publicKey: row.public_key,
		signature: row.signature,
		signed: row.signed,
		publishedAt: row.published_at,
		updatedAt: row.updated_at
	} as CommonsEntry;
}

/**
 * The columns a publish writes besides key, kind and seq. Lowercased copies of tags and place serve the
 * case-insensitive filters beyond ASCII; `summary` is the list item's payload part, so lists never parse
 * whole guide bodies. `publishedAt` stays when an already published entry is updated.
 */
export function publishColumns(write: PublishWrite, previous: EntryRow | undefined) {
	const { payload } = write;
	const { action: _action, ...rest } = payload;
	const listed: Record<string, unknown> = { ...rest };
	delete listed.body;
	delete listed.description;
	const campaign = payload.kind === 'campaign' ? payload : undefined;
	const wasPublished = previous?.state === 'published';
	return {
		wasPublished,
		lang: payload.lang,
		tagsLower: payload.tags.map((tag) => tag.toLowerCase()),
		placeLower: campaign ? campaign.place.toLowerCase() : null,
		starts: campaign?.starts ?? null,
		ends: campaign?.ends ?? null,
		lat: campaign?.location?.lat ?? null,
		lon: campaign?.location?.lon ?? null,
		summary: JSON.stringify(listed),
		publishedAt: wasPublished ? previous.published_at : write.at,
		updatedAt: write.at,
		/** Searchable fields in the order (and with the weight order) of the stores' indexes. */
		search: {
			title: payload.title,
			summary: payload.summary,
			tags: payload.tags.join(' '),
			publisher: payload.publisher,
			place: campaign?.place ?? '',
			description: campaign?.description ?? '',
			body: write.bodyText
		}
	};
}

/** Why a publish may not change a stored id, or undefined when it may (COMMONS.md). */
export function publishRefusal(write: PublishWrite, row: EntryRow | undefined): 'wrong_key' | 'stale' | 'kind_changed' | undefined {
	if (!row) return undefined;
	// Key first: someone else's key learns nothing about the seq or kind of an id it does not own.
	if (row.public_key !== write.publicKey) return 'wrong_key';
	if (write.payload.seq <= row.seq) return 'stale';
	if (row.kind !== write.payload.kind) return 'kind_changed';
	return undefined;
}

/** The admin's list: hidden first, then most reported, then most recently reported. */
export function reportedList(items: { row: EntryRow; reports: { reason: string; at: number }[] }[]): ReportedEntry[] {
	return items
		.sort(
			(a, b) =>
				Number(b.row.moderation === 'hidden') - Number(a.row.moderation === 'hidden') ||
				b.reports.length - a.reports.length ||
				(b.reports.at(-1)?.at ?? 0) - (a.reports.at(-1)?.at ?? 0)
		)
		.map(({ row, reports }) => ({ summary: summaryOf(row), hidden: row.moderation === 'hidden', reports }));
}

/** Milliseconds of a day, for the guides' `from`/`to` filter on update times (UTC days). */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Kilometres per degree of latitude (and of longitude at the equator). */
export const KM_PER_DEGREE = 111.32;

/** Start of an ISO date in ms since the epoch (UTC). */
export function dayStart(date: string): number {
	return Date.parse(`${date}T00:00:00Z`);
}

/**
 * The `near` filter's plan: a bounding box on the indexed coordinates first, then the distance on a plane
 * scaled by the latitude (within 200 km it differs from the great-circle distance by well under the grid's
 * 10 km). `lonKm` is kilometres per degree of longitude at that latitude.
 */
export function nearBounds(near: { lat: number; lon: number; km: number }) {
	const scale = Math.max(Math.cos((near.lat * Math.PI) / 180), 0.01);
	const dLat = near.km / KM_PER_DEGREE;
	const dLon = near.km / (KM_PER_DEGREE * scale);
	return { minLat: near.lat - dLat, maxLat: near.lat + dLat, minLon: near.lon - dLon, maxLon: near.lon + dLon, lonKm: KM_PER_DEGREE * scale };
}
