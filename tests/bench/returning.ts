// Returning-member rows of `npm run bench`: a person with three groups (a guide in each) opens the installed
// app in airplane mode on a slow phone (Chromium, CPU slowed 4× through DevTools), five times; and what the
// home screen with groups loads, gzip-compressed.
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { firstStart, launchBrowser, newPhoneContext, waitForServiceWorker } from '../helpers/browser';
import { startAppRelay } from '../helpers/app';
import { writeGuide } from '../helpers/commons-app';
import { createGroup } from '../helpers/flows';
import { kb, type BenchRow } from './table';

/** Opens measured; the median is reported. */
const OPENS = 5;
/** A typical phone against this machine's desktop CPU (Lighthouse's mobile preset uses the same factor). */
const CPU_SLOWDOWN = 4;
const GROUPS = ['Tenants north', 'Climate camp', 'Library defence'];

/** Targets from the issue: the shell paints at once, the group list follows within a second. */
export const RETURNING_FCP_TARGET_MS = 400;
export const RETURNING_GROUP_LIST_TARGET_MS = 1_000;
/** The home route's budget of JavaScript plus CSS, gzip-compressed, before the group list shows. */
export const HOME_WITH_GROUPS_BUDGET_BYTES = 80 * 1024;

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Runs in the page before any of its scripts: records (in ms since the navigation started) when the first
 * frame after every group's link is in the home list was produced — a rAF callback, then a task.
 * A string, so tsx does not wrap it in helpers the page lacks.
 */
const IN_PAGE_WATCH_GROUP_LIST = `(names) => {
	const done = () => {
		const links = [...document.querySelectorAll('section[aria-labelledby="home-groups"] a')].map((a) => a.textContent.trim());
		return names.every((name) => links.includes(name));
	};
	const observer = new MutationObserver(() => {
		if (!done()) return;
		observer.disconnect();
		requestAnimationFrame(() => setTimeout(() => { window.__groupListAt = performance.now(); }, 0));
	});
	observer.observe(document, { childList: true, subtree: true, characterData: true });
}`;

/**
 * The two times once both are known, else null: read through the DevTools session (Runtime.evaluate) rather
 * than Playwright's evaluate, which first compiles its own helper script in the page — on a CPU slowed 4×,
 * work on the main thread of the very boot being measured.
 */
const IN_PAGE_TIMES = `(() => {
	const fcp = performance.getEntriesByName('first-contentful-paint')[0];
	return window.__groupListAt !== undefined && fcp ? { fcp: fcp.startTime, groupList: window.__groupListAt } : null;
})()`;

/** A returning member's phone: first start done, three groups with a guide each, the service worker installed. */
async function returningMember(context: BrowserContext, url: string): Promise<void> {
	const page = await context.newPage();
	await firstStart(page, url, 'Bench');
	await waitForServiceWorker(page);
	for (const name of GROUPS) {
		const groupUrl = await createGroup(page, name);
		await writeGuide(page, groupUrl, { title: `${name} handbook`, body: 'Meet at the square at noon. Bring water and a charged phone.' });
	}
	await page.close();
}

