import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { firstStart, launchBrowser, newPhoneContext } from '../helpers/browser';
import { startAppRelay, type AppRelay } from '../helpers/app';

let relay: AppRelay;
let browser: Browser;

beforeAll(async () => {
	relay = await startAppRelay();
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await relay?.close();
});

describe('language', () => {
	it('switches to Svenska in settings and keeps it after a reload', async () => {
		const context = await newPhoneContext(browser);
		const page = await context.newPage();
		await firstStart(page, relay.url, 'Ada');
		await page.getByRole('link', { name: 'Settings' }).click();
		await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Svenska' });
		await page.getByRole('heading', { level: 1, name: 'Inställningar' }).waitFor();
		expect(await page.evaluate(() => document.documentElement.lang)).toBe('sv');

		await page.goto(`${relay.url}/settings`);
		await page.getByRole('heading', { level: 1, name: 'Inställningar' }).waitFor();
		await expect(page.getByRole('link', { name: 'Hem' }).count()).resolves.toBe(1);
		expect(await page.evaluate(() => document.documentElement.lang)).toBe('sv');
		await context.close();
	});

	it('defaults to Swedish for a Swedish browser and English otherwise', async () => {
		const swedish = await newPhoneContext(browser, 'sv-SE');
		const page = await swedish.newPage();
		await page.goto(relay.url);
		await page.getByRole('button', { name: 'Fortsätt' }).waitFor();
		await swedish.close();

		const german = await newPhoneContext(browser, 'de-DE');
		const other = await german.newPage();
		await other.goto(relay.url);
		await other.getByRole('button', { name: 'Continue' }).waitFor();
		await german.close();
	});
});
