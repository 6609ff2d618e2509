import { describe, expect, it } from 'vitest';
import { linkify } from '../../../src/lib/discussions/links';

describe('links in message text', () => {
	it('turns http(s) and www addresses into links and leaves trailing punctuation as text', () => {
		expect(linkify('See https://example.org/a?b=1. And www.fieldbook.se, ok')).toEqual([
			{ kind: 'text', text: 'See ' },
			{ kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
			{ kind: 'text', text: '. And ' },
			{ kind: 'link', text: 'www.fieldbook.se', href: 'https://www.fieldbook.se/' },
			{ kind: 'text', text: ', ok' }
		]);
	});

	it('keeps a closing parenthesis that belongs to the address', () => {
		const pieces = linkify('(https://en.wikipedia.org/wiki/Sit-in_(protest))');
		expect(pieces[1]).toEqual({
			kind: 'link',
			text: 'https://en.wikipedia.org/wiki/Sit-in_(protest)',
			href: 'https://en.wikipedia.org/wiki/Sit-in_(protest)'
		});
	});

	it('never links other schemes and returns markup as plain text', () => {
		expect(linkify('javascript:alert(1) <b>hi</b> data:text/html,x')).toEqual([
			{ kind: 'text', text: 'javascript:alert(1) <b>hi</b> data:text/html,x' }
		]);
	});
});
