import { describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { firstStart, newPhoneContext } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup } from '../helpers/flows';
import { quickLock, setLock } from '../helpers/lock';

const session = useAppSession();

describe('the shell before JavaScript', () => {
	for (const scheme of ['light', 'dark'] as const) {
		it(`paints the top bar, a skeleton and the bottom bar from HTML and CSS alone, in the ${scheme} theme`, async () => {
			const context = await newPhoneContext(session.browser);
			await context.route('**/sw.js', (route) => route.abort());
			// No app JavaScript at all: what shows is what app.html and static/shell.css paint by themselves.
			await context.route('**/_app/**/*.js', (route) => route.abort());
			const page = await context.newPage();
			await page.emulateMedia({ colorScheme: scheme });
			await page.goto(`${session.relay.url}/?lang=en`);
			const shell = page.locator('#boot-shell');
			await expect.poll(() => shell.isVisible()).toBe(true);
			expect(await shell.locator('.boot-top').textContent()).toBe('Fieldbook');
			expect(await shell.locator('.boot-nav').isVisible()).toBe(true);
			const background = await page.evaluate(() => getComputedStyle(document.getElementById('boot-shell')!).backgroundColor);
			expect(background).toBe(scheme === 'dark' ? 'rgb(18, 20, 17)' : 'rgb(247, 246, 242)');
			await context.close();
		});
	}

	it('gives way to the real shell once the app mounts, for a first visit and a returning member', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		await page.goto(`${session.relay.url}/?lang=en`);
		await page.getByRole('heading', { level: 1 }).waitFor();
		expect(await page.locator('#boot-shell').count()).toBe(0);
		await firstStart(page, session.relay.url, 'Boot');
		await page.reload();
		await page.getByRole('navigation', { name: 'Main' }).waitFor();
		expect(await page.locator('#boot-shell').count()).toBe(0);
		await context.close();
	});

	describe("a returning member's groups", () => {
		const GROUPS = ['Allotment keepers', 'Bike kitchen'];

		/** A phone with no service worker (so the test can hold the app's files back) that made `GROUPS`. */
		async function returningPhone(options: { lock?: boolean } = {}): Promise<{ context: BrowserContext; groupUrls: string[] }> {
			const context = await newPhoneContext(session.browser);
			await context.route('**/sw.js', (route) => route.abort());
			if (options.lock) await quickLock(context);
			const page = await context.newPage();
			await firstStart(page, session.relay.url, 'Rosa');
			const groupUrls = [];
			for (const name of GROUPS) groupUrls.push(await createGroup(page, name));
			if (options.lock) await setLock(page, 'seven quiet rivers at dawn');
			await page.close();
			return { context, groupUrls };
		}

		it('paint on home from the catalogue before any of the app’s JavaScript has run', async () => {
			const { context, groupUrls } = await returningPhone();
			await context.route('**/_app/**/*.js', (route) => route.abort());
			const page = await context.newPage();
			await page.goto(`${session.relay.url}/?lang=en`);
			const links = page.locator('#boot-shell section[aria-labelledby="home-groups"] a');
			await expect.poll(() => links.allTextContents()).toEqual(GROUPS);
			expect(await links.evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href))).toEqual(groupUrls);
			expect(await links.first().isVisible()).toBe(true);
			// Only on home: another screen's skeleton stays text-free.
			const other = await context.newPage();
			await other.goto(`${session.relay.url}/settings?lang=en`);
			await other.locator('#boot-shell .boot-nav').waitFor();
			expect(await other.locator('#boot-shell a').count()).toBe(0);
			await context.close();
		});

		it('give way to the app’s own list once it mounts', async () => {
			const { context } = await returningPhone();
			const page = await context.newPage();
			const requested: string[] = [];
			page.on('request', (request) => requested.push(new URL(request.url()).pathname));
			await page.goto(`${session.relay.url}/?lang=en`);
			const groups = page.getByRole('region', { name: 'My groups' });
			for (const name of GROUPS) await groups.getByRole('link', { name, exact: true }).waitFor();
			expect(await page.locator('#boot-shell').count()).toBe(0);
			expect(requested).toContain('/boot/glance.js');
			await context.close();
		});

		it('stay sealed while the app is locked: the skeleton shows no name', async () => {
			const { context } = await returningPhone({ lock: true });
			await context.route('**/_app/**/*.js', (route) => route.abort());
			const page = await context.newPage();
			const glance = page.waitForResponse((response) => new URL(response.url()).pathname === '/boot/glance.js');
			await page.goto(`${session.relay.url}/?lang=en`);
			await glance;
			// The boot script has opened the catalogue, found the master key wrapped and read nothing.
			const read = await page.evaluate(() => (window as unknown as { fieldbookGlance?: Promise<unknown> }).fieldbookGlance ?? 'no glance');
			expect(read).toBeUndefined();
			expect(await page.locator('#boot-shell a').count()).toBe(0);
			expect((await page.locator('#boot-shell').textContent())?.trim()).toBe('Fieldbook');
			await context.close();
		});

		it('are not looked for on a first visit: no catalogue is made and the glance module is not loaded', async () => {
			const context = await newPhoneContext(session.browser);
			const page = await context.newPage();
			const requested: string[] = [];
			page.on('request', (request) => requested.push(new URL(request.url()).pathname));
			await page.goto(`${session.relay.url}/?lang=en`);
			await page.getByRole('textbox', { name: 'Your name' }).waitFor();
			expect(requested).not.toContain('/boot/glance.js');
			expect(await page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name))).toEqual([]);
			await context.close();
		});
	});
});
