/**
 * A public guide body on screen: a read-only TipTap editor with the guide schema, fed the body as JSON after
 * `sanitizeBody`. ProseMirror builds DOM nodes from the schema, so nothing in the entry is parsed as HTML;
 * links keep only web and mail addresses. Loaded only by the entry page.
 */
import { Editor } from '@tiptap/core';
import { guideNodes } from '../guides/extensions';
import { sanitizeBody } from './body';
import type { BodyNode } from './types';

/** What the reader needs. */
export interface ReaderOptions {
	element: HTMLElement;
	body: BodyNode;
	/** Accessible name of each checklist checkbox. */
	checkboxLabel: (text: string) => string;
	/** Accessible name of the body. */
	label: string;
}

/** Shows a body read-only; destroy the returned editor when the page goes. */
export function createReader(options: ReaderOptions): Editor {
	return new Editor({
		element: options.element,
		editable: false,
		extensions: guideNodes({
			link: { openOnClick: true, autolink: false, HTMLAttributes: { rel: 'noopener noreferrer nofollow' } },
			taskItem: { a11y: { checkboxLabel: (node) => options.checkboxLabel(node.textContent) } }
		}),
		content: sanitizeBody(options.body),
		// No <style> element under the strict CSP: TipTap's base rules are in prose.css.
		injectCSS: false,
		editorProps: {
			attributes: { class: 'guide-prose', role: 'document', 'aria-label': options.label }
		}
	});
}
