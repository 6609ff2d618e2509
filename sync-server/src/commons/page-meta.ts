/**
 * Link previews for shared commons pages: the HTML of `/commons/<id>` carries the entry's title and summary
 * as Open Graph and description meta tags, so a link pasted into a messenger shows what it is. Only visible
 * entries get a preview; unpublished, hidden or unknown ids get the app's plain page. Every value is
 * escaped: entries are user text and this is the one place the relay puts user text into HTML.
 */
import type { CommonsStore } from './types.js';

/** Longest description in a preview; messengers cut near here anyway. */
export const PREVIEW_DESCRIPTION_CHARS = 300;
/** An entry page's path: `/commons/` and a 22-character id. */
const ENTRY_PATH = /^\/commons\/([A-Za-z0-9_-]{22})$/;

/** What a page's preview says. */
export interface PageMeta {
	title: string;
	description: string;
	type: 'article';
}

/** Text made safe for HTML text and double-quoted attribute values. */
export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function shorten(text: string, max: number): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	const chars = [...flat];
	return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** The app's index.html with a page's title, description and Open Graph tags in place of the generic ones. */
export function withPageMeta(html: string, meta: PageMeta, siteName: string): string {
	const title = escapeHtml(meta.title);
	const description = escapeHtml(meta.description);
	const tags = [
		`<meta property="og:title" content="${title}" />`,
		`<meta property="og:description" content="${description}" />`,
		`<meta property="og:type" content="${meta.type}" />`,
		`<meta property="og:site_name" content="${escapeHtml(siteName)}" />`,
		`<meta name="twitter:card" content="summary" />`
	].join('\n\t\t');
	return html
		.replace(/<title>[^<]*<\/title>/, () => `<title>${title} · ${escapeHtml(siteName)}</title>`)
		.replace(/<meta name="description" content="[^"]*"\s*\/?>/, () => `<meta name="description" content="${description}" />`)
		.replace('</head>', () => `\t${tags}\n\t</head>`);
}

/** Finds the preview of a URL: a visible commons entry's, or undefined for every other page. */
export function commonsPageMeta(store: CommonsStore): (url: URL) => Promise<PageMeta | undefined> {
	return async (url) => {
		const id = ENTRY_PATH.exec(url.pathname)?.[1];
		if (!id) return undefined;
		const found = await store.get(id);
		if (found.status !== 'visible') return undefined;
		const { entry } = found;
		const about = entry.summary || (entry.kind === 'campaign' ? `${entry.place} · ${entry.description}` : '');
		return { title: entry.title, description: shorten(about || entry.publisher, PREVIEW_DESCRIPTION_CHARS), type: 'article' };
	};
}
