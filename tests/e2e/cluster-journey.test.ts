import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser } from 'playwright-core';
import { BUILD_DIR } from '../helpers/app';
import { launchBrowser } from '../helpers/browser';
import { guideBodyText, twoMembers, typeAtGuideEnd, waitForSyncStatus } from '../helpers/flows';
import { findPostgres, useTestDatabase } from '../helpers/postgres';
import { findRedis } from '../helpers/redis';
import { freePort } from '../helpers/redis';
import { fetchMetrics, TEST_METRICS_TOKEN } from '../helpers/relay';
import { spawnRelay, stopRelay, type RelayProcess } from '../helpers/relay-process';

const postgres = await findPostgres();
const redis = await findRedis();

/**
 * The deployment's one public name; each browser resolves it to a different relay process, as a load balancer
 * would route them. It is `localhost` because the app syncs over plain http only with this machine
 * (src/lib/sync/relay-url.ts); Chromium's resolver rules map even that name.
 */
const HOST_NAME = 'localhost';
/** Loopback addresses of the two processes (Linux routes all of 127.0.0.0/8 to lo). */
const ADDRESSES = ['127.0.0.2', '127.0.0.3'];

// The app's journey on a scaled-out deployment: each phone reaches a different relay process.
describe.skipIf(!postgres || !redis)('two relay processes behind one deployment, in the browser', () => {
	const database = useTestDatabase(postgres!);
	let processes: RelayProcess[] = [];
	const browsers: Browser[] = [];
	let baseUrl: string;

	beforeAll(async () => {
		const port = await freePort();
		baseUrl = `http://${HOST_NAME}:${port}`;
		processes = await Promise.all(
			ADDRESSES.map((host) =>
				spawnRelay({
					HOST: host,
					PORT: String(port),
					DATABASE_URL: database.current.url,
					REDIS_URL: redis!,
					STATIC_DIR: BUILD_DIR,
					METRICS_TOKEN: TEST_METRICS_TOKEN,
					LOG_LEVEL: 'info'
				})
			)
		);
		for (const address of ADDRESSES) {
			browsers.push(
				await launchBrowser([`--host-resolver-rules=MAP ${HOST_NAME} ${address}`, `--unsafely-treat-insecure-origin-as-secure=${baseUrl}`])
			);
		}
	});
	afterAll(async () => {
		await Promise.all(browsers.map((browser) => browser.close()));
		await Promise.all(processes.map(stopRelay));
	});

	it('invite, guide, offline edit and reconnect with Alice on process A and Bashir on process B', async () => {
		// What the relays and the two apps said is the first thing to read when this journey fails.
		const consoleLines: string[] = [];
		onTestFailed(() => {
			for (const [index, relay] of processes.entries()) console.error(`relay ${ADDRESSES[index]} output:\n${relay.output()}`);
			console.error(`the apps' warnings and errors:\n${consoleLines.join('\n')}`);
		});
		const m = await twoMembers(browsers[0]!, baseUrl, 'Cluster circle', browsers[1]!);
		for (const [name, page] of [['Alice', m.a], ['Bashir', m.b]] as const) {
			page.on('console', (message) => {
				if (message.type() === 'error' || message.type() === 'warning') consoleLines.push(`${name}: ${message.text()}`);
			});
		}

		await m.a.goto(`${m.groupUrlA}/guides`);
		await m.a.getByRole('button', { name: 'New guide' }).click();
		await m.a.getByRole('textbox', { name: 'Title' }).fill('Blockade checklist');
		await typeAtGuideEnd(m.a, 'Bring water.');
		await waitForSyncStatus(m.a, 'Saved to relay');
		const guidePath = new URL(m.a.url()).pathname;

		await m.b.goto(`${baseUrl}${guidePath.replace(new URL(m.groupUrlA).pathname, new URL(m.groupUrlB).pathname)}`);
		await m.b.getByRole('button', { name: 'Edit' }).click();
		await expect.poll(() => guideBodyText(m.b), { timeout: 30_000 }).toContain('Bring water.');

		await m.contextB.setOffline(true);
		await waitForSyncStatus(m.b, 'Offline');
		await typeAtGuideEnd(m.b, ' Offline note from Bashir.');
		await typeAtGuideEnd(m.a, ' Online note from Alice.');
		await waitForSyncStatus(m.a, 'Saved to relay');

		await m.contextB.setOffline(false);
		await waitForSyncStatus(m.b, 'Saved to relay');
		await expect
			.poll(
				async () => {
					const [textA, textB] = await Promise.all([guideBodyText(m.a), guideBodyText(m.b)]);
					return textA === textB && textA.includes('Offline note from Bashir.') && textA.includes('Online note from Alice.');
				},
				{ timeout: 30_000 }
			)
			.toBe(true);
		// Each phone's sync really went through its own process.
		for (const relay of processes) expect(await fetchMetrics(relay.url)).toMatch(/^fieldbook_connections [1-9]/m);
		await m.close();
	});
});
