/**
 * Finds web links in message text so the UI can build `<a>` nodes around them; everything else stays plain
 * text. Nothing here produces HTML: the result is a list of pieces the template renders one by one.
 */

/** A piece of a message: plain text, or a link with the text it shows and the address it opens. */
export type TextPiece = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// http(s) addresses and bare www. hosts, up to the next space or angle bracket.
const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
// Punctuation that ends a sentence rather than the address ("see https://x.org.").
const TRAILING = `.,;:!?'")]}`;

/** Splits text into plain and link pieces; only http and https addresses become links. */
export function linkify(text: string): TextPiece[] {
	const pieces: TextPiece[] = [];
	let last = 0;
	for (const match of text.matchAll(LINK)) {
		let raw = match[0];
		const start = match.index ?? 0;
		raw = trimTrailing(raw);
		const href = safeHref(raw);
		if (!href) continue;
		if (start > last) pieces.push({ kind: 'text', text: text.slice(last, start) });
		pieces.push({ kind: 'link', text: raw, href });
		last = start + raw.length;
	}
	if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
	return pieces;
}

/** Drops sentence punctuation from the end, but keeps a `)` that closes a `(` inside the address. */
function trimTrailing(raw: string): string {
	let end = raw.length;
	while (end > 0 && TRAILING.includes(raw[end - 1]!)) {
		if (raw[end - 1] === ')') {
			const head = raw.slice(0, end);
			const opens = head.split('(').length - 1;
			const closes = head.split(')').length - 1;
			if (opens >= closes) break;
		}
		end--;
	}
	return raw.slice(0, end);
}

/** The address a link opens, or undefined when it is not a well-formed http(s) URL. */
function safeHref(raw: string): string | undefined {
	try {
		const url = new URL(/^www\./i.test(raw) ? `https://${raw}` : raw);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
	} catch {
		return undefined;
	}
}
