import { gzipSync } from 'node:zlib';
import { firstStart, launchBrowser, newPhoneContext } from '../helpers/browser';
import { startAppRelay } from '../helpers/app';
import { kb, type BenchRow } from './table';

/** The home route's budget of JavaScript plus CSS, gzip-compressed. */
export const HOME_BUDGET_BYTES = 80 * 1024;

/**
 * Loads the home route of the built app in Chromium (as a returning person, after first start) and sums
 * the gzip size of every script and stylesheet it fetched.
 */
export async function measureHomeBundle(): Promise<BenchRow[]> {
	const relay = await startAppRelay();
	const browser = await launchBrowser();
	try {
		const context = await newPhoneContext(browser);
		const setup = await context.newPage();
		await firstStart(setup, relay.url, 'Bench');
		await setup.close();
		// A fresh page with the worker out of the way, so every file is a network response we can read.
		await context.route('**/sw.js', (route) => route.abort());
		const page = await context.newPage();
		const sizes = { js: 0, css: 0 };
		const pending: Promise<void>[] = [];
		page.on('response', (response) => {
			const type = response.request().resourceType();
			if (type !== 'script' && type !== 'stylesheet') return;
			pending.push(
				response.body().then((body) => {
					sizes[type === 'script' ? 'js' : 'css'] += gzipSync(body, { level: 9 }).length;
				})
			);
		});
		await page.goto(`${relay.url}/?lang=en`, { waitUntil: 'networkidle' });
		await page.getByRole('heading', { level: 1 }).waitFor();
		await Promise.all(pending);
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
