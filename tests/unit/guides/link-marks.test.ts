import { describe, expect, it } from 'vitest';
import { getSchema } from '@tiptap/core';
import type { DOMOutputSpec, Mark } from '@tiptap/pm/model';
import { guideNodes } from '../../../src/lib/guides/extensions';

const schema = getSchema(guideNodes());

/** A link mark as y-prosemirror makes one from what another device wrote into the shared document. */
function arriving(attrs: Record<string, unknown>): Mark {
	return schema.marks.link!.create(attrs);
}

/** The tag and attributes a mark renders with. */
function rendered(mark: Mark): { tag: string; attrs: Record<string, unknown> } {
	const spec = schema.marks.link!.spec.toDOM!(mark, true) as DOMOutputSpec & [string, Record<string, unknown>];
	return { tag: spec[0], attrs: spec[1] };
}

describe('link marks of a guide', () => {
	it('keep an href alone: target, class, title and rel from another device are dropped', () => {
		const mark = arriving({ href: 'https://example.org/page', target: '_self', class: 'button', title: 'Log in again', rel: 'opener' });
		expect(mark.attrs).toEqual({ href: 'https://example.org/page' });
		expect(rendered(mark)).toEqual({ tag: 'a', attrs: { target: '_blank', rel: 'noopener noreferrer', href: 'https://example.org/page' } });
	});

	it('open only http, https and mailto addresses; a protocol-relative or other href renders without one', () => {
		for (const href of ['//evil.example/login', 'javascript:alert(1)', 'data:text/html,hi', '/relative', 'evil.example', '', null]) {
			const { attrs } = rendered(arriving({ href }));
			expect(attrs, String(href)).not.toHaveProperty('href');
			expect(attrs).toMatchObject({ target: '_blank', rel: 'noopener noreferrer' });
		}
		expect(rendered(arriving({ href: 'mailto:someone@example.org' })).attrs.href).toBe('mailto:someone@example.org');
		expect(rendered(arriving({ href: 'http://example.org' })).attrs.href).toBe('http://example.org/');
	});

	it('a surface may add to how links open, never take away the new tab or the rel', () => {
		const commons = getSchema(guideNodes({ link: { HTMLAttributes: { rel: 'noopener noreferrer nofollow' } } }));
		const spec = commons.marks.link!.spec.toDOM!(commons.marks.link!.create({ href: 'https://example.org/', target: '_self' }), true) as [string, Record<string, unknown>];
		expect(spec[1]).toEqual({ target: '_blank', rel: 'noopener noreferrer nofollow', href: 'https://example.org/' });
		const careless = getSchema(guideNodes({ link: { HTMLAttributes: { rel: 'opener', target: '_self' } } }));
		const [, attrs] = careless.marks.link!.spec.toDOM!(careless.marks.link!.create({ href: 'https://example.org/' }), true) as [string, Record<string, unknown>];
		expect(attrs).toMatchObject({ target: '_blank', rel: 'noopener noreferrer opener' });
	});
});
