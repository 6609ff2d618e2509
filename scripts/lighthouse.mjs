// `npm run lighthouse`: Lighthouse 12 mobile runs, three per screen, as the relay serves the built app:
// a first visit (the first-start screen), a returning member's home (three groups with a guide each, the
// service worker installed, storage kept between runs) and a shared commons entry opened by someone new.
// Prints one table of every run and the machine's load, since a busy machine lowers the scores.
// LIGHTHOUSE_RUNS sets the runs per screen; LIGHTHOUSE_REPORTS=<dir> keeps each run's full report there.
// Uses Debian's Chromium; starts its own relay on a free port with a temporary data dir.
// `npm run lighthouse -- home-returning` runs only the screens named.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, ensureBuild, ensureChromium, ensureDependencies } from './lib.mjs';

/** Runs per screen (LIGHTHOUSE_RUNS, default 3): the target must hold in every one. */
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);
/** A directory (LIGHTHOUSE_REPORTS) that gets every run's full Lighthouse report as JSON, to see what blocked. */
const REPORTS = process.env.LIGHTHOUSE_REPORTS;
const PERFORMANCE_TARGET = 95;
const CHROME_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const RETURNING_GROUPS = ['Tenants north', 'Climate camp', 'Library defence'];

await ensureDependencies();
await ensureChromium();
await ensureBuild();

if (REPORTS) mkdirSync(REPORTS, { recursive: true });
const { default: lighthouse } = await import('lighthouse');
const chromeLauncher = await import('chrome-launcher');
const { chromium } = await import('playwright-core');

const dataDir = mkdtempSync(join(tmpdir(), 'fieldbook-lighthouse-'));
const relay = spawn(process.execPath, ['sync-server/dist/server.js'], {
	env: { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' },
	stdio: ['ignore', 'pipe', 'inherit']
});
const url = await new Promise((resolve, reject) => {
	let buffer = '';
	relay.stdout.on('data', (chunk) => {
		buffer += chunk;
		const match = /https?:\/\/[\d.:a-z[\]]+/.exec(buffer);
		if (match) resolve(match[0]);
	});
	relay.on('exit', (code) => reject(new Error(`relay exited (${code}) before it listened`)));
});

/** Drives the launched Chromium through DevTools to make its profile a returning member's. */
async function becomeReturningMember(port) {
	const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
	const context = browser.contexts()[0];
	const page = await context.newPage();
	await page.setViewportSize({ width: 360, height: 740 });
	await page.goto(`${url}/?lang=en`);
	await page.getByRole('textbox', { name: 'Your name' }).fill('Lighthouse');
	await page.getByRole('button', { name: 'Continue' }).click();
	await page.getByRole('heading', { level: 1, name: /Lighthouse/ }).waitFor();
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
		if (!navigator.serviceWorker.controller) {
			await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(undefined), { once: true }));
		}
	});
	for (const name of RETURNING_GROUPS) {
		await page.getByRole('link', { name: 'Home' }).click();
		await page.getByRole('button', { name: 'New group' }).click();
		await page.getByRole('textbox', { name: 'Group name' }).fill(name);
		await page.getByRole('button', { name: 'Create group' }).click();
		await page.getByRole('heading', { level: 1, name }).waitFor();
		await page.goto(`${page.url()}/guides`);
		await page.getByRole('button', { name: 'New guide' }).click();
		await page.getByRole('textbox', { name: 'Title' }).fill(`${name} handbook`);
		await page.getByRole('textbox', { name: 'Guide body' }).click();
		await page.keyboard.type('Meet at the square at noon. Bring water and a charged phone.');
		await page.getByRole('button', { name: 'Done' }).click();
		await page.getByRole('heading', { level: 1, name: `${name} handbook` }).waitFor();
	}
	await page.goto(`${url}/?lang=en`);
	await page.getByRole('link', { name: RETURNING_GROUPS.at(-1), exact: true }).waitFor();
	await page.close();
	// Only the DevTools connection goes; the browser stays for Lighthouse.
	await browser.close();
}

