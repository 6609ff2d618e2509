/**
 * Publishing a guide or an action to the commons, updating it and unpublishing it. Only the one chosen
 * document is read, and only the fields listed in the consent dialog leave the device: a guide's title,
 * summary, language, tags, licence and body; an action's title, summary, description, place, dates and how
 * to join; and the publisher name. RSVPs, discussions, versions, members and everything else stay sealed.
 *
 * The group's publisher key lives in the group's meta doc (sealed like everything else), created at the
 * first publish, so any member can update or unpublish what the group published. Framework-free.
 */
import { getSchema } from '@tiptap/core';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { randomBytes } from '@noble/ciphers/utils.js';
import { readAction, type PlaceRef } from '../actions/action';
import { isTimeZone, parseLocal } from '../actions/time';
import { toGrid } from '../places/gazetteer';
import { guideBody, readFields } from '../guides/schema';
import { guideNodes } from '../guides/extensions';
import { toBase64Url, utf8 } from '../sync/bytes';
import { sanitizeBody } from './body';
import { CommonsError, type CommonsClient } from './client';
import { contentDigest, readPublished, writePublished } from './published';
import { newPublisherKey, signPayload, type PublisherKey } from './sign';
import {
	LICENCES,
	MAX_DESCRIPTION_LENGTH,
	MAX_PLACE_LENGTH,
	MAX_PUBLISHER_LENGTH,
	MAX_SUMMARY_LENGTH,
	PAYLOAD_VERSION,
	cleanTags,
	safeWebUrl,
	type BodyNode,
	type Entry,
	type Join,
	type Licence,
	type PublishPayload
} from './types';

/** The meta doc's map of publisher keys: public key → secret key, both base64url. */
export const PUBLISHER_KEYS_MAP = 'commonsKeys';
/** The relay's payload limit (COMMONS_MAX_ENTRY_BYTES default); checked here first to say so plainly. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** Longest title the app sends (the guide and action editors allow less). */
export const MAX_TITLE_LENGTH = 200;

/** What the dialog shows and the person may change before a guide is published. */
export interface GuideDraft {
	kind: 'guide';
	title: string;
	summary: string;
	lang: string;
	tags: string[];
	publisher: string;
	licence: Licence;
	body: BodyNode;
}

/** What the dialog shows and the person may change before an action is published as a campaign. */
export interface CampaignDraft {
	kind: 'campaign';
	title: string;
	summary: string;
	lang: string;
	tags: string[];
	publisher: string;
	description: string;
	place: string;
	/** Wall-clock times (`YYYY-MM-DDTHH:mm`) in `timeZone`, or ISO dates for a campaign without times; `ends` empty when open-ended. */
	starts: string;
	ends: string;
	/** IANA zone of the times (ignored for dates). */
	timeZone: string;
	/** The town picked from the gazetteer: only its point on the 0.1° grid is published (its name goes in `place`). */
	location?: PlaceRef;
	join: Join;
}

/** A draft of either kind. */
export type Draft = GuideDraft | CampaignDraft;

/** Why a draft cannot be published yet. */
export type DraftProblem = 'titleMissing' | 'publisherMissing' | 'placeMissing' | 'startsInvalid' | 'endsBeforeStarts' | 'joinMissing' | 'joinUrlInvalid' | 'tooLarge';

/** A language code as the relay takes it (2–3 lowercase letters), or the fallback. */
function languageCode(value: string, fallback: string): string {
	const code = value.trim().toLowerCase().split('-')[0] ?? '';
	return /^[a-z]{2,3}$/.test(code) ? code : fallback;
}

/** The body of a guide doc as ProseMirror JSON in the guide schema. */
export function guideBodyJson(doc: Y.Doc): BodyNode {
	const schema = getSchema(guideNodes());
	return sanitizeBody(yXmlFragmentToProseMirrorRootNode(guideBody(doc), schema).toJSON());
}

