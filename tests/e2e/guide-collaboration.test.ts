import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousAxeViolations } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { startDiscussion, twoMembers, waitForSyncStatus } from '../helpers/flows';

const session = useAppSession();

function body(page: Page) {
	return page.getByRole('textbox', { name: 'Guide body' });
}

/** The body's text without other people's caret labels. */
function bodyText(page: Page): Promise<string> {
	return body(page).evaluate((element) => {
		const copy = element.cloneNode(true) as HTMLElement;
		for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove();
		return copy.textContent ?? '';
	});
}

async function typeAtEnd(page: Page, text: string): Promise<void> {
	await body(page).click();
	await page.keyboard.press('Control+End');
	await page.keyboard.type(text);
}

/** A creates a guide with a title and opens the same guide on B. */
async function sharedGuide(a: Page, b: Page, groupUrlA: string, groupUrlB: string, title: string): Promise<string> {
	await a.goto(`${groupUrlA}/guides`);
	await a.getByRole('button', { name: 'New guide' }).click();
	await a.getByRole('textbox', { name: 'Title' }).fill(title);
	await typeAtEnd(a, 'Start.');
	await waitForSyncStatus(a, 'Saved to relay');
	const docId = new URL(a.url()).pathname.split('/').pop()!;
	await b.goto(`${groupUrlB}/guides/${docId}`);
	await b.getByRole('heading', { level: 1, name: title }).waitFor();
	return docId;
}

describe('guides in two browsers', () => {
	it("carets are sent after home has loaded: A visits home, then the guide, and B sees A's caret", async () => {
		const m = await twoMembers(session.browser, session.relay.url, 'Carets');
		try {
			// A discussion, so that home has threads to count (it used to open them all, and presence stayed on one).
			await startDiscussion(m.a, m.groupUrlA, 'Logistics', ['Who brings the banner?']);
			const docId = await sharedGuide(m.a, m.b, m.groupUrlA, m.groupUrlB, 'Meeting notes');

			// A goes home, then walks to the guide inside the app (no reload).
			await m.a.getByRole('link', { name: 'Home' }).click();
			await m.a.getByRole('link', { name: 'Carets', exact: true }).click();
			await m.a.getByRole('heading', { level: 1, name: 'Carets' }).waitFor();
			await m.a.getByRole('link', { name: 'Guides', exact: true }).click();
			await m.a.getByRole('link', { name: /Meeting notes/ }).click();
			await m.a.getByRole('heading', { level: 1, name: 'Meeting notes' }).waitFor();
			expect(m.a.url()).toContain(docId);

			await m.b.getByRole('button', { name: 'Edit' }).click();
			const editA = m.a.getByRole('button', { name: 'Edit' });
			if (await editA.isVisible()) await editA.click();
			await typeAtEnd(m.a, ' Time.');
			// Waits until A's labelled caret is in B's editor (it fails when A's presence is about another doc).
			await m.b.locator('.collaboration-carets__caret', { hasText: 'Alice' }).waitFor({ timeout: 30_000 });
		} finally {
			await m.close();
		}
	});

	it('two people edit one guide at the same time and end with the same text', async () => {
		const m = await twoMembers(session.browser, session.relay.url, 'Guides together');
		await sharedGuide(m.a, m.b, m.groupUrlA, m.groupUrlB, 'Action day');
		await m.b.getByRole('button', { name: 'Edit' }).click();
		await Promise.all([typeAtEnd(m.a, ' Alice writes here.'), typeAtEnd(m.b, ' Bashir writes there.')]);
		await expect
			.poll(async () => {
				const [textA, textB] = await Promise.all([bodyText(m.a), bodyText(m.b)]);
				return textA === textB && textA.includes('Alice writes here.') && textA.includes('Bashir writes there.');
			}, { timeout: 30_000 })
			.toBe(true);
		expect(await seriousAxeViolations(m.a)).toEqual([]);
		await m.close();
	});

	it('offline, B ticks a checklist item and adds a paragraph while A edits; after reconnecting both see everything', async () => {
		const m = await twoMembers(session.browser, session.relay.url, 'Checklists');
		await sharedGuide(m.a, m.b, m.groupUrlA, m.groupUrlB, 'Packing list');
		await typeAtEnd(m.a, '\n');
		await m.a.getByRole('button', { name: 'Checklist' }).click();
		await m.a.keyboard.type('Pack water');
		await waitForSyncStatus(m.a, 'Saved to relay');
		const itemB = m.b.getByRole('checkbox', { name: 'Pack water' });
		await itemB.waitFor();
		// Read view: the axe check covers the reading screen with a checklist.
		expect(await seriousAxeViolations(m.b)).toEqual([]);

		await m.contextB.setOffline(true);
		await waitForSyncStatus(m.b, 'Offline');
		await itemB.check();
		await m.b.getByRole('button', { name: 'Edit' }).click();
		await typeAtEnd(m.b, '\nWritten offline by Bashir.');
		await typeAtEnd(m.a, '\nMeanwhile Alice adds this.');
		await waitForSyncStatus(m.a, 'Saved to relay');

		await m.contextB.setOffline(false);
		await waitForSyncStatus(m.b, 'Saved to relay');
		await expect
			.poll(async () => {
				const [textA, textB] = await Promise.all([bodyText(m.a), bodyText(m.b)]);
				return textA === textB && textA.includes('Written offline by Bashir.') && textA.includes('Meanwhile Alice adds this.');
			}, { timeout: 30_000 })
			.toBe(true);
		await expect.poll(() => m.a.getByRole('checkbox', { name: 'Pack water' }).isChecked(), { timeout: 15_000 }).toBe(true);
		await m.close();
	});

	it('a named version is restored, and the restore reaches the other person', async () => {
		const m = await twoMembers(session.browser, session.relay.url, 'Versions');
		await sharedGuide(m.a, m.b, m.groupUrlA, m.groupUrlB, 'Press plan');
		await typeAtEnd(m.a, ' First draft.');
		await m.a.getByRole('button', { name: 'More for this guide' }).click();
		await m.a.getByRole('menuitem', { name: 'History' }).click();
		await m.a.getByRole('textbox', { name: 'Version name' }).fill('Before the rewrite');
		await m.a.getByRole('button', { name: 'Save version' }).click();
		await m.a.getByRole('dialog').getByText('Before the rewrite').waitFor();
		expect(await seriousAxeViolations(m.a)).toEqual([]);
		await m.a.keyboard.press('Escape');

		await body(m.a).click();
		await m.a.keyboard.press('Control+a');
		await m.a.keyboard.type('Rewritten completely.');
		await expect.poll(() => bodyText(m.b), { timeout: 30_000 }).toBe('Rewritten completely.');

		await m.a.getByRole('button', { name: 'More for this guide' }).click();
		await m.a.getByRole('menuitem', { name: 'History' }).click();
		await m.a.getByRole('button', { name: /View: Before the rewrite/ }).click();
		await m.a.getByRole('button', { name: 'Restore this version' }).click();
		await expect.poll(() => bodyText(m.a), { timeout: 15_000 }).toBe('Start. First draft.');
		await expect.poll(() => bodyText(m.b), { timeout: 30_000 }).toBe('Start. First draft.');
		await m.close();
	});
});

