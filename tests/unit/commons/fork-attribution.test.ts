import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fillFromEntry } from '../../../src/lib/commons/fork';
import { guideBodyJson } from '../../../src/lib/commons/publish';
import { bodyPlainText } from '../../../src/lib/commons/body';
import { bodyText, readAttribution, readFields } from '../../../src/lib/guides/schema';
import type { GuideEntry } from '../../../src/lib/commons/types';

const XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>';

function entry(body: unknown): GuideEntry {
	return {
		v: 1, id: 'E'.repeat(22), seq: 3, kind: 'guide', lang: 'sv', title: `Legal ${XSS}`, summary: '', tags: ['Legal'],
		publisher: 'Climate Justice Malmö', licence: 'CC-BY-SA-4.0', body: body as GuideEntry['body'],
		publicKey: 'k', signature: 's', signed: '{}', publishedAt: 1, updatedAt: 2
	};
}

describe('copying a public guide into a group', () => {
	it('writes the body and keeps title, publisher, licence and address as attribution', () => {
		const doc = new Y.Doc();
		fillFromEntry(doc, entry({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Bring water.' }] }, { type: 'taskList', content: [{ type: 'taskItem', attrs: { checked: false }, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Charge phone' }] }] }] }] }), 'https://fieldbook.example/');
		expect(readFields(doc)).toEqual({ title: `Legal ${XSS}`, language: 'sv', tags: ['legal'] });
		expect(readAttribution(doc)).toEqual({ title: `Legal ${XSS}`, publisher: 'Climate Justice Malmö', licence: 'CC-BY-SA-4.0', entryId: 'E'.repeat(22), url: `https://fieldbook.example/commons/${'E'.repeat(22)}` });
		expect(bodyText(doc)).toBe('Bring water.\nCharge phone');
		expect(guideBodyJson(doc).content?.[1]?.type).toBe('taskList');
	});

	it('drops unknown nodes, script links and stray attributes, and keeps markup as text', () => {
		const doc = new Y.Doc();
		fillFromEntry(
			doc,
			entry({
				type: 'doc',
				content: [
					{ type: 'paragraph', attrs: { onclick: 'alert(3)', class: 'x' }, content: [{ type: 'text', text: XSS, marks: [{ type: 'link', attrs: { href: 'javascript:alert(4)' } }, { type: 'bold' }] }] },
					{ type: 'iframe', attrs: { src: 'https://evil.example' } },
					{ type: 'paragraph', content: [{ type: 'text', text: 'ok', marks: [{ type: 'link', attrs: { href: 'https://example.org/a', target: '_self', onclick: 'x' } }] }] }
				]
			}),
			'https://fieldbook.example'
		);
		const json = JSON.stringify(guideBodyJson(doc));
		expect(json).not.toContain('javascript:');
		expect(json).not.toContain('iframe');
		expect(json).not.toContain('onclick');
		expect(bodyPlainText(guideBodyJson(doc))).toContain(XSS);
		expect(json).toContain('https://example.org/a');
	});

	it('survives a body that is not a document at all', () => {
		const doc = new Y.Doc();
		fillFromEntry(doc, entry('<p>hi</p>'), 'https://fieldbook.example');
		expect(bodyText(doc)).toBe('');
	});
});
