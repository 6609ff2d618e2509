import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPhoneContext } from '../helpers/browser';
import { campaignPayload, commonsApi, guidePayload, newEntryId, newPublisher } from '../helpers/commons';
import { startCommonsRelay } from '../helpers/commons-app';
import type { TestRelay } from '../helpers/relay';
import { en } from '../../src/lib/i18n/catalogue';

/**
 * The screens someone new opens first carry only part of the language (`catalogue-public.ts`, plus what
 * first start and the commons list bring): every message they show must be in it, so no message key is
 * ever on screen, in English or in Swedish.
 */
let relay: TestRelay;
let browser: Browser;
const campaign = newEntryId();
const guide = newEntryId();
const KEYS = Object.keys(en);

beforeAll(async () => {
	relay = await startCommonsRelay();
	browser = await launchBrowser();
	const api = commonsApi(relay.url);
	expect((await api.publish(newPublisher(), campaignPayload(campaign, 1, { starts: '2031-06-12T14:00', ends: '2031-06-12T16:00', timeZone: 'Europe/Stockholm' }))).status).toBe(201);
	expect((await api.publish(newPublisher(), guidePayload(guide, 1))).status).toBe(201);
});

afterAll(async () => {
	await browser?.close();
	await relay?.close();
});

/** Every message key found in the page's text or in an accessible name, label or title. */
async function keysOnScreen(page: Page): Promise<string[]> {
	const text = await page.evaluate(() => {
		const labels = [...document.querySelectorAll('[aria-label], [title], [placeholder]')].map((element) =>
			['aria-label', 'title', 'placeholder'].map((name) => element.getAttribute(name) ?? '').join(' ')
		);
		return [document.title, document.body.innerText, ...labels].join('\n');
	});
	return KEYS.filter((key) => text.includes(key));
}

describe.each(['en', 'sv'])('the screens someone new opens first (%s)', (lang) => {
	it('show no message key: first start, the commons list, a campaign, a guide and its report dialog', async () => {
		const context = await newPhoneContext(browser);
		const page = await context.newPage();
		try {
			await page.goto(`${relay.url}/?lang=${lang}`);
			await page.locator('#first-start-name').waitFor();
			// First start's restore loads beside it; its heading is part of the screen.
			await page.locator('input[type="file"]').waitFor({ state: 'attached' });
			expect(await keysOnScreen(page)).toEqual([]);

			await page.goto(`${relay.url}/commons?lang=${lang}`);
			await page.getByRole('searchbox').waitFor();
			await page.locator('h3 a[href^="/commons/"]').first().waitFor();
			expect(await keysOnScreen(page)).toEqual([]);

			await page.goto(`${relay.url}/commons/${campaign}?lang=${lang}`);
			await page.locator('article h1').waitFor();
			await page.locator('.fingerprint').filter({ hasText: /\S/ }).waitFor();
			expect(await keysOnScreen(page)).toEqual([]);

			await page.goto(`${relay.url}/commons/${guide}?lang=${lang}`);
			await page.locator('article h1').waitFor();
			await page.locator('.report button').click();
			await page.getByRole('dialog').locator('textarea').waitFor();
			expect(await keysOnScreen(page)).toEqual([]);
		} finally {
			await context.close();
		}
	});
});
