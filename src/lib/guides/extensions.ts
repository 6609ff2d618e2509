/**
 * The guide's document schema as TipTap extensions: the blocks and marks a guide can hold. Shared by the
 * editor, Markdown conversion, the commons reader and publishing, so every one of them reads and writes
 * the same kinds of node. Free of Markdown and collaboration, so a read-only view does not load them.
 */
import StarterKit from '@tiptap/starter-kit';
import { Link, type LinkOptions } from '@tiptap/extension-link';
import { mergeAttributes } from '@tiptap/core';
import { TaskItem, TaskList, type TaskItemOptions } from '@tiptap/extension-list';
import { safeLinkHref } from '../commons/body';

/** How a particular surface presents links and checklist items; the schema itself never changes. */
export interface GuideNodeOptions {
	link?: Partial<Omit<LinkOptions, 'isAllowedUri'>>;
	taskItem?: Partial<TaskItemOptions>;
}

/** Web and mail addresses only: what a link of a guide may open. */
export const LINK_PROTOCOLS = ['http', 'https', 'mailto'];

/** How every link of a guide opens: a new tab that learns nothing of the app (no opener, no referrer). */
const LINK_OPENS = { target: '_blank', rel: 'noopener noreferrer' };

/**
 * The link mark keeps an `href` alone, and only an absolute http, https or mailto one (`safeLinkHref`: a
 * protocol-relative `//host` is refused). Anything else a member's device wrote into the shared document
 * (target, class, title, another scheme) is dropped when the mark is made from it, so it never reaches the
 * page; an href that is not safe renders as an anchor without one, which opens nothing.
 */
const SafeLink = Link.extend({
	addAttributes() {
		return {
			href: {
				default: null,
				parseHTML: (element: HTMLElement) => safeLinkHref(element.getAttribute('href')) ?? null
			}
		};
	},
	renderHTML({ HTMLAttributes }) {
		const href = safeLinkHref(HTMLAttributes.href);
		const attributes = mergeAttributes(this.options.HTMLAttributes, href ? { href } : {});
		return ['a', Object.fromEntries(Object.entries(attributes).filter(([, value]) => value != null)), 0];
	}
});

function relOf(extra: unknown): string {
	const words = `${LINK_OPENS.rel} ${typeof extra === 'string' ? extra : ''}`.split(/\s+/).filter(Boolean);
	return [...new Set(words)].join(' ');
}

/** The guide schema's extensions, presented as `options` asks. */
export function guideNodes(options: GuideNodeOptions = {}) {
	return [
		StarterKit.configure({
			undoRedo: false,
			codeBlock: false,
			code: false,
			horizontalRule: false,
			strike: false,
			underline: false,
			link: false
		}),
		SafeLink.configure({
			protocols: LINK_PROTOCOLS,
			...options.link,
			// A surface may add to the rel (the commons adds nofollow), never take noopener or noreferrer away.
			HTMLAttributes: { ...options.link?.HTMLAttributes, ...LINK_OPENS, rel: relOf(options.link?.HTMLAttributes?.rel) },
			isAllowedUri: (url) => safeLinkHref(url) !== undefined
		}),
		TaskList,
		TaskItem.configure({ nested: false, ...options.taskItem })
	];
}
