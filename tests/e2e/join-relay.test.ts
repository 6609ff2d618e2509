import { describe, expect, it } from 'vitest';
import { firstStart, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { newGroupId, newGroupKey } from '../../src/lib/sync/crypto';
import { encodeInvite } from '../../src/lib/sync/invite';

const session = useAppSession();

/** An invite to a new group (never created anywhere) that syncs through `relayUrl`. */
function inviteTo(relayUrl: string, groupName: string): string {
	const groupId = newGroupId();
	const key = newGroupKey(groupId, 1);
	return encodeInvite({ version: 1, groupId, epoch: 1, keyId: key.keyId, key: key.key, relayUrl, groupName });
}

describe('the join page and the relay an invite names', () => {
	it('names the relay host of a usable invite, and refuses an http: relay elsewhere, naming it (360 and 320 px, axe clean)', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		await firstStart(page, session.relay.url, 'Ebba');
		const localHost = new URL(session.relay.url).host;

		await page.goto(`${session.relay.url}/join#${inviteTo(session.relay.url, 'Tenants union')}`);
		await page.getByText(`This group syncs through the relay ${localHost}.`).waitFor();
		await page.getByRole('button', { name: 'Join group' }).waitFor();
		expect(await seriousAxeViolations(page)).toEqual([]);

		await page.goto(`${session.relay.url}/join#${inviteTo('http://relay.attacker.example:8080', 'Tenants union')}`);
		const alert = page.getByRole('alert');
		await alert.filter({ hasText: 'relay.attacker.example:8080' }).waitFor();
		expect(await alert.textContent()).toContain('without encryption');
		expect(await page.getByRole('button', { name: 'Join group' }).count()).toBe(0);
		expect(await seriousAxeViolations(page)).toEqual([]);
		await page.setViewportSize({ width: 320, height: 640 });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
		expect(await seriousAxeViolations(page)).toEqual([]);

		// In Swedish too.
		await page.goto(`${session.relay.url}/join?lang=sv#${inviteTo('http://relay.attacker.example', 'Hyresgäster')}`);
		await page.getByRole('alert').filter({ hasText: 'utan kryptering' }).waitFor();
		await context.close();
	});
});
