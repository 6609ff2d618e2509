import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { quickLock } from '../helpers/lock';

const session = useAppSession();

/** The names of the controls in each language (English names are the UI contract). */
const NAMES = {
	en: { name: 'Your name', continue: 'Continue', settings: 'Settings', appLock: 'App lock', passphrase: 'Passphrase', repeat: 'Repeat passphrase', set: 'Set passphrase', saved: 'Passphrase saved', lockNow: 'Lock now', locked: 'Fieldbook is locked', restore: 'Restore backup' },
	sv: { name: 'Ditt namn', continue: 'Fortsätt', settings: 'Inställningar', appLock: 'Applås', passphrase: 'Lösenfras', repeat: 'Upprepa lösenfrasen', set: 'Spara lösenfras', saved: 'Lösenfrasen är sparad', lockNow: 'Lås nu', locked: 'Fieldbook är låst', restore: 'Återställ säkerhetskopia' }
} as const;

async function noOverflow(page: Page, width: number, what: string): Promise<void> {
	await page.setViewportSize({ width, height: 740 });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	expect(overflow, `${what} at ${width} px`).toBeLessThanOrEqual(0);
	await page.setViewportSize({ width: 360, height: 740 });
}

describe('lock, settings and restore screens', () => {
	for (const lang of ['en', 'sv'] as const) {
		it(`have no serious axe violations and fit 320 px (${lang})`, async () => {
			const n = NAMES[lang];
			const context = await newPhoneContext(session.browser, lang === 'sv' ? 'sv-SE' : 'en-GB');
			await quickLock(context);
			const page = await context.newPage();
			try {
				await page.goto(`${session.relay.url}/?lang=${lang}`);
				// First start, with its restore form.
				await page.getByRole('button', { name: n.restore }).waitFor();
				expect(await seriousAxeViolations(page), 'first start and restore').toEqual([]);
				await noOverflow(page, 320, 'first start');
				await page.getByRole('textbox', { name: n.name }).fill('Ada');
				await page.getByRole('button', { name: n.continue }).click();

				await page.getByRole('link', { name: n.settings }).click();
				await page.getByRole('button', { name: n.restore }).waitFor();
				expect(await seriousAxeViolations(page), 'settings').toEqual([]);
				await noOverflow(page, 320, 'settings');

				await page.getByRole('link', { name: n.appLock }).click();
				await page.getByRole('textbox', { name: n.passphrase, exact: true }).fill('123456');
				await page.getByRole('textbox', { name: n.repeat }).fill('123456');
				await page.getByRole('button', { name: n.set }).click();
				await page.getByText(n.saved).waitFor({ timeout: 60_000 });
				expect(await seriousAxeViolations(page), 'app lock settings').toEqual([]);
				await noOverflow(page, 320, 'app lock settings');

				await page.getByRole('button', { name: n.lockNow }).click();
				await page.getByRole('heading', { level: 1, name: n.locked }).waitFor({ timeout: 30_000 });
				expect(await seriousAxeViolations(page), 'lock screen').toEqual([]);
				await noOverflow(page, 320, 'lock screen');
			} finally {
				await context.close();
			}
		});
	}
});