/** The draft of a guide: its own fields, plus what was chosen at the last publish. */
export function guideDraft(doc: Y.Doc, defaults: { publisher: string; lang: string }): GuideDraft {
	const fields = readFields(doc);
	const published = readPublished(doc);
	return {
		kind: 'guide',
		title: fields.title,
		summary: published?.summary ?? '',
		lang: languageCode(fields.language, defaults.lang),
		tags: cleanTags(fields.tags),
		publisher: published?.publisher || defaults.publisher,
		licence: published?.licence ?? LICENCES[0],
		body: guideBodyJson(doc)
	};
}

/** The draft of a campaign from an action: its times in its zone, and how to join left for the person to give. */
export function campaignDraft(doc: Y.Doc, defaults: { publisher: string; lang: string; join?: Join }): CampaignDraft {
	const fields = readAction(doc);
	const published = readPublished(doc);
	return {
		kind: 'campaign',
		title: fields.title,
		summary: published?.summary ?? '',
		lang: defaults.lang,
		tags: published?.tags ?? [],
		publisher: published?.publisher || defaults.publisher,
		description: [fields.description, fields.callToAction].filter(Boolean).join('\n\n'),
		place: [fields.place, fields.location?.name].filter((part) => part?.trim()).join(', '),
		...(fields.location ? { location: fields.location } : {}),
		starts: fields.starts.slice(0, 16),
		ends: fields.ends.slice(0, 16),
		timeZone: fields.timeZone,
		join: defaults.join ?? {}
	};
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A campaign time as the relay takes it: a date and a time of day, to the minute. */
const LOCAL_MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** Whether a draft's start is a time of day (then it is published with its zone) rather than a date. */
function isTimed(draft: CampaignDraft): boolean {
	return LOCAL_MINUTE.test(draft.starts);
}

/** Builds the payload exactly as it will be public. */
export function buildPayload(draft: Draft, id: string, seq: number): PublishPayload {
	const base = {
		v: PAYLOAD_VERSION as typeof PAYLOAD_VERSION,
		id,
		seq,
		action: 'publish' as const,
		lang: languageCode(draft.lang, 'en'),
		title: draft.title.trim().slice(0, MAX_TITLE_LENGTH),
		summary: draft.summary.trim().slice(0, MAX_SUMMARY_LENGTH),
		tags: cleanTags(draft.tags),
		publisher: draft.publisher.trim().slice(0, MAX_PUBLISHER_LENGTH)
	};
	if (draft.kind === 'guide') return { ...base, kind: 'guide', body: sanitizeBody(draft.body), licence: draft.licence };
	const join: Join = {};
	if (draft.join.contact?.trim()) join.contact = draft.join.contact.trim().slice(0, MAX_PLACE_LENGTH);
	const url = safeWebUrl(draft.join.url?.trim());
	if (url) join.url = url;
	return {
		...base,
		kind: 'campaign',
		description: draft.description.trim().slice(0, MAX_DESCRIPTION_LENGTH),
		place: draft.place.trim().slice(0, MAX_PLACE_LENGTH),
		...(draft.location ? { location: { lat: toGrid(draft.location.lat), lon: toGrid(draft.location.lon) } } : {}),
		starts: draft.starts,
		...(draft.ends ? { ends: draft.ends } : {}),
		...(isTimed(draft) ? { timeZone: draft.timeZone } : {}),
		join
	};
}

/** What stops a draft from being published; empty when it can go. */
export function validateDraft(draft: Draft): DraftProblem[] {
	const problems: DraftProblem[] = [];
	if (!draft.title.trim()) problems.push('titleMissing');
	if (!draft.publisher.trim()) problems.push('publisherMissing');
	if (draft.kind === 'campaign') {
		if (!draft.place.trim()) problems.push('placeMissing');
		const timed = isTimed(draft);
		const valid = (value: string) => (timed ? LOCAL_MINUTE.test(value) && parseLocal(value) !== undefined : ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)));
		if (!valid(draft.starts) || (timed && !isTimeZone(draft.timeZone))) problems.push('startsInvalid');
		else if (draft.ends && (!valid(draft.ends) || draft.ends < draft.starts)) problems.push('endsBeforeStarts');
		const url = draft.join.url?.trim();
		if (url && !safeWebUrl(url)) problems.push('joinUrlInvalid');
		else if (!draft.join.contact?.trim() && !url) problems.push('joinMissing');
	}
	if (!problems.length && utf8(JSON.stringify(buildPayload(draft, 'x'.repeat(22), Number.MAX_SAFE_INTEGER))).byteLength > MAX_PAYLOAD_BYTES) problems.push('tooLarge');
	return problems;
}

