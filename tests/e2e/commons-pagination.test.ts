import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { firstStart, launchBrowser, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { commonsApi, guidePayload, newEntryId, newPublisher } from '../helpers/commons';
import { listedTitles, startCommonsRelay } from '../helpers/commons-app';
import type { TestRelay } from '../helpers/relay';

let relay: TestRelay;
let browser: Browser;

/** One more than a page of results and a bit. */
const COUNT = 23;

beforeAll(async () => {
	relay = await startCommonsRelay();
	browser = await launchBrowser();
	const api = commonsApi(relay.url);
	const publisher = newPublisher();
	for (let index = 1; index <= COUNT; index++) {
		const answer = await api.publish(publisher, guidePayload(newEntryId(), 1, { title: `Guide number ${String(index).padStart(2, '0')}`, lang: index % 2 ? 'sv' : 'en' }));
		expect(answer.status).toBe(201);
	}
});

afterAll(async () => {
	await browser?.close();
	await relay?.close();
});

describe('commons pages', () => {
	it('shows 20 a page with next and previous, newest first, and keeps the page in the address', async () => {
		const context = await newPhoneContext(browser);
		const page = await context.newPage();
		try {
			await firstStart(page, relay.url, 'Pia');
			await page.getByRole('link', { name: 'Commons' }).click();
			await page.getByRole('heading', { level: 2, name: `Results · 1–20 of ${COUNT}` }).waitFor();
			const first = await listedTitles(page);
			expect(first).toHaveLength(20);
			expect(first[0]).toBe('Guide number 23');
			const pages = page.getByRole('navigation', { name: 'Pages' });
			expect(await pages.getByRole('link', { name: 'Previous page' }).count()).toBe(0);
			await pages.getByRole('link', { name: 'Next page' }).click();
			await page.getByRole('heading', { level: 2, name: `Results · 21–23 of ${COUNT}` }).waitFor();
			expect(await listedTitles(page)).toEqual(['Guide number 03', 'Guide number 02', 'Guide number 01']);
			expect(new URL(page.url()).searchParams.get('offset')).toBe('20');
			expect(await pages.getByRole('link', { name: 'Next page' }).count()).toBe(0);
			expect(await seriousAxeViolations(page)).toEqual([]);
			await pages.getByRole('link', { name: 'Previous page' }).click();
			await page.getByRole('heading', { level: 2, name: `Results · 1–20 of ${COUNT}` }).waitFor();

			// A language filter from the address, then the screen in Swedish.
			await page.goto(`${relay.url}/commons?language=sv&kind=guide`);
			await page.getByRole('heading', { level: 2, name: /^Results · 1–12 of 12/ }).waitFor();
			await page.goto(`${relay.url}/settings`);
			await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Svenska' });
			await page.goto(`${relay.url}/commons`);
			await page.getByRole('searchbox', { name: 'Sök i allmänningen' }).waitFor();
			await page.getByRole('heading', { level: 2, name: `Resultat · 1–20 av ${COUNT}` }).waitFor();
			await page.getByRole('link', { name: 'Nästa sida' }).waitFor();
			expect(await seriousAxeViolations(page)).toEqual([]);
		} finally {
			await context.close();
		}
	});
});
