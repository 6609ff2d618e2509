import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Response } from 'playwright-core';
import { firstStart, launchBrowser, newPhoneContext } from '../helpers/browser';
import { BUILD_DIR, startAppRelay } from '../helpers/app';
import { campaignPayload, commonsApi, newEntryId, newPublisher } from '../helpers/commons';
import { kb, type BenchRow } from './table';

/** The home route's budget of JavaScript plus CSS, gzip-compressed. */
export const HOME_BUDGET_BYTES = 80 * 1024;
/** A shared commons entry opened by someone new: it must show on one bar of signal. */
export const COMMONS_ENTRY_BUDGET_BYTES = 60 * 1024;

/** The first-start screen of a first visit: only a name prompt, so no sync engine and no database. */
export const FIRST_START_BUDGET_BYTES = 60 * 1024;

/**
 * Loads `url` in a fresh page of `context` with the service worker out of the way (so every file is a
 * network response we can read) and sums the gzip size of every script and stylesheet it fetched.
 */
async function measureLoad(context: BrowserContext, url: string): Promise<{ js: number; css: number }> {
	await context.route('**/sw.js', (route) => route.abort());
	const page = await context.newPage();
	const sizes = { js: 0, css: 0 };
	const pending: Promise<void>[] = [];
	const onResponse = (response: Response) => {
		const type = response.request().resourceType();
		if (type !== 'script' && type !== 'stylesheet') return;
		// A worker's script may end before its body can be read from the page: the built file is what was sent.
		const file = join(BUILD_DIR, decodeURIComponent(new URL(response.url()).pathname));
		const body = existsSync(file) ? Promise.resolve(readFileSync(file)) : response.body();
		pending.push(
			body.then((bytes) => {
				sizes[type === 'script' ? 'js' : 'css'] += gzipSync(bytes, { level: 9 }).length;
			})
		);
	};
	page.on('response', onResponse);
	await page.goto(url, { waitUntil: 'networkidle' });
	await page.getByRole('heading', { level: 1 }).waitFor();
	await page.waitForLoadState('networkidle');
	// What loads after the page went idle is not counted: every body read has begun by now and is awaited.
	page.off('response', onResponse);
	await Promise.all(pending);
	return sizes;
}

/** Loads the home route of the built app in Chromium (as a returning person, after first start). */
export async function measureHomeBundle(): Promise<BenchRow[]> {
	const relay = await startAppRelay();
	const browser = await launchBrowser();
	try {
		const context = await newPhoneContext(browser);
		const setup = await context.newPage();
		await firstStart(setup, relay.url, 'Bench');
		await setup.close();
		const sizes = await measureLoad(context, `${relay.url}/?lang=en`);
		const total = sizes.js + sizes.css;
		return [
			{ benchmark: 'home route JS (gzip)', result: kb(sizes.js) },
			{ benchmark: 'home route CSS (gzip)', result: kb(sizes.css) },
			{ benchmark: 'home route JS+CSS (gzip)', result: kb(total), target: `≤ ${kb(HOME_BUDGET_BYTES)}`, ok: total <= HOME_BUDGET_BYTES }
		];
	} finally {
		await browser.close();
		await relay.close();
	}
}

/** Opens the app as someone who never used it: the first-start screen (name prompt), nothing stored. */
export async function measureFirstStartBundle(): Promise<BenchRow[]> {
	const relay = await startAppRelay();
	const browser = await launchBrowser();
	try {
		const context = await newPhoneContext(browser);
		const sizes = await measureLoad(context, `${relay.url}/?lang=en`);
		const total = sizes.js + sizes.css;
		return [
			{ benchmark: 'first start first visit JS+CSS (gzip)', result: `${kb(total)} (JS ${kb(sizes.js)}, CSS ${kb(sizes.css)})`, target: `≤ ${kb(FIRST_START_BUDGET_BYTES)}`, ok: total <= FIRST_START_BUDGET_BYTES }
		];
	} finally {
		await browser.close();
		await relay.close();
	}
}

/** Opens a shared campaign page as someone who never used the app (a first visit, nothing stored). */
export async function measureCommonsEntryBundle(): Promise<BenchRow[]> {
	const relay = await startAppRelay();
	const browser = await launchBrowser();
	try {
		const id = newEntryId();
		await commonsApi(relay.url).publish(newPublisher(), campaignPayload(id, 1, { starts: '2031-06-12T14:00', ends: '2031-06-12T16:00', timeZone: 'Europe/Stockholm' }));
		const context = await newPhoneContext(browser);
		const sizes = await measureLoad(context, `${relay.url}/commons/${id}?lang=en`);
		const total = sizes.js + sizes.css;
		return [
			{ benchmark: 'commons entry first visit JS+CSS (gzip)', result: `${kb(total)} (JS ${kb(sizes.js)}, CSS ${kb(sizes.css)})`, target: `≤ ${kb(COMMONS_ENTRY_BUDGET_BYTES)}`, ok: total <= COMMONS_ENTRY_BUDGET_BYTES }
		];
	} finally {
		await browser.close();
		await relay.close();
	}
}