/** A new entry id: 16 random bytes, base64url. */
export function newEntryId(): string {
	return toBase64Url(randomBytes(16));
}

/**
 * The group's publisher key: the one an entry is bound to when given, else the group's existing key, else a
 * new one written into the meta doc. Keys are kept by public key, so two members creating one at the same
 * moment both keep theirs and each entry keeps working with the key it was first signed with.
 */
export function publisherKey(meta: Y.Doc, publicKey?: string): PublisherKey | undefined {
	const keys = meta.getMap<string>(PUBLISHER_KEYS_MAP);
	if (publicKey) {
		const secretKey = keys.get(publicKey);
		return typeof secretKey === 'string' ? { publicKey, secretKey } : undefined;
	}
	const existing = [...keys.keys()].sort()[0];
	if (existing) return { publicKey: existing, secretKey: keys.get(existing)! };
	const key = newPublisherKey();
	keys.set(key.publicKey, key.secretKey);
	return key;
}

/** Publishes a draft for the first time or as an update, and records the result in the document. */
export async function publishDraft(client: CommonsClient, meta: Y.Doc, doc: Y.Doc, draft: Draft): Promise<Entry> {
	const previous = readPublished(doc);
	const key = publisherKey(meta, previous?.publicKey);
	if (!key) throw new CommonsError('wrong_key', 'The publisher key of this entry is not in the group');
	const id = previous?.id ?? newEntryId();
	// Taken before sending: an edit made while the request is under way counts as not yet public.
	const content = await contentDigest(doc, draft.kind);
	let seq = (previous?.seq ?? 0) + 1;
	const send = () => client.publish(id, signPayload(buildPayload(draft, id, seq), key));
	let answer;
	try {
		answer = await send();
	} catch (error) {
		// Another member updated at the same moment: go one past what the relay holds and try once more.
		if (!(error instanceof CommonsError) || error.code !== 'stale') throw error;
		const current = await client.get(id).catch(() => undefined);
		seq = Math.max(seq, current?.seq ?? seq) + 1;
		answer = await send();
	}
	const { entry } = answer;
	writePublished(doc, {
		id,
		seq: entry.seq,
		publicKey: key.publicKey,
		status: 'published',
		publishedAt: previous?.publishedAt || entry.publishedAt,
		updatedAt: entry.updatedAt,
		summary: entry.summary,
		publisher: entry.publisher,
		tags: entry.tags,
		content,
		...(entry.kind === 'guide' ? { licence: entry.licence } : {})
	});
	return entry;
}

/** Takes an entry out of the commons and records that in the document. */
export async function unpublishEntry(client: CommonsClient, meta: Y.Doc, doc: Y.Doc, now: () => number = Date.now): Promise<void> {
	const previous = readPublished(doc);
	if (!previous || previous.status !== 'published') return;
	const key = publisherKey(meta, previous.publicKey);
	if (!key) throw new CommonsError('wrong_key', 'The publisher key of this entry is not in the group');
	let seq = previous.seq + 1;
	const send = () => client.unpublish(previous.id, signPayload({ v: PAYLOAD_VERSION, id: previous.id, seq, action: 'unpublish' }, key));
	let answer;
	try {
		answer = await send();
	} catch (error) {
		if (error instanceof CommonsError && error.code === 'unpublished') {
			// Someone else in the group already did; record it.
			writePublished(doc, { status: 'unpublished', updatedAt: now() });
			return;
		}
		if (!(error instanceof CommonsError) || error.code !== 'stale') throw error;
		const current = await client.get(previous.id).catch(() => undefined);
		seq = Math.max(seq, current?.seq ?? seq) + 1;
		answer = await send();
	}
	writePublished(doc, { status: 'unpublished', seq: answer.seq || seq, updatedAt: now() });
}
