/**
 * Guide bodies as they travel through the commons: ProseMirror/TipTap JSON. Whatever arrives from the relay
 * is cut down to the guide schema before it is rendered or copied: only known nodes and marks, only the
 * attributes they need, links only to web and mail addresses. Text stays text. Framework-free.
 */
import type { BodyNode } from './types';

/** Node types of the guide schema, with the attributes each may keep. */
const NODES: Record<string, readonly string[]> = {
	doc: [],
	paragraph: [],
	heading: ['level'],
	blockquote: [],
	bulletList: [],
	orderedList: ['start'],
	listItem: [],
	taskList: [],
	taskItem: ['checked'],
	hardBreak: [],
	text: []
};

/** Marks of the guide schema. */
const MARKS = new Set(['bold', 'italic', 'link']);

/** Deeper nesting than this is cut off: no real guide comes near it, and recursion stays bounded. */
export const MAX_BODY_DEPTH = 40;

/** Whether a link target is allowed: web and mail addresses only. */
export function safeLinkHref(href: unknown): string | undefined {
	if (typeof href !== 'string') return undefined;
	try {
		const url = new URL(href);
		return ['https:', 'http:', 'mailto:'].includes(url.protocol) ? url.href : undefined;
	} catch {
		return undefined;
	}
}

function cleanAttrs(type: string, attrs: unknown): Record<string, unknown> | undefined {
	if (typeof attrs !== 'object' || attrs === null) return undefined;
	const source = attrs as Record<string, unknown>;
	const out: Record<string, unknown> = {};
	for (const name of NODES[type] ?? []) {
		const value = source[name];
		if (name === 'level' && typeof value === 'number' && Number.isInteger(value)) out.level = Math.min(6, Math.max(1, value));
		if (name === 'start' && typeof value === 'number' && Number.isInteger(value) && value >= 0) out.start = value;
		if (name === 'checked' && typeof value === 'boolean') out.checked = value;
	}
	return Object.keys(out).length ? out : undefined;
}

function cleanNode(node: unknown, depth: number): BodyNode | undefined {
	if (typeof node !== 'object' || node === null || depth > MAX_BODY_DEPTH) return undefined;
	const source = node as Record<string, unknown>;
	const type = source.type;
	if (typeof type !== 'string' || !(type in NODES)) return undefined;
	if (type === 'text') {
		if (typeof source.text !== 'string' || source.text === '') return undefined;
		const marks: NonNullable<BodyNode['marks']> = [];
		for (const mark of Array.isArray(source.marks) ? source.marks : []) {
			const markType = (mark as { type?: unknown } | null)?.type;
			if (typeof markType !== 'string' || !MARKS.has(markType) || marks.some((m) => m.type === markType)) continue;
			if (markType === 'link') {
				const href = safeLinkHref((mark as { attrs?: { href?: unknown } }).attrs?.href);
				if (href) marks.push({ type: 'link', attrs: { href } });
			} else marks.push({ type: markType });
		}
		return { type: 'text', text: source.text, ...(marks.length ? { marks } : {}) };
	}
	const out: BodyNode = { type };
	const attrs = cleanAttrs(type, source.attrs);
	if (attrs) out.attrs = attrs;
	if (Array.isArray(source.content)) {
		const content = source.content.map((child) => cleanNode(child, depth + 1)).filter((child): child is BodyNode => child !== undefined);
		if (content.length) out.content = content;
	}
	return out;
}

/** The body cut down to the guide schema; an empty document when nothing usable is left. */
export function sanitizeBody(body: unknown): BodyNode {
	const clean = cleanNode(body, 0);
	return clean?.type === 'doc' ? clean : { type: 'doc', content: [{ type: 'paragraph' }] };
}

/** The plain text of a body, for previews and checks. */
export function bodyPlainText(body: BodyNode): string {
	if (body.type === 'text') return body.text ?? '';
	const inner = (body.content ?? []).map(bodyPlainText).join(body.type === 'doc' || body.type.endsWith('List') ? '\n' : '');
	return inner;
}
