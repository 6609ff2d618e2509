import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startAppRelay, type AppRelay } from '../helpers/app';
import { twoMembers, waitForSyncStatus } from '../helpers/flows';

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

describe('carets in a guide', () => {
	it('are sent after home has loaded: A visits home, then the guide, and B sees where A is', async () => {
		const m = await twoMembers(browser, relay.url, 'Carets');
		try {
			// A discussion, so that home has threads to count (it used to open them all, and presence stayed on one).
			await m.a.goto(`${m.groupUrlA}/discussions`);
			await m.a.getByRole('button', { name: 'New discussion' }).click();
			const dialog = m.a.getByRole('dialog');
			await dialog.getByRole('textbox', { name: 'Title' }).fill('Logistics');
			await dialog.getByRole('textbox', { name: 'Message' }).fill('Who brings the banner?');
			await dialog.getByRole('button', { name: 'Send' }).click();
			await m.a.getByRole('heading', { level: 1, name: 'Logistics' }).waitFor();

			await m.a.goto(`${m.groupUrlA}/guides`);
			await m.a.getByRole('button', { name: 'New guide' }).click();
			await m.a.getByRole('textbox', { name: 'Title' }).fill('Meeting notes');
			await m.a.getByRole('textbox', { name: 'Guide body' }).click();
			await m.a.keyboard.type('Agenda.');
			await waitForSyncStatus(m.a, 'Saved to relay');
			const guideUrlB = `${m.groupUrlB}/guides/${new URL(m.a.url()).pathname.split('/').pop()}`;

			// A goes home and waits for it to load its groups, then walks to the guide inside the app.
			await m.a.getByRole('link', { name: 'Home' }).click();
			await m.a.getByRole('link', { name: 'Carets', exact: true }).click();
			await m.a.getByRole('heading', { level: 1, name: 'Carets' }).waitFor();
			await m.a.getByRole('link', { name: 'Guides', exact: true }).click();
			await m.a.getByRole('link', { name: /Meeting notes/ }).click();
			await m.a.getByRole('heading', { level: 1, name: 'Meeting notes' }).waitFor();

			await m.b.goto(guideUrlB);
			await m.b.getByRole('heading', { level: 1, name: 'Meeting notes' }).waitFor();
			await m.b.getByRole('button', { name: 'Edit' }).click();

			const editA = m.a.getByRole('button', { name: 'Edit' });
			if (await editA.isVisible()) await editA.click();
			await m.a.getByRole('textbox', { name: 'Guide body' }).click();
			await m.a.keyboard.press('Control+End');
			await m.a.keyboard.type(' Time.');

			// Waits until A's labelled caret is in B's editor (it fails when A's presence is about another doc).
			await m.b.locator('.collaboration-carets__caret', { hasText: 'Alice' }).waitFor({ timeout: 30_000 });
		} finally {
			await m.close();
		}
	});
});
