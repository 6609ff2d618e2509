/**
 * A kept version of a guide on screen: a read-only TipTap editor with the guide schema, fed the version's
 * Markdown, so it reads as the guide does (headings, lists, checklists), not as Markdown source.
 */
import { Editor } from '@tiptap/core';
import { Markdown } from '@tiptap/markdown';
import { guideNodes } from './extensions';

/** Shows `markdown` read-only in `element`; destroy the returned editor when it goes. */
export function createVersionReader(options: { element: HTMLElement; markdown: string; label: string; checkboxLabel: (text: string) => string }): Editor {
	const editor = new Editor({
		element: options.element,
		editable: false,
		extensions: [
			...guideNodes({
				link: { openOnClick: true, autolink: false },
				taskItem: { a11y: { checkboxLabel: (node) => options.checkboxLabel(node.textContent) } }
			}),
			Markdown
		],
		// No <style> element under the strict CSP: TipTap's base rules are in prose.css.
		injectCSS: false,
		editorProps: { attributes: { class: 'guide-prose', role: 'document', 'aria-label': options.label } }
	});
	editor.commands.setContent(options.markdown, { contentType: 'markdown' });
	return editor;
}
