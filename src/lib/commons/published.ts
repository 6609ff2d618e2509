/**
 * Whether a guide or action is in the commons, kept in that document itself (`Y.Map('commons')`), so every
 * member's device shows the badge and any member can update or unpublish. Light: only Yjs, so screens can
 * read it without loading the commons client. Framework-free.
 */
import type * as Y from 'yjs';
import type { Licence } from './types';

/** The shared map inside a published guide or action doc. */
export const PUBLISHED_MAP = 'commons';

/** What the group's document remembers about its entry in the commons. */
export interface PublishedState {
	/** The entry id (22 base64url characters), the same for every update. */
	id: string;
	/** The last sequence number the relay accepted. */
	seq: number;
	/** The group publisher key the entry is bound to. */
	publicKey: string;
	status: 'published' | 'unpublished';
	/** ms since epoch: first publish, and the last accepted update or unpublish. */
	publishedAt: number;
	updatedAt: number;
	/** What the person chose last time, offered again on update. */
	summary: string;
	licence?: Licence;
	publisher: string;
	tags: string[];
	/** Digest of the document's public content when last published (`contentDigest`); absent before it was kept. */
	content?: string;
}

/** The published state of a doc, or undefined when it was never published (or the map is malformed). */
export function readPublished(doc: Y.Doc): PublishedState | undefined {
	const map = doc.getMap<unknown>(PUBLISHED_MAP);
	const id = map.get('id');
	const seq = map.get('seq');
	const publicKey = map.get('publicKey');
	if (typeof id !== 'string' || typeof seq !== 'number' || typeof publicKey !== 'string') return undefined;
	const text = (key: string) => {
		const value = map.get(key);
		return typeof value === 'string' ? value : '';
	};
	const number = (key: string) => {
		const value = map.get(key);
		return typeof value === 'number' ? value : 0;
	};
	const tags = map.get('tags');
	const licence = map.get('licence');
	return {
		id,
		seq,
		publicKey,
		status: map.get('status') === 'unpublished' ? 'unpublished' : 'published',
		publishedAt: number('publishedAt'),
		updatedAt: number('updatedAt'),
		summary: text('summary'),
		publisher: text('publisher'),
		...(typeof licence === 'string' ? { licence: licence as Licence } : {}),
		...(typeof map.get('content') === 'string' ? { content: map.get('content') as string } : {}),
		tags: Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : []
	};
}

/** Writes the published state in one transaction (only the keys given). */
export function writePublished(doc: Y.Doc, patch: Partial<PublishedState>): void {
	const map = doc.getMap<unknown>(PUBLISHED_MAP);
	doc.transact(() => {
		for (const [key, value] of Object.entries(patch)) if (value !== undefined) map.set(key, value);
	});
}

/**
 * The parts of a document a publish makes public, as one string: a guide's fields and body, an action's
 * fields (not who answered). Map keys are sorted, as two devices may hold them in different orders.
 */
export function publicContent(doc: Y.Doc, kind: 'guide' | 'campaign'): string {
	const fields = doc.getMap<unknown>('fields').toJSON() as Record<string, unknown>;
	const sorted = JSON.stringify(Object.keys(fields).sort().map((key) => [key, fields[key]]));
	return kind === 'guide' ? `${sorted}\n${doc.getXmlFragment('body').toString()}` : sorted;
}

/** SHA-256 of `publicContent`, base64url: kept at publish, compared later to tell edits not yet public. */
export async function contentDigest(doc: Y.Doc, kind: 'guide' | 'campaign'): Promise<string> {
	const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(publicContent(doc, kind))));
	return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
