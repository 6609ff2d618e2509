import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { BUILD_DIR } from '../helpers/app';
import { commonsApi, guidePayload, newEntryId, newPublisher } from '../helpers/commons';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { publisherFingerprint } from '../../src/lib/commons/verify';

const GENUINE = 'Legal observers: what to bring';
const TITLE_CHANGED = 'Meeting point for the blockade';
const SIGNED_CHANGED = 'Bail fund contacts';
const FORGED = /does not match its publisher’s signature/;

let relay: TestRelay;
let proxy: Server;
let proxyUrl = '';
let browser: Browser;
let context: BrowserContext;
const publisher = newPublisher();
const ids = { genuine: newEntryId(), titleChanged: newEntryId(), signedChanged: newEntryId() };

/**
 * A path between the app and the relay that rewrites two entries after their publisher signed them: one
 * served field (the title the screen shows) and the signed payload string itself (the body inside it).
 */
function tamper(path: string, text: string): string {
	const answer = JSON.parse(text) as { entry?: Record<string, unknown> } & Record<string, unknown>;
	const entry = (answer.entry ?? answer) as Record<string, unknown>;
	if (path.endsWith(ids.titleChanged)) entry.title = 'Meet at the old harbour instead';
	if (path.endsWith(ids.signedChanged)) entry.signed = String(entry.signed).replace('Write the number', 'Call the number 0700');
	return JSON.stringify(answer);
}

function startTamperingProxy(target: URL): Promise<Server> {
	const server = createServer((req, res) => {
		const upstream = request(
			{ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, host: target.host, 'accept-encoding': 'identity' } },
			(answer) => {
				const rewrite = req.method === 'GET' && req.url?.startsWith('/api/commons/entries/') && answer.statusCode === 200;
				if (!rewrite) {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
					return;
				}
				const chunks: Buffer[] = [];
				answer.on('data', (chunk: Buffer) => chunks.push(chunk));
				answer.on('end', () => {
					const body = tamper(req.url ?? '', Buffer.concat(chunks).toString('utf8'));
					const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) };
					res.writeHead(200, headers);
					res.end(body);
				});
			}
		);
		upstream.on('error', () => res.writeHead(502).end());
		req.pipe(upstream);
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
	relay = await startTestRelay({ staticDir: BUILD_DIR, commons: { writesPerMinute: 1_000 } });
	const api = commonsApi(relay.url);
	for (const [id, title] of [
		[ids.genuine, GENUINE],
		[ids.titleChanged, TITLE_CHANGED],
		[ids.signedChanged, SIGNED_CHANGED]
	] as const) {
		expect((await api.publish(publisher, guidePayload(id, 1, { title }))).status).toBe(201);
	}
	proxy = await startTamperingProxy(new URL(relay.url));
	proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
	browser = await launchBrowser();
	context = await newPhoneContext(browser);
});

afterAll(async () => {
	await context?.close();
	await browser?.close();
	await new Promise((resolve) => proxy?.close(resolve));
	await relay?.close();
});

async function refused(page: Page, id: string, titles: string[]): Promise<void> {
	await page.goto(`${proxyUrl}/commons/${id}?lang=en`);
	await page.getByRole('alert').filter({ hasText: FORGED }).waitFor();
	for (const title of titles) expect(await page.getByRole('heading', { name: title }).count()).toBe(0);
	expect(await page.getByRole('button', { name: 'Copy to my group' }).count()).toBe(0);
	expect(await page.getByText('Published by').count()).toBe(0);
}

describe('verified commons entries', () => {
	it('shows a signed entry with its publisher key fingerprint, and refuses entries changed after signing', async () => {
		const page = await context.newPage();
		await page.goto(`${proxyUrl}/commons/${ids.genuine}?lang=en`);
		await page.getByRole('heading', { level: 1, name: GENUINE }).waitFor();
		const fingerprint = await publisherFingerprint(publisher.publicKey);
		expect(fingerprint.split(' ')).toHaveLength(8);
		await page.getByText(fingerprint, { exact: true }).waitFor();
		await page.getByRole('button', { name: 'Copy to my group' }).waitFor();
		// The other entries of the same key are listed, each opened (and checked) on its own page.
		const sameKey = page.getByRole('region', { name: 'Also published with this key' });
		await sameKey.getByRole('link', { name: TITLE_CHANGED }).waitFor();
		await sameKey.getByRole('link', { name: SIGNED_CHANGED }).waitFor();
		expect(await sameKey.getByRole('link', { name: GENUINE }).count()).toBe(0);
		expect(await seriousAxeViolations(page)).toEqual([]);

		await refused(page, ids.titleChanged, [TITLE_CHANGED, 'Meet at the old harbour instead']);
		expect(await seriousAxeViolations(page)).toEqual([]);
		await refused(page, ids.signedChanged, [SIGNED_CHANGED]);
		expect(await page.getByText('Call the number 0700').count()).toBe(0);

	});
});
