import { describe, expect, it } from 'vitest';
import { firstStart, newPhoneContext, waitForServiceWorker } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';

const session = useAppSession();

describe('the shell opens in airplane mode', () => {
	it('reloads and opens a deep link offline after one visit', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		await firstStart(page, session.relay.url, 'Ada');
		await waitForServiceWorker(page);

		await context.setOffline(true);
		await page.reload();
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Ada');
		await expect(page.getByRole('status', { name: 'Sync status' }).textContent()).resolves.toContain('Offline');

		await page.goto(`${session.relay.url}/settings`);
		await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
		expect(await page.getByRole('combobox', { name: 'Language' }).inputValue()).toBe('en');

		// A route the app does not have still boots the shell (and says so) rather than a browser error page.
		await page.goto(`${session.relay.url}/no/such/screen`);
		await page.getByRole('heading', { level: 1 }).waitFor();
		await context.close();
	});
});