/** A campaign published to this relay's commons, as any group's device would (signed by its publisher key). */
async function publishedCampaign() {
	const { tsImport } = await import('tsx/esm/api');
	const commons = await tsImport('../tests/helpers/commons.ts', import.meta.url);
	const id = commons.newEntryId();
	const payload = commons.campaignPayload(id, 1, { starts: '2031-06-12T14:00', ends: '2031-06-12T16:00', timeZone: 'Europe/Stockholm' });
	const answer = await commons.commonsApi(url).publish(commons.newPublisher(), payload);
	if (answer.status !== 201) throw new Error(`publishing the campaign failed: ${answer.status}`);
	return `${url}/commons/${id}?lang=en`;
}

/** Each screen: how to prepare a fresh profile, and which address Lighthouse opens. */
const SCREENS = {
	'first-start': { prepare: async () => `${url}/?lang=en`, keepStorage: false },
	'home-returning': {
		prepare: async (port) => {
			await becomeReturningMember(port);
			return `${url}/?lang=en`;
		},
		keepStorage: true
	},
	'commons-entry': { prepare: publishedCampaign, keepStorage: false }
};

const wanted = process.argv.slice(2).filter((name) => name in SCREENS);
const rows = [];
try {
	for (const [screen, { prepare, keepStorage }] of Object.entries(SCREENS)) {
		if (wanted.length > 0 && !wanted.includes(screen)) continue;
		const profile = mkdtempSync(join(tmpdir(), 'fieldbook-lighthouse-profile-'));
		const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROME_FLAGS, userDataDir: profile });
		try {
			const target = await prepare(chrome.port);
			for (let run = 1; run <= RUNS; run++) {
				const load = loadavg()[0];
				const result = await lighthouse(target, {
					port: chrome.port,
					output: 'json',
					logLevel: 'error',
					formFactor: 'mobile',
					screenEmulation: { mobile: true, width: 360, height: 740, deviceScaleFactor: 2, disabled: false },
					onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
					// A returning member's IndexedDB and service worker are what is measured, so they stay.
					disableStorageReset: keepStorage
				});
				const lhr = result?.lhr;
				if (REPORTS && lhr) writeFileSync(join(REPORTS, `${screen}-${run}.json`), JSON.stringify(lhr));
				const score = (id) => Math.round((lhr?.categories[id]?.score ?? 0) * 100);
				const audit = (id) => lhr?.audits[id]?.displayValue ?? '';
				rows.push({
					screen,
					run,
					performance: score('performance'),
					accessibility: score('accessibility'),
					bestPractices: score('best-practices'),
					seo: score('seo'),
					fcp: audit('first-contentful-paint'),
					lcp: audit('largest-contentful-paint'),
					tbt: audit('total-blocking-time'),
					cls: audit('cumulative-layout-shift'),
					load: load.toFixed(1)
				});
			}
		} finally {
			await chrome.kill();
			rmSync(profile, { recursive: true, force: true });
		}
	}
} finally {
	relay.kill('SIGTERM');
	rmSync(dataDir, { recursive: true, force: true });
}

const header = ['screen', 'run', 'Performance', 'Accessibility', 'Best practices', 'SEO', 'FCP', 'LCP', 'TBT', 'CLS', 'load (1 min)'];
console.log(`\n| ${header.join(' | ')} |\n| ${header.map(() => '---').join(' | ')} |`);
for (const row of rows) {
	console.log(`| ${[row.screen, row.run, row.performance, row.accessibility, row.bestPractices, row.seo, row.fcp, row.lcp, row.tbt, row.cls, row.load].join(' | ')} |`);
}
for (const screen of new Set(rows.map((row) => row.screen))) {
	const scores = rows.filter((row) => row.screen === screen).map((row) => row.performance);
	const met = scores.every((score) => score >= PERFORMANCE_TARGET);
	console.log(`${screen}: Performance ${scores.join(', ')} (target ≥ ${PERFORMANCE_TARGET} in every run): ${met ? 'met' : 'NOT met'}`);
}
console.log(`machine: ${loadavg().map((value) => value.toFixed(1)).join(' / ')} load (1/5/15 min) on 2 cores`);
