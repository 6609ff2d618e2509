import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { firstStart, launchBrowser, newPhoneContext, waitForServiceWorker } from '../helpers/browser';
import { startAppRelay, type AppRelay } from '../helpers/app';

let relay: AppRelay;
let browser: Browser;

beforeAll(async () => {
	relay = await startAppRelay({ copyBuild: true });
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await relay?.close();
});

/** Ships a "new release": a changed service worker script, as a deploy would. */
function releaseNewWorker(staticDir: string): void {
	const worker = join(staticDir, 'sw.js');
	// The precompressed copies would otherwise be served instead of the changed file.
	rmSync(`${worker}.br`, { force: true });
	rmSync(`${worker}.gz`, { force: true });
	appendFileSync(worker, `\n// release ${Date.now()}\n`);
}

describe('app update', () => {
	it('offers Update now when a new worker waits, and activates it only when pressed', async () => {
		const context = await newPhoneContext(browser);
		const page = await context.newPage();
		await firstStart(page, relay.url, 'Ada');
		await waitForServiceWorker(page);
		const firstWorker = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
		expect(firstWorker).toContain('/sw.js');

		releaseNewWorker(relay.staticDir);
		await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			await registration?.update();
		});

		const updateNow = page.getByRole('button', { name: 'Update now' });
		await updateNow.waitFor();
		// Nothing is activated behind the person's back: the new worker is still waiting.
		expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(true);

		await Promise.all([page.waitForEvent('load'), updateNow.click()]);
		await page.getByRole('heading', { level: 1 }).waitFor();
		const state = await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			return { waiting: Boolean(registration?.waiting), active: registration?.active?.state };
		});
		expect(state).toEqual({ waiting: false, active: 'activated' });
		expect(await updateNow.count()).toBe(0);
		await context.close();
	});
});
