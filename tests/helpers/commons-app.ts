/**
 * Commons flows in the app, driven the way a screen reader does (UI-CONTRACT.md): publish a guide or an
 * action through the consent dialog, search the Commons screen. Signed requests from the test process use
 * tests/helpers/commons.ts.
 */
import type { Page } from 'playwright-core';
import { BUILD_DIR } from './app';
import { startTestRelay, type TestRelay } from './relay';

/** A relay serving the built app, with write limits raised so one test file can publish many entries. */
export function startCommonsRelay(): Promise<TestRelay> {
	return startTestRelay({ staticDir: BUILD_DIR, commons: { writesPerMinute: 1_000 } });
}

/** Writes a new guide with a title, body text and tags; returns its doc id and leaves it in the read view. */
export async function writeGuide(page: Page, groupUrl: string, guide: { title: string; body: string; tags?: string }): Promise<string> {
	await page.goto(`${groupUrl}/guides`);
	await page.getByRole('button', { name: 'New guide' }).click();
	await page.getByRole('textbox', { name: 'Title' }).fill(guide.title);
	const body = page.getByRole('textbox', { name: 'Guide body' });
	await body.click();
	await page.keyboard.type(guide.body);
	if (guide.tags) {
		await page.getByText(/^Tags \(comma separated\) ·/).click();
		await page.getByRole('textbox', { name: 'Tags (comma separated)' }).fill(guide.tags);
		await page.getByRole('textbox', { name: 'Tags (comma separated)' }).press('Tab');
	}
	await page.getByRole('button', { name: 'Done' }).click();
	await page.getByRole('heading', { level: 1, name: guide.title }).waitFor();
	return new URL(page.url()).pathname.split('/').pop()!;
}

/**
 * Opens the consent dialog (`Publish to commons`, or `Update public copy` once published), lets `fill` change
 * it, confirms with `Publish` and waits for the badge.
 */
export async function publishThroughDialog(page: Page, fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>): Promise<void> {
	await page.getByRole('button', { name: /^(Publish to commons|Update public copy)$/ }).click();
	const dialog = page.getByRole('dialog');
	await dialog.waitFor();
	await fill?.(dialog);
	await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
	await dialog.waitFor({ state: 'hidden' });
	await page.getByText('Published in the commons').waitFor();
}

/** Presses `Unpublish`, confirms in its dialog and waits for the notice. */
export async function unpublishThroughDialog(page: Page): Promise<void> {
	await page.getByRole('button', { name: 'Unpublish' }).click();
	const dialog = page.getByRole('dialog');
	await dialog.getByRole('heading', { name: /^Unpublish/ }).waitFor();
	await dialog.getByRole('button', { name: 'Unpublish' }).click();
	await dialog.waitFor({ state: 'hidden' });
	await page.getByText('Unpublished.', { exact: false }).waitFor();
}

/** Searches the Commons screen for free text (and optionally sets filters first) and waits for the answer. */
export async function searchCommons(page: Page, q: string, filters: { kind?: string; lang?: string; tag?: string; place?: string; from?: string; to?: string } = {}): Promise<void> {
	const before = page.url();
	await page.getByRole('searchbox', { name: 'Search commons' }).fill(q);
	if (Object.keys(filters).length) {
		const details = page.locator('details.filters');
		if (!(await details.evaluate((element) => (element as HTMLDetailsElement).open))) await page.getByText('Filters', { exact: true }).click();
		if (filters.kind !== undefined) await page.getByLabel('Type').selectOption(filters.kind);
		if (filters.lang !== undefined) await page.getByLabel('Language').selectOption(filters.lang);
		if (filters.tag !== undefined) await page.getByRole('textbox', { name: 'Tag' }).fill(filters.tag);
		if (filters.place !== undefined) await page.getByRole('textbox', { name: 'Place' }).fill(filters.place);
		if (filters.from !== undefined) await page.getByLabel('From').fill(filters.from);
		if (filters.to !== undefined) await page.getByLabel('To', { exact: true }).fill(filters.to);
	}
	await page.getByRole('searchbox', { name: 'Search commons' }).press('Enter');
	if (page.url() !== before) await page.waitForURL((url) => url.href !== before);
	await page.getByRole('heading', { level: 2, name: /^Results/ }).waitFor();
	await page.locator('[aria-busy="true"]').waitFor({ state: 'detached' });
}

/** The titles listed on the Commons screen now. */
export async function listedTitles(page: Page): Promise<string[]> {
	const list = page.getByRole('list', { name: /^Results/ });
	if ((await list.count()) === 0) return [];
	return list.getByRole('heading', { level: 3 }).allTextContents();
}

/** How far the page is wider than a 360 px screen (0 or less when nothing overflows). */
export function horizontalOverflow(page: Page): Promise<number> {
	return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}
