import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; the tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that keep headless Chromium quiet on a machine with no outside network and no GPU. */
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-dev-shm-usage',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic'
];

/**
 * A non-incognito profile in a fresh temporary folder, for what Chromium allows only outside incognito
 * (its installability check). Close the returned context, then remove `dir`.
 */
export async function launchPersistentPhone(): Promise<{ context: BrowserContext; dir: string }> {
	const dir = mkdtempSync(join(tmpdir(), 'fieldbook-profile-'));
	const context = await chromium.launchPersistentContext(dir, {
		executablePath: CHROMIUM_PATH,
		args: CHROMIUM_ARGS,
		viewport: PHONE_VIEWPORT,
		locale: 'en-GB',
		hasTouch: true,
		serviceWorkers: 'allow'
	});
	return { context, dir };
}

/** A phone-sized viewport: every screen must work at 360 px wide. */
export const PHONE_VIEWPORT = { width: 360, height: 740 };

/** Starts Debian's Chromium headless; `extraArgs` add flags (e.g. where a host name resolves). */
export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
	return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** An isolated profile (its own IndexedDB, service worker and storage) at phone size, in English by default. */
export function newPhoneContext(browser: Browser, locale = 'en-GB', headers?: Record<string, string>): Promise<BrowserContext> {
	return browser.newContext({
		viewport: PHONE_VIEWPORT,
		locale,
		hasTouch: true,
		serviceWorkers: 'allow',
		extraHTTPHeaders: headers
	});
}

/** Completes first start (name, Continue) on a fresh context, landing on home. */
export async function firstStart(page: Page, baseUrl: string, name: string): Promise<void> {
	await page.goto(`${baseUrl}/?lang=en`);
	await page.getByRole('textbox', { name: 'Your name' }).fill(name);
	await page.getByRole('button', { name: 'Continue' }).click();
	await page.getByRole('heading', { level: 1, name: new RegExp(name) }).waitFor();
}

/** Waits until the page is controlled by an active service worker that finished precaching. */
export async function waitForServiceWorker(page: Page): Promise<void> {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
		if (!navigator.serviceWorker.controller) {
			await new Promise<void>((resolve) =>
				navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true })
			);
		}
	});
}

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** One accessibility problem axe-core found, reduced to what a failing test should print. */
export interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	targets: string[];
}

/** Runs axe-core on the page (WCAG 2.x A and AA) and returns the serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
	// Evaluated through DevTools, not as an inline <script>: the app's Content-Security-Policy refuses those.
	await page.evaluate(axeSource);
	const violations = await page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
		const result = await axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }
		});
		return result.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			targets: v.nodes.map((n) => n.target.join(' '))
		}));
	});
	return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One Content-Security-Policy violation a page reported. */
export interface CspViolation {
	url: string;
	directive: string;
	blocked: string;
	sample: string;
}

/**
 * Collects every `securitypolicyviolation` event of every page in a context (across navigations and
 * reloads) and every console report of a refused load, into the returned array.
 */
export async function collectCspViolations(context: BrowserContext): Promise<CspViolation[]> {
	const violations: CspViolation[] = [];
	await context.exposeBinding('__reportCspViolation', (_source, violation: CspViolation) => void violations.push(violation));
	await context.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (event) => {
			(window as unknown as { __reportCspViolation(v: object): void }).__reportCspViolation({
				url: location.href,
				directive: event.effectiveDirective,
				blocked: event.blockedURI,
				sample: event.sample
			});
		});
	});
	context.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) {
			violations.push({ url: message.page()?.url() ?? '', directive: 'console', blocked: '', sample: message.text() });
		}
	});
	return violations;
}
