import { describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { guidesZip, fileStem } from '../../../src/lib/guides/markdown-export';
import { guideNodes } from '../../../src/lib/guides/extensions';
import { guideBody } from '../../../src/lib/guides/schema';

function guide(paragraphs: string[], checklist: string[] = []): Y.Doc {
	const doc = new Y.Doc();
	const content: object[] = paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] }));
	if (checklist.length)
		content.push({
			type: 'taskList',
			content: checklist.map((text) => ({ type: 'taskItem', attrs: { checked: false }, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] }))
		});
	prosemirrorJSONToYXmlFragment(getSchema(guideNodes()), { type: 'doc', content }, guideBody(doc));
	return doc;
}

describe('Export as Markdown', () => {
	it('zips each guide as Markdown under a name from its title, numbering clashes', () => {
		const zip = guidesZip(
			[
				{ title: 'Rättshjälp på plats', doc: guide(['Ring numret.'], ['Skriv numret på armen']) },
				{ title: 'Rättshjälp på plats', doc: guide(['Second copy.']) },
				{ title: '', doc: guide(['No title.']) }
			],
			'Untitled guide'
		);
		const files = unzipSync(zip);
		expect(Object.keys(files).sort()).toEqual(['rattshjalp-pa-plats-2.md', 'rattshjalp-pa-plats.md', 'untitled-guide.md']);
		const first = strFromU8(files['rattshjalp-pa-plats.md']!);
		expect(first).toContain('# Rättshjälp på plats');
		expect(first).toContain('Ring numret.');
		expect(first).toMatch(/- \[ \] Skriv numret på armen/);
		expect(strFromU8(files['untitled-guide.md']!)).toContain('# Untitled guide');
	});

	it('makes safe file names', () => {
		expect(fileStem('../../etc/passwd', 'x')).toBe('etc-passwd');
		expect(fileStem('???', 'guide')).toBe('guide');
	});
});
