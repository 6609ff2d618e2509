import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { BUILD_DIR } from '../helpers/app';
import { commonsApi, guidePayload, newEntryId, newPublisher } from '../helpers/commons';
import { listedTitles } from '../helpers/commons-app';
import { startTestRelay, type TestRelay } from '../helpers/relay';

/** Two reporters hide an entry here, so the test needs two devices rather than the relay's default three. */
const THRESHOLD = 2;
const TITLE = 'Home addresses of the landlords';
const OTHER = 'Tenant meeting checklist';
const HIDDEN = /hidden pending moderation/;

let relay: TestRelay;
let browser: Browser;
let contextA: BrowserContext;
let contextB: BrowserContext;
let id = '';

/** The titles on the Commons screen once its list has loaded. */
async function titlesShown(page: Page): Promise<string[]> {
	await page.getByRole('heading', { level: 2, name: /^Results/ }).waitFor();
	await page.locator('[aria-busy="true"]').waitFor({ state: 'detached' });
	return listedTitles(page);
}

beforeAll(async () => {
	// A report counts once per client address; both phones share 127.0.0.1 here, so the relay stands behind a
	// (pretend) reverse proxy and each phone's requests carry the address such a proxy would append.
	relay = await startTestRelay({ staticDir: BUILD_DIR, trustProxy: true, commons: { reportThreshold: THRESHOLD } });
	const api = commonsApi(relay.url);
	const publisher = newPublisher();
	id = newEntryId();
	expect((await api.publish(publisher, guidePayload(id, 1, { title: TITLE }))).status).toBe(201);
	expect((await api.publish(publisher, guidePayload(newEntryId(), 1, { title: OTHER }))).status).toBe(201);
	browser = await launchBrowser();
	[contextA, contextB] = await Promise.all([
		newPhoneContext(browser, undefined, { 'x-forwarded-for': '198.51.100.1' }),
		newPhoneContext(browser, undefined, { 'x-forwarded-for': '198.51.100.2' })
	]);
});

afterAll(async () => {
	await contextA?.close();
	await contextB?.close();
	await browser?.close();
	await relay?.close();
});

describe('reporting a commons entry', () => {
	it('keeps the reason offline, sends once per device, and hides the entry at the threshold everywhere', async () => {
		const a = await contextA.newPage();
		await a.goto(`${relay.url}/commons/${id}?lang=en`);
		await a.getByRole('heading', { level: 1, name: TITLE }).waitFor();
		await a.getByRole('button', { name: 'Report', exact: true }).click();
		const dialog = a.getByRole('dialog');
		await dialog.getByText(/Reports go to the moderators of this relay/).waitFor();
		expect(await seriousAxeViolations(a)).toEqual([]);

		// Offline: nothing is sent and the reason stays in the dialog.
		const reason = dialog.getByRole('textbox', { name: 'Why are you reporting it?' });
		await reason.fill('Lists private home addresses.');
		await contextA.setOffline(true);
		await dialog.getByRole('button', { name: 'Send report' }).click();
		await dialog.getByRole('alert').filter({ hasText: 'so the report was not sent' }).waitFor();
		expect(await reason.inputValue()).toBe('Lists private home addresses.');
		await contextA.setOffline(false);
		await dialog.getByRole('button', { name: 'Send report' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await a.getByRole('status').filter({ hasText: 'Thanks — your report was sent.' }).waitFor();
		expect(await a.getByRole('button', { name: 'Reported' }).isDisabled()).toBe(true);

		// The same device is not offered a second report, also after a reload.
		await a.reload();
		await a.getByRole('heading', { level: 1, name: TITLE }).waitFor();
		await a.getByRole('button', { name: 'Reported' }).waitFor();
		expect(await a.getByRole('button', { name: 'Report', exact: true }).count()).toBe(0);

		// A second device sees it listed, opens it and reports: that reaches the threshold.
		const b = await contextB.newPage();
		await b.goto(`${relay.url}/commons?lang=en`);
		expect(await titlesShown(b)).toEqual(expect.arrayContaining([TITLE, OTHER]));
		await b.getByRole('link', { name: TITLE }).click();
		await b.getByRole('heading', { level: 1, name: TITLE }).waitFor();
		await b.getByRole('button', { name: 'Report', exact: true }).click();
		await b.getByRole('dialog').getByRole('textbox', { name: 'Why are you reporting it?' }).fill('Doxxing.');
		await b.getByRole('dialog').getByRole('button', { name: 'Send report' }).click();
		await b.getByRole('status').filter({ hasText: HIDDEN }).waitFor();
		expect(await b.getByRole('heading', { level: 1, name: TITLE }).count()).toBe(0);

		// The kept list forgot it too: offline, the list from this device's copy no longer shows it.
		await contextB.setOffline(true);
		await b.getByRole('link', { name: 'Back' }).click();
		await b.getByText('This is the copy kept on this device.').waitFor();
		expect(await titlesShown(b)).toEqual([OTHER]);
		await contextB.setOffline(false);
		await b.goto(`${relay.url}/commons?lang=en`);
		expect(await titlesShown(b)).toEqual([OTHER]);

		// Opening it now answers 451: the first device is told it is hidden pending moderation.
		await a.reload();
		await a.getByRole('status').filter({ hasText: HIDDEN }).waitFor();
		expect(await a.getByRole('heading', { level: 1, name: TITLE }).count()).toBe(0);
	});
});