/** One open of the installed app, offline, CPU slowed: ms to first contentful paint and to the full group list. */
async function openHome(context: BrowserContext, url: string): Promise<{ fcp: number; groupList: number }> {
	const page = await context.newPage();
	try {
		const cdp = await context.newCDPSession(page);
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
		await page.addInitScript(`(${IN_PAGE_WATCH_GROUP_LIST})(${JSON.stringify(GROUPS)})`);
		await page.goto(`${url}/`, { waitUntil: 'commit' });
		const started = Date.now();
		for (;;) {
			const { result } = await cdp.send('Runtime.evaluate', { expression: IN_PAGE_TIMES, returnByValue: true });
			if (result.value) return result.value as { fcp: number; groupList: number };
			if (Date.now() - started > 60_000) throw new Error('the group list never showed');
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	} finally {
		await page.close();
	}
}

/** The gzip size of every script and stylesheet a page fetches, by path. */
function recordSizes(page: Page): { sizes: Map<string, { type: 'js' | 'css'; bytes: number }>; settled: () => Promise<unknown> } {
	const sizes = new Map<string, { type: 'js' | 'css'; bytes: number }>();
	const pending: Promise<void>[] = [];
	page.on('response', (response) => {
		const type = response.request().resourceType();
		if (type !== 'script' && type !== 'stylesheet') return;
		pending.push(
			response
				.body()
				.then((body) => {
					sizes.set(new URL(response.url()).pathname, { type: type === 'script' ? 'js' : 'css', bytes: gzipSync(body, { level: 9 }).length });
				})
				.catch(() => undefined)
		);
	});
	return { sizes, settled: () => Promise.all(pending) };
}

function sum(sizes: Iterable<{ type: 'js' | 'css'; bytes: number }>): { js: number; css: number } {
	const total = { js: 0, css: 0 };
	for (const { type, bytes } of sizes) total[type] += bytes;
	return total;
}

/** Offline opens of a returning member's home (FCP, group list) and the JS+CSS that home loads. */
export async function returningHomeBench(): Promise<BenchRow[]> {
	const relay = await startAppRelay();
	const browser = await launchBrowser();
	try {
		const context = await newPhoneContext(browser);
		await returningMember(context, relay.url);
		await context.setOffline(true);
		// One open first, unmeasured: the service worker and the disk cache settle as after any earlier use.
		await openHome(context, relay.url);
		const opens: { fcp: number; groupList: number }[] = [];
		for (let i = 0; i < OPENS; i++) opens.push(await openHome(context, relay.url));
		const fcp = median(opens.map((open) => open.fcp));
		const groupList = median(opens.map((open) => open.groupList));
		await context.close();

		// The bytes, read from network responses: a profile with the same data but the service worker kept out.
		const sizesContext = await newPhoneContext(browser);
		await returningMember(sizesContext, relay.url);
		await sizesContext.route('**/sw.js', (route) => route.abort());
		const page = await sizesContext.newPage();
		await page.addInitScript(`(${IN_PAGE_WATCH_GROUP_LIST})(${JSON.stringify(GROUPS)})`);
		const recorded = recordSizes(page);
		await page.goto(`${relay.url}/?lang=en`);
		await page.getByRole('link', { name: GROUPS.at(-1)!, exact: true }).waitFor();
		await page.waitForLoadState('networkidle');
		await recorded.settled();
		// What the page had asked for before the list showed, by its own clock (resource timing).
		const beforeList = await page.evaluate<string[]>(
			`performance.getEntriesByType('resource').filter((entry) => entry.startTime < window.__groupListAt).map((entry) => new URL(entry.name).pathname)`
		);
		const critical = sum([...recorded.sizes].filter(([path]) => beforeList.includes(path)).map(([, size]) => size));
		const total = sum(recorded.sizes.values());
		await sizesContext.close();
		const criticalBytes = critical.js + critical.css;
		return [
			{
				benchmark: `returning member, offline, ${CPU_SLOWDOWN}× CPU, ${GROUPS.length} groups with guides: first contentful paint (median of ${OPENS} opens)`,
				result: `${fcp.toFixed(0)} ms (${opens.map((open) => open.fcp.toFixed(0)).join(', ')})`,
				target: `≤ ${RETURNING_FCP_TARGET_MS} ms`,
				ok: fcp <= RETURNING_FCP_TARGET_MS
			},
			{
				benchmark: `returning member, offline, ${CPU_SLOWDOWN}× CPU: group list shown (median of ${OPENS} opens)`,
				result: `${groupList.toFixed(0)} ms (${opens.map((open) => open.groupList.toFixed(0)).join(', ')})`,
				target: `≤ ${RETURNING_GROUP_LIST_TARGET_MS} ms`,
				ok: groupList <= RETURNING_GROUP_LIST_TARGET_MS
			},
			{
				benchmark: 'home with groups JS+CSS (gzip) until the group list shows',
				result: `${kb(criticalBytes)} (JS ${kb(critical.js)}, CSS ${kb(critical.css)})`,
				target: `≤ ${kb(HOME_WITH_GROUPS_BUDGET_BYTES)}`,
				ok: criticalBytes <= HOME_WITH_GROUPS_BUDGET_BYTES
			},
			{
				benchmark: 'home with groups JS+CSS (gzip) with every vault open (loaded after the list)',
				result: `${kb(total.js + total.css)} (JS ${kb(total.js)}, CSS ${kb(total.css)})`
			}
		];
	} finally {
		await browser.close();
		await relay.close();
	}
}
