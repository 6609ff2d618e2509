import type { BrowserContext, Page } from 'playwright-core';

/**
 * Test-only hooks the app reads before it starts (`window.__FIELDBOOK_TEST__`): the lock calibrates to a
 * short target (memory stays at the 32 MiB floor, so the real Argon2id runs), and optionally a short idle time.
 */
export async function quickLock(context: BrowserContext, hooks: { autoLockMs?: number } = {}): Promise<void> {
	await context.addInitScript((h) => {
		(window as unknown as { __FIELDBOOK_TEST__: object }).__FIELDBOOK_TEST__ = { lockTargetMs: 50, ...h };
	}, hooks);
}

/** Settings → App lock → sets a passphrase and waits until it is saved (English names). */
export async function setLock(page: Page, passphrase: string): Promise<void> {
	await page.getByRole('link', { name: 'Settings' }).click();
	await page.getByRole('link', { name: 'App lock' }).click();
	await page.getByRole('textbox', { name: 'Passphrase', exact: true }).fill(passphrase);
	await page.getByRole('textbox', { name: 'Repeat passphrase' }).fill(passphrase);
	await page.getByRole('button', { name: 'Set passphrase' }).click();
	await page.getByText('Passphrase saved').waitFor({ timeout: 60_000 });
}

/** Types a passphrase on the lock screen and presses Unlock. */
export async function unlock(page: Page, passphrase: string): Promise<void> {
	await page.getByRole('textbox', { name: 'Passphrase' }).fill(passphrase);
	await page.getByRole('button', { name: 'Unlock' }).click();
}
