import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { firstStart, launchBrowser, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { startAppRelay, type AppRelay } from '../helpers/app';
import { newGroupId, newGroupKey } from '../../src/lib/sync/crypto';
import { encodeInvite } from '../../src/lib/sync/invite';

let relay: AppRelay;
let browser: Browser;

beforeAll(async () => {
	relay = await startAppRelay();
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await relay?.close();
});

/** An invite to a new group (never created anywhere) that syncs through `relayUrl`. */
function inviteTo(relayUrl: string, groupName: string): string {
	const groupId = newGroupId();
	const key = newGroupKey(groupId, 1);
	return encodeInvite({ version: 1, groupId, epoch: 1, keyId: key.keyId, key: key.key, relayUrl, groupName });
}

describe('the join page and the relay an invite names', () => {
	it('names the relay host of a usable invite, and refuses an http: relay elsewhere, naming it (360 and 320 px, axe clean)', async () => {
		const context = await newPhoneContext(browser);
		const page = await context.newPage();
		await firstStart(page, relay.url, 'Ebba');
		const localHost = new URL(relay.url).host;

		await page.goto(`${relay.url}/join#${inviteTo(relay.url, 'Tenants union')}`);
		await page.getByText(`This group syncs through the relay ${localHost}.`).waitFor();
		await page.getByRole('button', { name: 'Join group' }).waitFor();
		expect(await seriousAxeViolations(page)).toEqual([]);

		await page.goto(`${relay.url}/join#${inviteTo('http://relay.attacker.example:8080', 'Tenants union')}`);
		const alert = page.getByRole('alert');
		await alert.filter({ hasText: 'relay.attacker.example:8080' }).waitFor();
		expect(await alert.textContent()).toContain('without encryption');
		expect(await page.getByRole('button', { name: 'Join group' }).count()).toBe(0);
		expect(await seriousAxeViolations(page)).toEqual([]);
		await page.setViewportSize({ width: 320, height: 640 });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
		expect(await seriousAxeViolations(page)).toEqual([]);

		// In Swedish too.
		await page.goto(`${relay.url}/join?lang=sv#${inviteTo('http://relay.attacker.example', 'Hyresgäster')}`);
		await page.getByRole('alert').filter({ hasText: 'utan kryptering' }).waitFor();
		await context.close();
	});
});
