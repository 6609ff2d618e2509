// `npm run lighthouse`: a Lighthouse 12 mobile run on the home screen as the relay serves it, printing
// the category scores. Uses Debian's Chromium; starts its own relay on a free port with a temporary data dir.
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

const { default: lighthouse } = await import('lighthouse');
const chromeLauncher = await import('chrome-launcher');
const chrome = await chromeLauncher.launch({
	chromePath: CHROMIUM,
	chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic']
});
try {
	const result = await lighthouse(`${url}/?lang=en`, {
		port: chrome.port,
		output: 'json',
		logLevel: 'error',
		formFactor: 'mobile',
		screenEmulation: { mobile: true, width: 360, height: 740, deviceScaleFactor: 2, disabled: false },
		onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo']
	});
	const categories = result?.lhr.categories ?? {};
	console.log('\n| category | score |\n| --- | --- |');
	for (const category of Object.values(categories)) {
		console.log(`| ${category.title} | ${Math.round((category.score ?? 0) * 100)} |`);
	}
	const audits = result?.lhr.audits ?? {};
	for (const id of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift']) {
		if (audits[id]) console.log(`${audits[id].title}: ${audits[id].displayValue}`);
	}
} finally {
	await chrome.kill();
	relay.kill('SIGTERM');
	rmSync(dataDir, { recursive: true, force: true });
}
