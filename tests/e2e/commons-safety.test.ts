import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { firstStart, launchBrowser, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { createGroup } from '../helpers/flows';
import { campaignPayload, commonsApi, guidePayload, newEntryId, newPublisher, unpublishPayload } from '../helpers/commons';
import { horizontalOverflow, listedTitles, publishThroughDialog, startCommonsRelay, writeGuide } from '../helpers/commons-app';
import type { TestRelay } from '../helpers/relay';
import { verifySigned } from '../../src/lib/commons/sign';

let relay: TestRelay;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let groupUrl = '';

beforeAll(async () => {
	relay = await startCommonsRelay();
	browser = await launchBrowser();
	context = await newPhoneContext(browser);
	page = await context.newPage();
	await firstStart(page, relay.url, 'Alice');
	groupUrl = await createGroup(page, 'Tenants union');
});

afterAll(async () => {
	await context?.close();
	await browser?.close();
	await relay?.close();
});

/** Counts every way a payload could have run: the flag it sets, and alert/confirm/prompt dialogs. */
async function armXssTrap(target: Page): Promise<() => Promise<number>> {
	let dialogs = 0;
	target.on('dialog', (dialog) => {
		dialogs++;
		void dialog.dismiss();
	});
	return async () => dialogs + ((await target.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? 0)) as number);
}

/** Elements that content could only have made by being parsed as HTML. */
function injectedElements(target: Page): Promise<number> {
	return target.evaluate(() => document.querySelectorAll('main script, main img, main svg:not(.lucide-icon), main iframe, main [onerror], main [onload], main [onclick], a[href^="javascript:" i]').length);
}

