import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { firstStart, launchBrowser, PHONE_VIEWPORT, seriousAxeViolations, waitForServiceWorker } from '../helpers/browser';
import { campaignPayload, commonsApi, newEntryId, newPublisher } from '../helpers/commons';
import { horizontalOverflow, listedTitles, publishThroughDialog, startCommonsRelay } from '../helpers/commons-app';
import { createGroup } from '../helpers/flows';
import type { TestRelay } from '../helpers/relay';

let relay: TestRelay;
let browser: Browser;

beforeAll(async () => {
	relay = await startCommonsRelay();
	browser = await launchBrowser();
	const api = commonsApi(relay.url);
	const publisher = newPublisher();
	for (const [title, place, location] of [
		['Harbour blockade', 'Malmö', { lat: 55.6, lon: 13 }],
		['Mine protest', 'Kiruna', { lat: 67.9, lon: 20.2 }]
	] as const) {
		expect((await api.publish(publisher, campaignPayload(newEntryId(), 1, { title, place, location }))).status).toBe(201);
	}
});

afterAll(async () => {
	await browser?.close();
	await relay?.close();
});

/** Picks a town in a place picker by typing and choosing the suggestion named `option`. */
async function pickPlace(page: Page, label: string, typed: string, option: string): Promise<void> {
	const box = page.getByRole('combobox', { name: label });
	await box.fill(typed);
	const choice = page.getByRole('option', { name: option, exact: true });
	await choice.waitFor();
	expect(await seriousAxeViolations(page)).toEqual([]);
	await choice.click();
	expect(await box.inputValue()).toBe(option);
}

describe('campaigns near me and near a place', () => {
	it('finds Lund and Malmö within 50 km of Lund, nearest first, never Kiruna, sending only the rounded position', async () => {
		// An organiser in Lund picks the town from the gazetteer and publishes.
		const organiser = await browser.newContext({ viewport: PHONE_VIEWPORT, locale: 'en-GB', hasTouch: true, serviceWorkers: 'allow' });
		const a = await organiser.newPage();
		await firstStart(a, relay.url, 'Lina');
		await waitForServiceWorker(a);
		const groupUrl = await createGroup(a, 'Lund for climate');
		await a.goto(`${groupUrl}/actions/new`);
		await a.getByRole('textbox', { name: 'Title' }).fill('Square sit-in');
		await a.getByLabel('Starts').fill('2031-05-01T12:00');
		await pickPlace(a, 'Town or city', 'lun', 'Lund, Sweden');
		await a.getByRole('textbox', { name: 'Place' }).fill('Stortorget');
		await a.getByRole('button', { name: 'Save' }).click();
		await a.getByRole('heading', { level: 1, name: 'Square sit-in' }).waitFor();
		await a.getByText('Lund, Sweden').waitFor();
		await publishThroughDialog(a, async (dialog) => {
			expect(await dialog.getByRole('combobox', { name: 'Town or city' }).inputValue()).toBe('Lund, Sweden');
			await dialog.getByText('A point on the map at Lund, rounded to about 10 km').waitFor();
			await dialog.getByRole('textbox', { name: 'Contact' }).fill('Signal +46 70 000 00 00');
		});
		// The slice fetched for that pick was kept by the service worker: offline, after a reload, it still answers.
		await organiser.setOffline(true);
		await a.goto(`${groupUrl}/actions/new`);
		await a.getByRole('combobox', { name: 'Town or city' }).fill('lund');
		await a.getByRole('option', { name: 'Lund, Sweden', exact: true }).waitFor();
		await organiser.close();

		// Someone standing at Lund cathedral asks for campaigns near them.
		const context = await browser.newContext({
			viewport: PHONE_VIEWPORT,
			locale: 'en-GB',
			hasTouch: true,
			serviceWorkers: 'allow',
			geolocation: { latitude: 55.70466, longitude: 13.19348 },
			permissions: ['geolocation']
		});
		const page = await context.newPage();
		const asked: string[] = [];
		page.on('request', (request) => {
			const url = new URL(request.url());
			if (url.pathname === '/api/commons/entries') asked.push(url.search);
		});
		try {
			await page.goto(`${relay.url}/commons?lang=en`);
			await page.getByRole('heading', { level: 2, name: /^Results/ }).waitFor();
			await page.getByText('Filters', { exact: true }).click();
			await page.getByLabel('Within').selectOption('50');
			expect(await seriousAxeViolations(page)).toEqual([]);
			expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
			await page.getByRole('button', { name: 'Near me' }).click();
			await page.waitForURL(/near=/);
			await expect.poll(() => listedTitles(page)).toEqual(['Square sit-in', 'Harbour blockade']);
			await page.getByText('Campaigns within 50 km of your position, nearest first.').waitFor();
			await page.getByText('17 km away').waitFor();

			const nearRequests = asked.filter((search) => search.includes('near='));
			expect(nearRequests.length).toBeGreaterThan(0);
			for (const search of nearRequests) {
				const params = new URLSearchParams(search);
				expect(params.get('near')).toBe('55.7,13.2');
				expect(params.get('within')).toBe('50');
			}
			// Nothing finer than the grid left the phone, in any request.
			expect(asked.join(' ')).not.toMatch(/55\.70\d|13\.19/);

			// The same from a place picked by name, and on the map.
			await page.getByRole('button', { name: 'Not near anywhere' }).click();
			await pickPlace(page, 'Near a place', 'Lund', 'Lund, Sweden');
			await page.getByRole('button', { name: 'Search', exact: true }).first().click();
			await page.waitForURL(/at=Lund/);
			await expect.poll(() => listedTitles(page)).toEqual(['Square sit-in', 'Harbour blockade']);
			await page.getByRole('button', { name: 'Show on map' }).click();
			const map = page.getByRole('img', { name: /^Map of 2 campaigns: Stortorget, Lund; Malmö$/ });
			await map.waitFor();
			expect(await map.locator('circle').count()).toBe(2);
			expect(await map.locator('path').first().getAttribute('d')).toMatch(/^M/);
			expect(await seriousAxeViolations(page)).toEqual([]);
			expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

			// Farther out, Kiruna is still not within 200 km of Lund.
			await page.getByLabel('Within').selectOption('200');
			await page.getByRole('button', { name: 'Search', exact: true }).first().click();
			await page.waitForURL(/within=200/);
			await expect.poll(() => listedTitles(page)).toEqual(['Square sit-in', 'Harbour blockade']);
		} finally {
			await context.close();
		}
	});
});
