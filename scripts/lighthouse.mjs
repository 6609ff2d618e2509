// `npm run lighthouse`: Lighthouse 12 mobile runs, as the relay serves the app to a first visit, of the
// first-start screen (`/`) and of a shared commons entry (`/commons/<id>`, a campaign published here first),
// each LIGHTHOUSE_RUNS times (default 3), printing the scores and timings of every run. Uses Debian's
// Chromium; starts its own relay on a free port with a temporary data dir.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, ensureBuild, ensureChromium, ensureDependencies } from './lib.mjs';

await ensureDependencies();
await ensureChromium();
await ensureBuild();

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

/** Runs per page: the target (Performance ≥ 95) must hold in every one of them. */
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);

// The commons test helpers sign a campaign the way a group's device does.
const { tsImport } = await import('tsx/esm/api');
const commons = await tsImport('../tests/helpers/commons.ts', import.meta.url);
const entryId = commons.newEntryId();
const published = await commons.commonsApi(url).publish(commons.newPublisher(), commons.campaignPayload(entryId, 1, { starts: '2031-06-12T14:00', ends: '2031-06-12T16:00', timeZone: 'Europe/Stockholm' }));
if (published.status !== 201) throw new Error(`publishing the commons entry failed: ${published.status}`);
const pages = [
	{ name: 'first start', path: '/?lang=en' },
	{ name: 'commons entry', path: `/commons/${entryId}?lang=en` }
];

const { default: lighthouse } = await import('lighthouse');
const chromeLauncher = await import('chrome-launcher');
const chrome = await chromeLauncher.launch({
	chromePath: CHROMIUM,
	chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic']
});
try {
	const rows = [];
	for (const page of pages) {
		for (let run = 1; run <= RUNS; run++) {
			const result = await lighthouse(`${url}${page.path}`, {
				port: chrome.port,
				output: 'json',
				logLevel: 'error',
				formFactor: 'mobile',
				screenEmulation: { mobile: true, width: 360, height: 740, deviceScaleFactor: 2, disabled: false },
				onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo']
			});
			const categories = result?.lhr.categories ?? {};
			const audits = result?.lhr.audits ?? {};
			const score = (id) => Math.round((categories[id]?.score ?? 0) * 100);
			const shown = (id) => audits[id]?.displayValue ?? '?';
			rows.push(`| ${page.name} | ${run} | ${score('performance')} | ${shown('first-contentful-paint')} | ${shown('largest-contentful-paint')} | ${shown('total-blocking-time')} | ${shown('cumulative-layout-shift')} | ${score('accessibility')} | ${score('best-practices')} | ${score('seo')} |`);
			console.log(rows.at(-1));
		}
	}
	console.log('\n| page | run | Performance | FCP | LCP | TBT | CLS | Accessibility | Best practices | SEO |');
	console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
	for (const row of rows) console.log(row);
} finally {
	await chrome.kill();
	relay.kill('SIGTERM');
	rmSync(dataDir, { recursive: true, force: true });
}
