/**
 * The guide inner document: `Y.Map('fields')` {title, language, tags}, the rich text body as
 * `Y.XmlFragment('body')` (bound to the editor by TipTap's Collaboration extension) and `Y.Array('versions')`
 * of named or automatic versions (Markdown) for History. Framework-free.
 */
import * as Y from 'yjs';

/** The editable fields of a guide besides its body. */
export interface GuideFields {
	title: string;
	language: string;
	tags: string[];
}

/** A kept version of a guide (History). */
export interface GuideVersion {
	id: string;
	/** Given on demand; automatic versions have none. */
	name?: string;
	time: number;
	/**
	 * The device public key that kept it (the document rules hold a new version to its signer); versions kept
	 * before held a display name here.
	 */
	author: string;
	/** The name the author went by then: shown only for a key the roster does not know. */
	authorName?: string;
	/** The body as it was, in Markdown (compact, readable, and restorable as an ordinary edit). */
	markdown: string;
}

/** An automatic version this soon after the same person's last automatic one replaces it in History. */
export const AUTO_VERSION_MERGE_MS = 2 * 60_000;

/**
 * The versions History lists, newest first. Versions are never deleted (the document rules keep `versions`
 * append-only), so an automatic version followed within AUTO_VERSION_MERGE_MS by the same person's next
 * automatic one is left out here instead: the list never shows two from the same minutes.
 */
export function listedVersions(versions: readonly GuideVersion[]): GuideVersion[] {
	const listed: GuideVersion[] = [];
	for (const [index, version] of versions.entries()) {
		const next = versions[index + 1];
		if (next && !version.name && !next.name && next.author === version.author && next.time - version.time < AUTO_VERSION_MERGE_MS) continue;
		listed.push(version);
	}
	return listed.reverse();
}

/** Who kept a version, as History names them: the roster's name for the key, else the name the version carries. */
export function versionAuthor(version: GuideVersion, nameOf: (key: string) => string | undefined): string {
	return nameOf(version.author) ?? version.authorName ?? version.author;
}

export function guideFields(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap('fields');
}

export function guideBody(doc: Y.Doc): Y.XmlFragment {
	return doc.getXmlFragment('body');
}

export function guideVersions(doc: Y.Doc): Y.Array<GuideVersion> {
	return doc.getArray<GuideVersion>('versions');
}

/** Where a guide copied from the commons came from: kept in `fields.attribution`, shown on the guide screen. */
export interface Attribution {
	title: string;
	publisher: string;
	licence: string;
	entryId: string;
	/** The entry's page in the commons. */
	url: string;
}

/** The attribution of a copied guide, or undefined for a guide written in the group. */
export function readAttribution(doc: Y.Doc): Attribution | undefined {
	const value = guideFields(doc).get('attribution') as Record<string, unknown> | undefined;
	if (!value || typeof value !== 'object') return undefined;
	const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : '');
	if (!text('title') || !text('entryId')) return undefined;
	return { title: text('title'), publisher: text('publisher'), licence: text('licence'), entryId: text('entryId'), url: text('url') };
}

/** Reads the fields with defaults, whatever another device wrote. */
export function readFields(doc: Y.Doc): GuideFields {
	const fields = guideFields(doc);
	const title = fields.get('title');
	const language = fields.get('language');
	const tags = fields.get('tags');
	return {
		title: typeof title === 'string' ? title : '',
		language: typeof language === 'string' ? language : '',
		tags: Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : []
	};
}

/** Sets up a new guide. */
export function initGuide(doc: Y.Doc, fields: Partial<GuideFields>): void {
	const map = guideFields(doc);
	map.set('title', fields.title ?? '');
	map.set('language', fields.language ?? '');
	map.set('tags', fields.tags ?? []);
}

/** Plain text of the body (for search and previews). */
export function bodyText(doc: Y.Doc): string {
	const parts: string[] = [];
	const walk = (node: Y.XmlElement | Y.XmlFragment | Y.XmlText) => {
		if (node instanceof Y.XmlText) parts.push(node.toString().replace(/<[^>]+>/g, ''));
		else for (const child of node.toArray()) walk(child as Y.XmlElement | Y.XmlText);
		if (node instanceof Y.XmlElement && ['paragraph', 'heading', 'listItem', 'taskItem', 'blockquote'].includes(node.nodeName)) parts.push('\n');
	};
	walk(guideBody(doc));
	return parts.join('').replace(/\n{2,}/g, '\n').trim();
}