describe('commons safety', () => {
	it('sends nothing from the vault but the chosen entry, signed by the group key', async () => {
		// Things in the vault that must never leave it.
		await writeGuide(page, groupUrl, { title: 'Internal strategy', body: 'Our secret negotiation line is 4200.' });
		await page.goto(`${groupUrl}/actions/new`);
		await page.getByRole('textbox', { name: 'Title' }).fill('Private meeting');
		await page.getByLabel('Starts').fill('2031-03-01T18:00');
		await page.getByRole('button', { name: 'Save' }).click();
		await page.getByRole('heading', { level: 1, name: 'Private meeting' }).waitFor();
		await page.getByRole('button', { name: 'Going', exact: true }).click();

		const sent: Request[] = [];
		const listener = (request: Request) => {
			if (new URL(request.url()).pathname.startsWith('/api/commons') && request.method() !== 'GET') sent.push(request);
		};
		page.on('request', listener);
		await writeGuide(page, groupUrl, { title: 'Rent strike basics', body: 'Organise the building floor by floor.', tags: 'housing' });
		await publishThroughDialog(page);
		page.off('request', listener);

		expect(sent).toHaveLength(1);
		const body = JSON.parse(sent[0]!.postData() ?? '{}') as { payload: string; publicKey: string; signature: string };
		expect(Object.keys(body).sort()).toEqual(['payload', 'publicKey', 'signature']);
		const payload = JSON.parse(body.payload) as Record<string, unknown>;
		expect(Object.keys(payload).sort()).toEqual(['action', 'body', 'id', 'kind', 'lang', 'licence', 'publisher', 'seq', 'summary', 'tags', 'title', 'v']);
		expect(payload).toMatchObject({ title: 'Rent strike basics', publisher: 'Tenants union', tags: ['housing'], kind: 'guide' });
		for (const secret of ['Internal strategy', '4200', 'Private meeting', 'Alice']) expect(body.payload).not.toContain(secret);

		const served = await commonsApi(relay.url).get(String(payload.id));
		expect(served.status).toBe(200);
		expect(served.body.entry.signed).toBe(body.payload);
		expect(verifySigned(served.body.entry.signed, served.body.entry.signature, served.body.entry.publicKey)).toBe(true);
	});

	it('refuses a forged update and a forged unpublish signed by another key; the list keeps the real entry', async () => {
		const api = commonsApi(relay.url);
		const listed = await api.list({ q: 'rent' });
		const id = listed.body.entries[0].id as string;
		const seq = listed.body.entries[0].seq as number;
		const forger = newPublisher();
		const forged = await api.publish(forger, guidePayload(id, seq + 1, { title: 'Forged title', publisher: 'Tenants union' }));
		expect(forged.status).toBe(403);
		expect(forged.body.error).toBe('wrong_key');
		const forgedUnpublish = await api.unpublish(id, forger.sign(unpublishPayload(id, seq + 1)));
		expect(forgedUnpublish.status).toBe(403);

		await page.goto(`${relay.url}/commons`);
		await expect.poll(() => listedTitles(page)).toEqual(['Rent strike basics']);
		await page.getByRole('link', { name: 'Rent strike basics' }).click();
		await page.getByRole('heading', { level: 1, name: 'Rent strike basics' }).waitFor();
		await page.getByText('Organise the building floor by floor.').waitFor();
	});

	it('keeps an XSS payload in every field inert text: list, entry pages and a copy in a group', async () => {
		const api = commonsApi(relay.url);
		const publisher = newPublisher();
		const run = 'window.__xss=1';
		const xss = `<img src=x onerror="${run}"><script>${run}</script>`;
		const tag = '<svg onload=window.__xss=1>';
		const guideId = newEntryId();
		const campaignId = newEntryId();
		const guide = await api.publish(
			publisher,
			guidePayload(guideId, 1, {
				title: `Guide ${xss}`,
				summary: `Summary ${xss}`,
				tags: [tag],
				publisher: `Pub ${xss}`,
				body: {
					type: 'doc',
					content: [
						{ type: 'paragraph', attrs: { onclick: run }, content: [{ type: 'text', text: `Body ${xss}` }] },
						{ type: 'paragraph', content: [{ type: 'text', text: 'click me', marks: [{ type: 'link', attrs: { href: `javascript:${run}` } }] }] },
						{ type: 'image', attrs: { src: 'x', onerror: run } },
						{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: `Heading ${xss}` }] }
					]
				}
			})
		);
		expect(guide.body).toMatchObject({ entry: { id: guideId } });
		const campaign = await api.publish(
			publisher,
			campaignPayload(campaignId, 1, {
				title: `Campaign ${xss}`,
				summary: `Summary ${xss}`,
				tags: [tag],
				publisher: `Pub ${xss}`,
				description: `Description ${xss} https://example.org/"><img src=x onerror=${run}>`,
				place: `Place ${xss}`,
				join: { contact: `Contact ${xss}`, url: `https://example.org/?q="><svg onload=${run}>` }
			})
		);
		expect(campaign.body).toMatchObject({ entry: { id: campaignId } });

		const fired = await armXssTrap(page);
		await page.goto(`${relay.url}/commons?q=summary`);
		await page.getByRole('heading', { level: 3, name: `Guide ${xss}` }).waitFor();
		await page.getByRole('heading', { level: 3, name: `Campaign ${xss}` }).waitFor();
		await page.getByText(`by Pub ${xss}`).first().waitFor();
		await page.getByText(`#${tag}`).first().waitFor();
		expect(await injectedElements(page)).toBe(0);
		expect(await seriousAxeViolations(page)).toEqual([]);
		expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

		await page.goto(`${relay.url}/commons/${guideId}`);
		await page.getByRole('heading', { level: 1, name: `Guide ${xss}` }).waitFor();
		await page.getByText(`Body ${xss}`).waitFor();
		await page.getByRole('heading', { level: 2, name: `Heading ${xss}` }).waitFor();
		await page.getByText('click me').waitFor();
		expect(await page.getByText('click me').evaluate((element) => element.closest('a')?.getAttribute('href') ?? null)).toBeNull();
		expect(await injectedElements(page)).toBe(0);
		expect(await seriousAxeViolations(page)).toEqual([]);
		expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

		await page.goto(`${relay.url}/commons/${campaignId}`);
		await page.getByRole('heading', { level: 1, name: `Campaign ${xss}` }).waitFor();
		await page.getByText(`Place ${xss}`).waitFor();
		await page.getByText(`Contact ${xss}`).waitFor();
		await page.getByText(`Description ${xss}`, { exact: false }).waitFor();
		const join = page.getByRole('link', { name: /^Web page:/ });
		expect(await join.getAttribute('rel')).toBe('noopener noreferrer');
		expect(new URL((await join.getAttribute('href'))!).protocol).toBe('https:');
		expect(await injectedElements(page)).toBe(0);
		expect(await seriousAxeViolations(page)).toEqual([]);
		expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

		// One group on this phone: the dialog names it and copies on confirmation.
		await page.goto(`${relay.url}/commons/${guideId}`);
		await page.getByRole('button', { name: 'Copy to my group' }).click();
		const copyDialog = page.getByRole('dialog');
		await copyDialog.getByText('The copy goes into', { exact: false }).waitFor();
		expect(await copyDialog.getByText('published this guide', { exact: false }).count()).toBe(0);
		await copyDialog.getByRole('button', { name: /^Copy to / }).click();
		await page.waitForURL(/\/g\/[^/]+\/guides\/[A-Za-z0-9_-]{22}$/);
		await page.getByRole('heading', { level: 1, name: `Guide ${xss}` }).waitFor();
		await page.getByText(`Body ${xss}`).waitFor();
		await page.getByText(`by Pub ${xss}`, { exact: false }).waitFor();
		expect(await injectedElements(page)).toBe(0);
		await page.goto(groupUrl + '/guides');
		await page.getByRole('link', { name: `Guide ${xss}` }).waitFor();
		expect(await injectedElements(page)).toBe(0);

		expect(await fired()).toBe(0);
	});
});
