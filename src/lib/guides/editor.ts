/**
 * The guide editor: TipTap 3 (ProseMirror) bound to a guide's `Y.XmlFragment` with collaboration carets from
 * the vault's sealed presence. This module and TipTap load only when a guide is opened (dynamic import),
 * so the home route never pays for them.
 */
import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { Markdown } from '@tiptap/markdown';
import { guideNodes } from './extensions';
import { CaretBlock } from './caret-block';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

/** What an editor needs. */
export interface GuideEditorOptions {
	element: HTMLElement;
	body: Y.XmlFragment;
	awareness: Awareness;
	user: { name: string; color: string };
	editable: boolean;
	/** Accessible name of the editing surface (`Guide body`). */
	label: string;
	/** Accessible name of each checklist checkbox. */
	checkboxLabel: (text: string) => string;
}

/** The extensions of a guide, shared by the editor and Markdown conversion. */
export function guideExtensions() {
	return [...guideNodes(), Markdown];
}

/** Creates the editor. In the read view (`editable: false`) checklist items can still be ticked. */
export function createGuideEditor(options: GuideEditorOptions): Editor {
	// TipTap only reports a tick in the read view; writing it into the document is ours to do.
	const tickReadOnly = (node: ProseMirrorNode, checked: boolean) => {
		let position = -1;
		editor.state.doc.descendants((candidate, pos) => {
			if (position >= 0) return false;
			if (candidate === node) position = pos;
			return true;
		});
		if (position < 0) return false;
		editor.view.dispatch(editor.state.tr.setNodeMarkup(position, undefined, { ...node.attrs, checked }));
		return true;
	};
	const editor: Editor = new Editor({
		element: options.element,
		editable: options.editable,
		extensions: [
			...guideNodes({
				link: { openOnClick: !options.editable, autolink: true },
				taskItem: {
					onReadOnlyChecked: tickReadOnly,
					a11y: { checkboxLabel: (node) => options.checkboxLabel(node.textContent) }
				}
			}),
			Markdown,
			CaretBlock,
			Collaboration.configure({ fragment: options.body }),
			// Carets and selections are painted through element.style (CSSOM), which the strict CSP allows.
			CollaborationCaret.configure({ provider: { awareness: options.awareness }, user: options.user })
		],
		// TipTap would add its base rules as a <style> element, which the CSP refuses: they are in prose.css.
		injectCSS: false,
		editorProps: {
			attributes: {
				role: 'textbox',
				'aria-multiline': 'true',
				'aria-label': options.label,
				class: 'guide-prose'
			}
		}
	});
	return editor;
}

/** The body as Markdown. */
export function toMarkdown(editor: Editor): string {
	return editor.getMarkdown();
}

/** Replaces the body with Markdown (import, templates, restore). */
export function setMarkdown(editor: Editor, markdown: string): void {
	editor.commands.setContent(markdown, { contentType: 'markdown' });
}

export type { Editor };
