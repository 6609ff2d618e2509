import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { firstStart, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';

const session = useAppSession();

async function expectNoSeriousViolations(page: Page, screen: string) {
	const violations = await seriousAxeViolations(page);
	expect(violations, `${screen}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
}

describe('accessibility of the shell screens', () => {
	for (const colorScheme of ['light', 'dark'] as const) {
		it(`first start, home and settings have no serious or critical axe violations (${colorScheme})`, async () => {
			const context = await newPhoneContext(session.browser);
			const page = await context.newPage();
			await page.emulateMedia({ colorScheme });
			await page.goto(`${session.relay.url}/?lang=en`);
			await page.getByRole('button', { name: 'Continue' }).waitFor();
			await expectNoSeriousViolations(page, 'first start');

			await firstStart(page, session.relay.url, 'Ada');
			await expectNoSeriousViolations(page, 'home');

			await page.getByRole('link', { name: 'Settings' }).click();
			await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
			await expectNoSeriousViolations(page, 'settings');
			await context.close();
		});
	}

	it('has a skip link and landmarks, and nothing overflows a 360 px screen', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		await firstStart(page, session.relay.url, 'Ada');
		await page.reload();
		await page.getByRole('heading', { level: 1 }).waitFor();
		await page.keyboard.press('Tab');
		expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
		expect(await page.getByRole('main').count()).toBe(1);
		expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(1);
		for (const path of ['/', '/settings']) {
			await page.goto(`${session.relay.url}${path}`);
			await page.getByRole('heading', { level: 1 }).waitFor();
			const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
			expect(overflow, path).toBeLessThanOrEqual(0);
		}
		await context.close();
	});
});
