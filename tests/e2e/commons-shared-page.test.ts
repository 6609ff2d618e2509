import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPhoneContext } from '../helpers/browser';
import { campaignPayload, commonsApi, newEntryId, newPublisher } from '../helpers/commons';
import { startCommonsRelay } from '../helpers/commons-app';
import { syncEngineFiles } from '../helpers/manifest';
import type { TestRelay } from '../helpers/relay';

let relay: TestRelay;
let browser: Browser;
const id = newEntryId();
const TITLE = `Blockade "><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;
const SUMMARY = `Bring tea </head><script>window.__pwned = 3</script>`;

beforeAll(async () => {
	relay = await startCommonsRelay();
	browser = await launchBrowser();
	const answer = await commonsApi(relay.url).publish(newPublisher(), campaignPayload(id, 1, { title: TITLE, summary: SUMMARY, starts: '2031-06-12T14:00', ends: '2031-06-12T16:00', timeZone: 'Europe/Stockholm' }));
	expect(answer.status).toBe(201);
});

afterAll(async () => {
	await browser?.close();
	await relay?.close();
});

describe('a shared commons page', () => {
	it('opens for someone new with its preview tags inert, and loads no sync-engine chunk', async () => {
		const engine = syncEngineFiles();
		// The check can fail: the engine's chunks are known, Yjs and Dexie among them.
		expect([...engine.values()]).toEqual(expect.arrayContaining(['src/lib/state/device-storage.ts', 'yjs']));

		const context = await newPhoneContext(browser);
		const page = await context.newPage();
		const scripts: string[] = [];
		page.on('request', (request) => {
			if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname.slice(1));
		});
		const dialogs: string[] = [];
		page.on('dialog', (dialog) => {
			dialogs.push(dialog.message());
			void dialog.dismiss();
		});
		try {
			await page.goto(`${relay.url}/commons/${id}?lang=en`, { waitUntil: 'networkidle' });
			await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
			await page.getByRole('button', { name: 'Add to calendar (.ics)' }).waitFor();
			await page.waitForLoadState('networkidle');

			// The title arrived as text in the tags and on screen: nothing of it ran or became an element.
			const head = await page.evaluate(() => ({
				ogTitle: [...document.querySelectorAll('meta[property="og:title"]')].map((meta) => meta.getAttribute('content')),
				description: document.querySelector('meta[name="description"]')?.getAttribute('content'),
				pwned: (window as unknown as { __pwned?: number }).__pwned,
				images: document.querySelectorAll('img').length
			}));
			expect(head).toEqual({ ogTitle: [TITLE], description: SUMMARY, pwned: undefined, images: 0 });
			expect(dialogs).toEqual([]);

			expect(scripts.length).toBeGreaterThan(0);
			const loaded = scripts.filter((file) => engine.has(file)).map((file) => `${file} (${engine.get(file)})`);
			expect(loaded).toEqual([]);
			// No local database was made for a visitor who only read.
			expect(await page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name))).toEqual([]);
		} finally {
			await context.close();
		}
	});
});
