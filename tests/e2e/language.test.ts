import { describe, expect, it } from 'vitest';
import { firstStart, newPhoneContext } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';

const session = useAppSession();

describe('language', () => {
	it('switches to Svenska in settings and keeps it after a reload', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		await firstStart(page, session.relay.url, 'Ada');
		await page.getByRole('link', { name: 'Settings' }).click();
		await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Svenska' });
		await page.getByRole('heading', { level: 1, name: 'Inställningar' }).waitFor();
		expect(await page.evaluate(() => document.documentElement.lang)).toBe('sv');

		await page.goto(`${session.relay.url}/settings`);
		await page.getByRole('heading', { level: 1, name: 'Inställningar' }).waitFor();
		await expect(page.getByRole('link', { name: 'Hem' }).count()).resolves.toBe(1);
		expect(await page.evaluate(() => document.documentElement.lang)).toBe('sv');
		await context.close();
	});

	it('defaults to Swedish for a Swedish browser and English otherwise', async () => {
		const swedish = await newPhoneContext(session.browser, 'sv-SE');
		const page = await swedish.newPage();
		await page.goto(session.relay.url);
		await page.getByRole('button', { name: 'Fortsätt' }).waitFor();
		await swedish.close();

		const german = await newPhoneContext(session.browser, 'de-DE');
		const other = await german.newPage();
		await other.goto(session.relay.url);
		await other.getByRole('button', { name: 'Continue' }).waitFor();
		await german.close();
	});
});
