import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousAxeViolations } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { guideBody, twoMembers } from '../helpers/flows';
import { writeGuide } from '../helpers/commons-app';

const session = useAppSession();

/** Every link in the guide body as the page has it. */
function bodyLinks(page: Page) {
	return guideBody(page).evaluate((element) =>
		[...element.querySelectorAll('a')].map((a) => ({
			text: a.textContent,
			href: a.getAttribute('href'),
			target: a.getAttribute('target'),
			rel: a.getAttribute('rel'),
			class: a.getAttribute('class'),
			title: a.getAttribute('title')
		}))
	);
}

describe('links in a guide, as another member wrote them', () => {
	it('a target="_self" and a protocol-relative href written straight into the shared document arrive stripped', async () => {
		const members = await twoMembers(session.browser, session.relay.url, 'Link check');
		const { a, b, groupUrlA, groupUrlB } = members;
		const docId = await writeGuide(a, groupUrlA, { title: 'Meeting points', body: 'Meet at the square.' });

		// Bashir's device writes link marks into the guide's Yjs body itself, past the editor's schema: what a
		// member's modified app could sync.
		await b.goto(`${groupUrlB}/guides/${docId}`);
		await guideBody(b).getByText('Meet at the square.').waitFor();
		await guideBody(b).evaluate((element) => {
			type Text = { length: number; insert(index: number, text: string, format: Record<string, unknown>): void };
			type Fragment = { get(index: number): { get(index: number): Text } };
			const editor = (element as unknown as { editor: { extensionManager: { extensions: { name: string; options: { fragment: Fragment } }[] } } }).editor;
			const fragment = editor.extensionManager.extensions.find((extension) => extension.name === 'collaboration')!.options.fragment;
			const text = fragment.get(0).get(0);
			text.insert(text.length, ' Log in', { link: { href: '//evil.example/login', target: '_self', class: 'button', title: 'Your session expired' } });
			text.insert(text.length, ' Map', { link: { href: 'https://example.org/map', target: '_self', class: 'button', title: 'Official map' } });
		});

		await guideBody(a).getByText('Map').waitFor({ timeout: 30_000 });
		expect(await bodyLinks(a)).toEqual([
			{ text: ' Log in', href: null, target: '_blank', rel: 'noopener noreferrer', class: null, title: null },
			{ text: ' Map', href: 'https://example.org/map', target: '_blank', rel: 'noopener noreferrer', class: null, title: null }
		]);
		// The stripped link opens nothing: the app's tab stays where it was.
		const before = a.url();
		await guideBody(a).getByText('Log in').click();
		expect(a.url()).toBe(before);
		expect(await a.context().pages()).toHaveLength(1);
		expect(await seriousAxeViolations(a)).toEqual([]);
		await members.close();
	});
});
