/**
 * Marks the top-level blocks the selection is in (`caret-block`), so the editor's stylesheet can keep them
 * out of `content-visibility: auto`.
 *
 * Why: guide blocks skip layout and paint while out of sight (GuideEditor.svelte), but Chromium (seen in
 * 156.0.8078) decides whether a newly inserted `content-visibility: auto` element is in sight only at its
 * next rendering update. ProseMirror lets the browser insert typed characters itself and reads them back from
 * the DOM; a character typed into a block created a moment before (End, Enter, then a letter, before the
 * next frame) is inserted, but Chromium leaves the DOM caret before it, ProseMirror takes that caret, and the
 * rest of the line lands in front of the first letter ("alpha" stored as "lphaa"). The busier the phone (a
 * collaborator's presence or connection changing), the likelier a keystroke beats the frame. A block holding
 * the caret is always laid out, so its text is edited like any other. tests/e2e/chromium-content-visibility.test.ts
 * keeps the browser's behaviour in view.
 */
import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';

export const CARET_BLOCK_CLASS = 'caret-block';

export const CaretBlock = Extension.create({
	name: 'caretBlock',
	addProseMirrorPlugins() {
		return [
			new Plugin({
				key: new PluginKey('caretBlock'),
				props: {
					decorations: (state) => {
						const { from, to } = state.selection;
						const blocks: Decoration[] = [];
						state.doc.nodesBetween(from, to, (node, position) => {
							blocks.push(Decoration.node(position, position + node.nodeSize, { class: CARET_BLOCK_CLASS }));
							return false;
						});
						return DecorationSet.create(state.doc, blocks);
					}
				}
			})
		];
	}
});
