import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { startAppRelay, type AppRelay } from '../helpers/app';
import { twoMembers, waitForSyncStatus } from '../helpers/flows';

let relay: AppRelay;
let browser: Browser;

beforeAll(async () => {
	// Default relay limits: the 2 MB frame limit is what a 3 MB backlog must fit under.
	relay = await startAppRelay();
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await relay?.close();
});

const WORDS = ['water', 'legal', 'support', 'banner', 'meeting', 'point', 'bridge', 'police', 'medic', 'phone', 'route', 'blockade', 'kettle', 'chant'];

/** A handbook of about `bytes` of Markdown: a title, then numbered sections of plain paragraphs. */
function handbook(number: number, bytes: number): string {
	let seed = number * 7919;
	const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
	const lines = [`# Handbook ${number}`, ''];
	let length = 0;
	for (let section = 1; length < bytes; section++) {
		const paragraph = Array.from({ length: 60 }, () => WORDS[next() % WORDS.length]).join(' ') + '.';
		const block = `## Section ${section}\n\n${paragraph}\n`;
		lines.push(block);
		length += block.length;
	}
	lines.push(`Last line of handbook ${number}.`);
	return lines.join('\n');
}

describe('a handbook import made offline reaches the other member', () => {
	it('a member imports six 500 KB Markdown guides offline, comes online, and the other member opens the last one', async () => {
		const m = await twoMembers(browser, relay.url, 'Handbooks');
		const { a, b } = m;
		await m.contextA.setOffline(true);
		await a.goto(`${m.groupUrlA}/guides`);
		await waitForSyncStatus(a, 'Offline');
		let lastGuidePath = '';
		for (let number = 1; number <= 6; number++) {
			await a.goto(`${m.groupUrlA}/guides`);
			const source = handbook(number, 500 * 1024);
			await a.locator('input[type=file]').setInputFiles({ name: `handbook-${number}.md`, mimeType: 'text/markdown', buffer: Buffer.from(source) });
			await expect.poll(() => a.getByRole('textbox', { name: 'Title' }).inputValue(), { timeout: 60_000 }).toBe(`Handbook ${number}`);
			lastGuidePath = new URL(a.url()).pathname;
		}
		await waitForSyncStatus(a, 'Offline');

		await m.contextA.setOffline(false);
		await waitForSyncStatus(a, 'Saved to relay', 180_000);

		const pathB = lastGuidePath.replace(new URL(m.groupUrlA).pathname, new URL(m.groupUrlB).pathname);
		await b.goto(`${relay.url}${pathB}`);
		await b.getByRole('heading', { name: 'Handbook 6' }).waitFor({ timeout: 120_000 });
		await b.getByText('Last line of handbook 6.').waitFor({ timeout: 120_000 });
		await m.close();
	}, 600_000);
});
