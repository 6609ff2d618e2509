import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { commonsApi, guidePayload, newEntryId, newPublisher } from '../helpers/commons';
import { listedTitles, startCommonsRelay } from '../helpers/commons-app';
import type { TestRelay } from '../helpers/relay';

let relay: TestRelay;
let browser: Browser;
const id = newEntryId();

beforeAll(async () => {
	relay = await startCommonsRelay();
	browser = await launchBrowser();
	const answer = await commonsApi(relay.url).publish(newPublisher(), guidePayload(id, 1));
	expect(answer.status).toBe(201);
});

afterAll(async () => {
	await browser?.close();
	await relay?.close();
});

describe('the commons before first start', () => {
	it('is readable with no name chosen, and Copy to my group asks for a name and a group', async () => {
		const context = await newPhoneContext(browser);
		const page = await context.newPage();
		try {
			await page.goto(`${relay.url}/commons?lang=en`);
			await page.getByRole('searchbox', { name: 'Search commons' }).waitFor();
			await expect.poll(() => listedTitles(page)).toEqual(['Legal support at actions']);
			await page.getByRole('link', { name: 'Legal support at actions' }).click();
			await page.getByRole('heading', { level: 1, name: 'Legal support at actions' }).waitFor();
			await page.getByText('Write the number of the legal team on your arm.').waitFor();

			await page.getByRole('button', { name: 'Copy to my group' }).click();
			const dialog = page.getByRole('dialog');
			await dialog.getByRole('textbox', { name: 'Your name' }).fill('Noor');
			await dialog.getByRole('textbox', { name: 'Group name' }).fill('Legal observers');
			expect(await seriousAxeViolations(page)).toEqual([]);
			await dialog.getByRole('button', { name: 'Create group and copy' }).click();
			await page.waitForURL(/\/g\/[^/]+\/guides\/[A-Za-z0-9_-]{22}$/);
			await page.getByRole('heading', { level: 1, name: 'Legal support at actions' }).waitFor();
			await page.getByText('Copied from the commons', { exact: false }).waitFor();
			await page.getByRole('link', { name: 'Home' }).click();
			await page.getByRole('heading', { level: 1, name: 'Hi, Noor' }).waitFor();
			await page.getByRole('link', { name: 'Legal observers' }).waitFor();
		} finally {
			await context.close();
		}
	});
});
