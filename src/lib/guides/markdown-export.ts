/**
 * `Export as Markdown`: a group's guides as one zip of Markdown files (fflate). The result is plaintext by
 * design — the screen says so before anything is written.
 */
import { getSchema } from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap';
import { strToU8, zipSync } from 'fflate';
import type * as Y from 'yjs';
import { guideNodes } from './extensions';
import { guideBody } from './schema';

/** Longest file name stem kept from a title (phones and zip tools cope badly with very long names). */
const MAX_STEM = 60;

/** A file name stem from a title: letters, digits and dashes, never empty. */
export function fileStem(title: string, fallback: string): string {
	const stem = title
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^A-Za-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, MAX_STEM)
		.toLowerCase();
	return stem || fallback;
}

/** One guide as Markdown: its title as the heading, then its body. */
export function guideMarkdown(title: string, doc: Y.Doc, manager = new MarkdownManager({ extensions: guideNodes() })): string {
	const json = yXmlFragmentToProseMirrorRootNode(guideBody(doc), getSchema(guideNodes())).toJSON();
	return `# ${title}\n\n${manager.serialize(json).trim()}\n`;
}

/** The zip of guides, one `<title>.md` each (numbered when two titles make the same name). */
export function guidesZip(guides: { title: string; doc: Y.Doc }[], untitled: string): Uint8Array {
	const manager = new MarkdownManager({ extensions: guideNodes() });
	const files: Record<string, Uint8Array> = {};
	for (const guide of guides) {
		const stem = fileStem(guide.title, fileStem(untitled, 'guide'));
		let name = `${stem}.md`;
		for (let n = 2; name in files; n++) name = `${stem}-${n}.md`;
		files[name] = strToU8(guideMarkdown(guide.title || untitled, guide.doc, manager));
	}
	return zipSync(files);
}
