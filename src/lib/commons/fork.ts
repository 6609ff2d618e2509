/**
 * `Copy to my group`: a public guide becomes a new, editable guide in a group. The body is cut down to the
 * guide schema and written into the new guide's Y.XmlFragment; the source's title, publisher, licence,
 * entry id and address stay with it as attribution (the licences ask for it). Framework-free.
 */
import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import type { DocIndexEntry, DocType, OpenDoc } from '../sync/api';
import { guideBody, guideFields, initGuide, type Attribution } from '../guides/schema';
import { guideNodes } from '../guides/extensions';
import { sanitizeBody } from './body';
import { cleanTags, type GuideEntry } from './types';

/** The part of a group vault a copy needs. */
export interface ForkTarget {
	create(type: DocType, init: (doc: Y.Doc) => void, entry: Pick<DocIndexEntry, 'title'> & Partial<DocIndexEntry>): Promise<OpenDoc>;
}

/** The attribution of a copy of an entry; `origin` is the app's address, where the entry page lives. */
export function attributionOf(entry: GuideEntry, origin: string): Attribution {
	return {
		title: entry.title,
		publisher: entry.publisher,
		licence: entry.licence,
		entryId: entry.id,
		url: `${origin.replace(/\/+$/, '')}/commons/${encodeURIComponent(entry.id)}`
	};
}

/** Fills a new guide doc from an entry. */
export function fillFromEntry(doc: Y.Doc, entry: GuideEntry, origin: string): void {
	const schema = getSchema(guideNodes());
	doc.transact(() => {
		initGuide(doc, { title: entry.title, language: entry.lang, tags: cleanTags(entry.tags) });
		guideFields(doc).set('attribution', attributionOf(entry, origin));
		prosemirrorJSONToYXmlFragment(schema, sanitizeBody(entry.body), guideBody(doc));
	});
}

/** Copies a public guide into a group as a new guide; resolves with the new guide's doc id. */
export async function forkGuide(target: ForkTarget, entry: GuideEntry, origin: string): Promise<string> {
	const opened = await target.create('guide', (doc) => fillFromEntry(doc, entry, origin), { title: entry.title, copiedFrom: entry.id });
	await opened.flush();
	const docId = opened.docId;
	await opened.close();
	return docId;
}
