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

describe('the shell before JavaScript', () => {
	for (const scheme of ['light', 'dark'] as const) {
		it(`paints the top bar, a skeleton and the bottom bar from HTML and CSS alone, in the ${scheme} theme`, async () => {
			const context = await newPhoneContext(browser);
			await context.route('**/sw.js', (route) => route.abort());
			// No app JavaScript at all: what shows is what app.html and static/shell.css paint by themselves.
			await context.route('**/_app/**/*.js', (route) => route.abort());
			const page = await context.newPage();
			await page.emulateMedia({ colorScheme: scheme });
			await page.goto(`${relay.url}/?lang=en`);
			const shell = page.locator('#boot-shell');
			await expect.poll(() => shell.isVisible()).toBe(true);
			expect(await shell.locator('.boot-top').textContent()).toBe('Fieldbook');
			expect(await shell.locator('.boot-nav').isVisible()).toBe(true);
			const background = await page.evaluate(() => getComputedStyle(document.getElementById('boot-shell')!).backgroundColor);
			expect(background).toBe(scheme === 'dark' ? 'rgb(18, 20, 17)' : 'rgb(251, 250, 247)');
			await context.close();
		});
	}

	it('gives way to the real shell once the app mounts, for a first visit and a returning member', async () => {
		const context = await newPhoneContext(browser);
		const page = await context.newPage();
		await page.goto(`${relay.url}/?lang=en`);
		await page.getByRole('heading', { level: 1 }).waitFor();
		expect(await page.locator('#boot-shell').count()).toBe(0);
		await firstStart(page, relay.url, 'Boot');
		await page.reload();
		await page.getByRole('navigation', { name: 'Main' }).waitFor();
		expect(await page.locator('#boot-shell').count()).toBe(0);
		await context.close();
	});
});
