import { describe, expect, it } from 'vitest';
import { firstStart, newPhoneContext } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';

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
});
