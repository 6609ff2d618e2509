import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { firstStart, launchBrowser, newPhoneContext, seriousAxeViolations, waitForServiceWorker } from '../helpers/browser';
import { createGroup } from '../helpers/flows';
import { horizontalOverflow, listedTitles, publishThroughDialog, searchCommons, unpublishThroughDialog, startCommonsRelay, writeGuide } from '../helpers/commons-app';
import type { TestRelay } from '../helpers/relay';

let relay: TestRelay;
let browser: Browser;
let contextA: BrowserContext;
let contextB: BrowserContext;
let a: Page;
let b: Page;
let guideUrlA = '';
let actionUrlA = '';
/** The group's publisher key fingerprint, as its own guide screen shows it. */
let fingerprintA = '';

const GUIDE = 'Legal support at actions';
const CAMPAIGN = 'Winter of blockades';

beforeAll(async () => {
	relay = await startCommonsRelay();
	browser = await launchBrowser();
	contextA = await newPhoneContext(browser);
	contextB = await newPhoneContext(browser);
	a = await contextA.newPage();
	b = await contextB.newPage();
});

afterAll(async () => {
	await contextA?.close();
	await contextB?.close();
	await browser?.close();
	await relay?.close();
});

describe('the commons, end to end', () => {
	it('group A publishes a guide and a campaign after a consent dialog that says what becomes public', async () => {
		await firstStart(a, relay.url, 'Alice');
		const groupUrl = await createGroup(a, 'Climate Justice Malmö');
		await writeGuide(a, groupUrl, { title: GUIDE, body: 'Write the number of the legal team on your arm.', tags: 'legal, arrests' });
		guideUrlA = a.url().split('?')[0]!;

		await a.getByRole('button', { name: 'Publish to commons' }).click();
		const dialog = a.getByRole('dialog');
		await dialog.getByRole('list', { name: 'What becomes public' }).waitFor();
		// The dialog opens at its top: what becomes public is the first thing on screen.
		expect(await dialog.evaluate((element) => element.scrollTop)).toBe(0);
		const heading = (await dialog.getByRole('heading', { name: 'What becomes public' }).boundingBox())!;
		expect(heading.y).toBeGreaterThanOrEqual(0);
		expect(heading.y + heading.height).toBeLessThanOrEqual(740);
		const listed = await dialog.getByRole('list', { name: 'What becomes public' }).getByRole('listitem').allTextContents();
		expect(listed).toEqual([
			`Title: ${GUIDE}`,
			'Summary (below)',
			'The whole guide text as it is now',
			'Tags: legal, arrests',
			'Language: English',
			'Publisher name: Climate Justice Malmö',
			'Licence: CC BY-SA 4.0 (share alike)'
		]);
		await dialog.getByText('copies that others made or saved may outlive unpublishing').waitFor();
		expect(await dialog.getByLabel('Licence').inputValue()).toBe('CC-BY-SA-4.0');
		expect(await seriousAxeViolations(a)).toEqual([]);
		expect(await horizontalOverflow(a)).toBeLessThanOrEqual(0);
		await dialog.getByRole('textbox', { name: 'Summary' }).fill('What to do before, during and after arrests.');
		await dialog.getByLabel('Licence').selectOption('CC-BY-4.0');
		await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
		await dialog.waitFor({ state: 'hidden' });
		await a.getByText('Published in the commons').waitFor();
		await a.getByRole('button', { name: 'Unpublish' }).waitFor();
		// Once published, the button says what it does now, and the copy is up to date.
		await a.getByRole('button', { name: 'Update public copy' }).waitFor();
		expect(await a.getByRole('button', { name: 'Publish to commons' }).count()).toBe(0);
		await a.getByText('The public copy is up to date').waitFor();
		expect(await a.getByText('Edits not yet public').count()).toBe(0);
		// The published guide's screen starts with its text, near the top of a 360 × 740 phone.
		await a.evaluate(() => window.scrollTo(0, 0));
		const text = (await a.locator('.guide-prose').first().boundingBox())!;
		expect(text.y).toBeLessThan(400);
		// The group's own screen shows its key's fingerprint, the same pictures readers see on the entry.
		await a.getByText('Publisher key:').waitFor();
		await expect.poll(async () => (await a.locator('.key .fingerprint').textContent())?.split(' ').length).toBe(8);
		fingerprintA = (await a.locator('.key .fingerprint').textContent()) ?? '';
		expect(await seriousAxeViolations(a)).toEqual([]);

		await a.goto(`${groupUrl}/actions/new`);
		await a.getByRole('textbox', { name: 'Title' }).fill(CAMPAIGN);
		await a.getByLabel('Starts').fill('2031-12-01T10:00');
		await a.getByLabel('Ends').fill('2032-02-28T18:00');
		await a.getByRole('textbox', { name: 'Place' }).fill('Malmö hamn');
		await a.getByRole('button', { name: 'Save' }).click();
		await a.getByRole('heading', { level: 1, name: CAMPAIGN }).waitFor();
		actionUrlA = a.url();
		// Without a way to join, the dialog says what is missing instead of publishing.
		await a.getByRole('button', { name: 'Publish to commons' }).click();
		const campaignDialog = a.getByRole('dialog');
		await campaignDialog.getByRole('listitem').filter({ hasText: 'Place: Malmö hamn' }).waitFor();
		await campaignDialog.getByRole('button', { name: 'Publish', exact: true }).click();
		await campaignDialog.getByText('Say how people can join: a contact or a web page.').waitFor();
		await campaignDialog.getByRole('textbox', { name: 'Contact' }).fill('Signal +46 70 000 00 00');
		await campaignDialog.getByRole('textbox', { name: 'Tags (comma separated)' }).fill('Climate, coal');
		await campaignDialog.getByRole('button', { name: 'Publish', exact: true }).click();
		await campaignDialog.waitFor({ state: 'hidden' });
		await a.getByText('Published in the commons').waitFor();
	});

	it('a second phone with no group finds both by search and by each filter', async () => {
		await firstStart(b, relay.url, 'Bea');
		await waitForServiceWorker(b);
		await b.getByRole('link', { name: 'Commons' }).click();
		await b.getByRole('heading', { level: 1, name: 'Commons' }).waitFor();
		await b.getByRole('heading', { level: 2, name: /^Results/ }).waitFor();
		await expect.poll(() => listedTitles(b)).toEqual([CAMPAIGN, GUIDE]);
		await b.getByText(/^Last updated /).waitFor();
		expect(await seriousAxeViolations(b)).toEqual([]);
		expect(await horizontalOverflow(b)).toBeLessThanOrEqual(0);

		await searchCommons(b, 'arrests');
		expect(await listedTitles(b)).toEqual([GUIDE]);
		await searchCommons(b, 'blockades');
		expect(await listedTitles(b)).toEqual([CAMPAIGN]);
		await searchCommons(b, '', { kind: 'campaign' });
		expect(await listedTitles(b)).toEqual([CAMPAIGN]);
		await searchCommons(b, '', { kind: 'guide', lang: 'en', tag: 'Legal' });
		expect(await listedTitles(b)).toEqual([GUIDE]);
		await searchCommons(b, '', { kind: '', lang: '', tag: '', place: 'malmö' });
		expect(await listedTitles(b)).toEqual([CAMPAIGN]);
		await searchCommons(b, '', { place: '', kind: 'campaign', from: '2032-01-10', to: '2032-01-20' });
		expect(await listedTitles(b)).toEqual([CAMPAIGN]);
		await searchCommons(b, '', { from: '2033-01-01', to: '2033-12-31' });
		expect(await listedTitles(b)).toEqual([]);
		await b.getByText('Nothing found.', { exact: false }).waitFor();
		await b.getByRole('button', { name: 'Clear filters' }).click();
		await expect.poll(() => listedTitles(b)).toEqual([CAMPAIGN, GUIDE]);
		expect(await seriousAxeViolations(b)).toEqual([]);
	});

	it('reads the guide again offline after viewing it, and the last list too', async () => {
		await searchCommons(b, 'legal');
		await b.getByRole('link', { name: GUIDE }).click();
		await b.getByRole('heading', { level: 1, name: GUIDE }).waitFor();
		await b.getByText('Write the number of the legal team on your arm.').waitFor();
		await b.getByText('CC BY 4.0 (attribution)').waitFor();
		await b.getByRole('button', { name: 'Copy to my group' }).waitFor();
		await b.getByText(fingerprintA, { exact: true }).waitFor();
		// The campaign came from the same group key: it is listed beside the guide.
		await b.getByRole('region', { name: 'Also published with this key' }).getByRole('link', { name: CAMPAIGN }).waitFor();
		expect(await seriousAxeViolations(b)).toEqual([]);
		expect(await horizontalOverflow(b)).toBeLessThanOrEqual(0);
		const entryUrl = b.url();

		await contextB.setOffline(true);
		await b.reload();
		await b.getByRole('heading', { level: 1, name: GUIDE }).waitFor();
		await b.getByText('Write the number of the legal team on your arm.').waitFor();
		await b.getByText(/^Last updated /).waitFor();
		await b.getByText('This is the copy kept on this device.', { exact: false }).waitFor();
		await b.goto(`${relay.url}/commons?q=legal`);
		await expect.poll(() => listedTitles(b)).toEqual([GUIDE]);
		await b.getByText('This is the copy kept on this device.', { exact: false }).waitFor();
		await contextB.setOffline(false);
		await b.goto(entryUrl);
		await b.getByRole('heading', { level: 1, name: GUIDE }).waitFor();
	});

	it('copies the guide into a new group of its own, with attribution', async () => {
		await b.getByRole('button', { name: 'Copy to my group' }).click();
		const dialog = b.getByRole('dialog');
		await dialog.getByText('You are not in a group yet.', { exact: false }).waitFor();
		expect(await seriousAxeViolations(b)).toEqual([]);
		await dialog.getByRole('textbox', { name: 'Group name' }).fill('Lund legal team');
		await dialog.getByRole('button', { name: 'Create group and copy' }).click();
		await b.waitForURL(/\/g\/[^/]+\/guides\/[A-Za-z0-9_-]{22}$/);
		await b.getByRole('heading', { level: 1, name: GUIDE }).waitFor();
		await b.getByText(`Copied from the commons: “${GUIDE}” by Climate Justice Malmö, CC-BY-4.0.`).waitFor();
		await b.getByRole('link', { name: 'View the original' }).waitFor();
		await b.getByText('Write the number of the legal team on your arm.').waitFor();
		// The copy is an ordinary, editable guide of the new group.
		await b.getByRole('button', { name: 'Edit' }).click();
		await b.getByRole('textbox', { name: 'Guide body' }).click();
		await b.keyboard.press('Control+End');
		await b.keyboard.type(' Lund: call 046-000.');
		await b.getByRole('button', { name: 'Done' }).click();
		await b.getByText('Lund: call 046-000.', { exact: false }).waitFor();
		await b.getByRole('link', { name: 'Home' }).click();
		await b.getByRole('link', { name: 'Lund legal team' }).waitFor();
		expect(await seriousAxeViolations(b)).toEqual([]);
		// The group's guide list marks the copy.
		await b.getByRole('link', { name: 'Lund legal team' }).click();
		await b.getByRole('link', { name: 'Guides', exact: true }).click();
		const listed = b.getByRole('list', { name: 'Guides' }).getByRole('listitem').filter({ hasText: GUIDE });
		await listed.getByText('Copy from the commons').waitFor();
	});

	it('A updates and then unpublishes, and the list follows', async () => {
		await a.goto(guideUrlA);
		await a.getByRole('button', { name: 'Edit' }).click();
		await a.getByRole('textbox', { name: 'Title' }).fill(`${GUIDE}, second edition`);
		await a.getByRole('button', { name: 'Done' }).click();
		// The edit has not reached the public copy yet, and the screen says so.
		await a.getByText('Edits not yet public').waitFor();
		await publishThroughDialog(a, async (dialog) => {
			await dialog.getByRole('heading', { name: /^Update/ }).waitFor();
			expect(await dialog.getByRole('textbox', { name: 'Summary' }).inputValue()).toBe('What to do before, during and after arrests.');
		});
		await a.getByText('The public copy was updated.').waitFor();
		await a.getByText('The public copy is up to date').waitFor();
		expect(await a.getByText('Edits not yet public').count()).toBe(0);

		await b.goto(`${relay.url}/commons`);
		await expect.poll(() => listedTitles(b)).toEqual([`${GUIDE}, second edition`, CAMPAIGN]);

		// Copying into the group that published it asks first, and says so.
		await a.getByRole('link', { name: 'View in commons' }).click();
		await a.getByRole('heading', { level: 1, name: `${GUIDE}, second edition` }).waitFor();
		await a.getByRole('button', { name: 'Copy to my group' }).click();
		const copyDialog = a.getByRole('dialog');
		await copyDialog.getByText('Climate Justice Malmö published this guide.', { exact: false }).waitFor();
		await copyDialog.getByRole('button', { name: 'Copy to Climate Justice Malmö' }).waitFor();
		await copyDialog.getByRole('button', { name: 'Cancel' }).click();
		await copyDialog.waitFor({ state: 'hidden' });
		await a.goto(guideUrlA);
		await a.getByRole('heading', { level: 1, name: `${GUIDE}, second edition` }).waitFor();

		// Unpublish asks first; cancelling leaves it public.
		await a.getByRole('button', { name: 'Unpublish' }).click();
		await a.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
		await a.getByRole('dialog').waitFor({ state: 'hidden' });
		await a.getByText('Published in the commons').waitFor();
		await unpublishThroughDialog(a);
		await a.getByText('Published in the commons').waitFor({ state: 'detached' });
		await a.getByRole('button', { name: 'Publish to commons' }).waitFor();
		await a.goto(actionUrlA);
		await unpublishThroughDialog(a);

		await b.reload();
		await b.getByRole('heading', { level: 2, name: /^Results/ }).waitFor();
		await expect.poll(() => listedTitles(b)).toEqual([]);
		await b.getByText('Nothing has been published yet.').waitFor();
	});
});
