import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { rmSync } from 'node:fs';
import { launchBrowser, launchPersistentPhone, newPhoneContext, waitForServiceWorker } from '../helpers/browser';
import { startAppRelay, type AppRelay } from '../helpers/app';

let relay: AppRelay;
let browser: Browser;
let profileDir: string | undefined;

beforeAll(async () => {
	relay = await startAppRelay();
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await relay?.close();
	if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

describe('installable PWA', () => {
	it("passes Chromium's installability check and shows the icons in the manifest", async () => {
		// Chromium refuses to install from incognito, which every ordinary test context is.
		const { context, dir } = await launchPersistentPhone();
		profileDir = dir;
		const page = context.pages()[0] ?? (await context.newPage());
		await page.goto(`${relay.url}/?lang=en`);
		await waitForServiceWorker(page);
		const cdp = await context.newCDPSession(page);

		const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
			installabilityErrors: { errorId: string }[];
		};
		expect(installabilityErrors).toEqual([]);

		const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[]; data?: string };
		expect(manifest.errors).toEqual([]);
		const data = JSON.parse(manifest.data ?? '{}') as {
			name: string;
			display: string;
			icons: { src: string; sizes: string; purpose?: string }[];
		};
		expect(data.name).toBe('Fieldbook');
		expect(data.display).toBe('standalone');
		expect(data.icons.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
		expect(data.icons.some((icon) => icon.purpose === 'maskable')).toBe(true);
		for (const icon of data.icons) {
			const response = await page.request.get(new URL(icon.src, relay.url).href);
			expect(response.status(), icon.src).toBe(200);
			expect(response.headers()['content-type']).toContain('image/png');
		}
		await context.close();
	});

	it('serves hashed assets as immutable and the worker, shell and manifest uncached', async () => {
		const index = await fetch(`${relay.url}/`);
		expect(index.headers.get('cache-control')).toContain('no-cache');
		const html = await index.text();
		const asset = /\/_app\/immutable\/[^"']+\.js/.exec(html)?.[0];
		expect(asset).toBeTruthy();
		const assetResponse = await fetch(`${relay.url}${asset}`);
		expect(assetResponse.status).toBe(200);
		expect(assetResponse.headers.get('cache-control')).toContain('immutable');
		for (const path of ['/sw.js', '/manifest.webmanifest']) {
			const response = await fetch(`${relay.url}${path}`);
			expect(response.status, path).toBe(200);
			expect(response.headers.get('cache-control'), path).toContain('no-cache');
		}
		expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
	});
});
