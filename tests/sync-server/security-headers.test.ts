import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../sync-server/src/config';
import { TEST_METRICS_TOKEN, startTestRelay, type TestRelay } from '../helpers/relay';

const BOOT = 'console.log("boot")';
const HTML = `<!doctype html><html><head><script type="module">${BOOT}</script></head><body></body></html>`;

/** The directives of a Content-Security-Policy header, by name. */
function directives(policy: string | null): Map<string, string[]> {
	return new Map(
		(policy ?? '')
			.split(';')
			.map((part) => part.trim().split(/\s+/))
			.filter((parts) => parts[0])
			.map(([name, ...sources]) => [name!, sources])
	);
}

describe('security headers', () => {
	let relay: TestRelay;
	let staticDir: string;

	beforeAll(async () => {
		staticDir = mkdtempSync(join(tmpdir(), 'fieldbook-static-'));
		mkdirSync(join(staticDir, '_app/immutable/entry'), { recursive: true });
		writeFileSync(join(staticDir, 'index.html'), HTML);
		writeFileSync(join(staticDir, 'sw.js'), 'self.addEventListener("fetch", () => {})');
		writeFileSync(join(staticDir, '_app/immutable/entry/start.abc.js'), 'export {}');
		writeFileSync(join(staticDir, 'manifest.webmanifest'), '{}');
		relay = await startTestRelay({ staticDir, connectOrigins: loadConfig({ RELAY_ORIGINS: 'https://other.example' }).connectOrigins });
	});

	afterAll(async () => {
		await relay.close();
		rmSync(staticDir, { recursive: true, force: true });
	});

	it('sends a strict policy, no referrer, nosniff and a narrow Permissions-Policy on the app, a deep link, sw.js and assets', async () => {
		const bootHash = `'sha256-${createHash('sha256').update(BOOT).digest('base64')}'`;
		for (const path of ['/', '/g/abc/guides/xyz', '/sw.js', '/_app/immutable/entry/start.abc.js', '/manifest.webmanifest', '/healthz']) {
			const response = await fetch(`${relay.url}${path}`);
			expect(response.status, path).toBe(200);
			const csp = directives(response.headers.get('content-security-policy'));
			expect(csp.get('script-src'), path).toEqual(["'self'", "'wasm-unsafe-eval'", bootHash]);
			expect(csp.get('style-src'), path).toEqual(["'self'"]);
			expect(csp.get('object-src'), path).toEqual(["'none'"]);
			expect(csp.get('base-uri'), path).toEqual(["'none'"]);
			expect(csp.get('frame-ancestors'), path).toEqual(["'none'"]);
			const host = new URL(relay.url).host;
			expect(csp.get('connect-src'), path).toEqual(["'self'", `ws://${host}`, `wss://${host}`, 'https://other.example', 'wss://other.example']);
			expect(response.headers.get('content-security-policy'), path).not.toMatch(/'unsafe-eval'|unsafe-inline/);
			expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
			expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
			expect(response.headers.get('permissions-policy'), path).toMatch(/camera=\(self\)/);
			expect(response.headers.get('permissions-policy'), path).toMatch(/geolocation=\(self\)/);
			await response.arrayBuffer();
		}
	});

	it('follows a new build: the boot script hash changes with index.html', async () => {
		const next = 'console.log("next build")';
		writeFileSync(join(staticDir, 'index.html'), HTML.replace(BOOT, next));
		// The relay compares modification times; make sure this one differs even on a coarse clock.
		const { utimesSync } = await import('node:fs');
		utimesSync(join(staticDir, 'index.html'), new Date(), new Date(Date.now() + 5_000));
		const response = await fetch(`${relay.url}/`);
		expect(response.headers.get('content-security-policy')).toContain(`'sha256-${createHash('sha256').update(next).digest('base64')}'`);
	});
});

describe('/metrics', () => {
	it('is refused without the token and served with it', async () => {
		const relay = await startTestRelay();
		try {
			expect((await fetch(`${relay.url}/metrics`)).status).toBe(401);
			expect((await fetch(`${relay.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
			const allowed = await fetch(`${relay.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
			expect(allowed.status).toBe(200);
			expect(await allowed.text()).toContain('fieldbook_connections');
		} finally {
			await relay.close();
		}
	});

	it('is refused everywhere without a token or a port', async () => {
		const relay = await startTestRelay({ metricsToken: undefined });
		try {
			expect((await fetch(`${relay.url}/metrics`)).status).toBe(401);
		} finally {
			await relay.close();
		}
	});

	it('answers only on METRICS_PORT when that is set, and nothing else there', async () => {
		const { startRelay } = await import('../../sync-server/src/relay');
		const { createLogger } = await import('../../sync-server/src/logger');
		const dataDir = mkdtempSync(join(tmpdir(), 'fieldbook-relay-'));
		const config = loadConfig({ PORT: '0', METRICS_PORT: '0', DATA_DIR: dataDir, STATIC_DIR: '', LOG_LEVEL: 'silent' });
		const relay = await startRelay(config, { logger: createLogger('silent') });
		try {
			expect(relay.metricsUrl).toBeDefined();
			expect((await fetch(`${relay.url}/metrics`)).status).toBe(404);
			const scraped = await fetch(`${relay.metricsUrl}/metrics`);
			expect(scraped.status).toBe(200);
			expect(await scraped.text()).toContain('fieldbook_rooms_loaded');
			expect((await fetch(`${relay.metricsUrl}/healthz`)).status).toBe(404);
		} finally {
			await relay.close();
			rmSync(dataDir, { recursive: true, force: true });
		}
	});

	it('refuses a short METRICS_TOKEN at start', () => {
		expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
		expect(() => loadConfig({ RELAY_ORIGINS: 'ftp://x' })).toThrow(/RELAY_ORIGINS/);
	});
});
