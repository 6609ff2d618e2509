/**
 * `npm run screenshots`: every screen of the built app at 360 × 740, in English and Swedish, light and
 * dark, as PNGs in screenshots/ (not committed), so a reviewer can see all of it at once. Runs the built
 * app on a real relay in a temporary folder and drives Debian's Chromium, like the end-to-end tests.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startAppRelay } from '../tests/helpers/app';
import { launchBrowser, newPhoneContext } from '../tests/helpers/browser';
import { seedTour, visit } from '../tests/helpers/tour';

const OUT = resolve('screenshots');
const LANGS = ['en', 'sv'] as const;
const SCHEMES = ['light', 'dark'] as const;

const relay = await startAppRelay();
const browser = await launchBrowser();
let written = 0;
try {
	rmSync(OUT, { recursive: true, force: true });
	mkdirSync(OUT, { recursive: true });

	// First start, before any name: a context of its own.
	for (const lang of LANGS) {
		for (const colorScheme of SCHEMES) {
			const fresh = await newPhoneContext(browser, lang === 'sv' ? 'sv-SE' : 'en-GB');
			const page = await fresh.newPage();
			await page.emulateMedia({ colorScheme });
			await page.goto(`${relay.url}/?lang=${lang}`);
			await page.getByRole('heading', { level: 1 }).waitFor();
			await page.screenshot({ path: join(OUT, `first-start.${lang}.${colorScheme}.png`) });
			written++;
			await fresh.close();
		}
	}

	const context = await newPhoneContext(browser);
	const page = await context.newPage();
	const stops = await seedTour(page, relay.url);
	for (const lang of LANGS) {
		for (const colorScheme of SCHEMES) {
			await page.emulateMedia({ colorScheme });
			for (const stop of stops) {
				await visit(page, relay.url, stop, lang);
				await page.screenshot({ path: join(OUT, `${stop.name}.${lang}.${colorScheme}.png`) });
				written++;
			}
		}
	}
	await context.close();
	console.log(`${written} screenshots in ${OUT}`);
} finally {
	await browser.close();
	await relay.close();
}