describe('guide Markdown and templates', () => {
	it('a guide with every block type exports to the Markdown it was imported from', async () => {
		const m = await twoMembers(session.browser, session.relay.url, 'Markdown');
		const source = readFileSync('tests/fixtures/every-block.md', 'utf8');
		await m.a.goto(`${m.groupUrlA}/guides`);
		await m.a.locator('input[type=file]').setInputFiles({ name: 'every-block.md', mimeType: 'text/markdown', buffer: Buffer.from(source) });
		await m.a.getByRole('textbox', { name: 'Title' }).waitFor();
		expect(await m.a.getByRole('textbox', { name: 'Title' }).inputValue()).toBe('Every block');
		await m.a.getByRole('checkbox', { name: 'Charge phone' }).waitFor();
		expect(await seriousAxeViolations(m.a)).toEqual([]);
		await m.a.getByRole('button', { name: 'More for this guide' }).click();
		await m.a.getByRole('menuitem', { name: 'Export' }).click();
		const [download] = await Promise.all([m.a.waitForEvent('download'), m.a.getByRole('button', { name: 'Download Markdown' }).click()]);
		const exported = readFileSync((await download.path())!, 'utf8');
		expect(exported.trim()).toBe(source.trim());
		await m.close();
	});

	it('offers the templates in English and in Swedish', async () => {
		const m = await twoMembers(session.browser, session.relay.url, 'Templates');
		await m.a.goto(`${m.groupUrlA}/guides`);
		await m.a.getByRole('link', { name: 'From template' }).click();
		await m.a.getByRole('heading', { level: 2, name: 'Plan an action day' }).waitFor();
		expect(await m.a.getByRole('heading', { level: 2 }).count()).toBeGreaterThanOrEqual(5);
		await m.a.getByRole('combobox', { name: 'Language of the guide' }).selectOption('sv');
		await m.a.getByRole('heading', { level: 2, name: 'Planera en aktionsdag' }).waitFor();
		expect(await seriousAxeViolations(m.a)).toEqual([]);
		await m.a.getByRole('button', { name: 'Use this template: Planera en aktionsdag' }).click();
		await m.a.getByRole('checkbox', { name: /Numret till juridiskt stöd/ }).waitFor();
		expect(await m.a.getByRole('textbox', { name: 'Title' }).inputValue()).toBe('Planera en aktionsdag');
		await m.close();
	});
});
