import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { firstStart, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup, readInviteCode } from '../helpers/flows';
import { writeGuide } from '../helpers/commons-app';
import { hostileMember } from '../helpers/hostile';
import { until } from '../helpers/devices';
import { MEMBERS_MAP } from '../../src/lib/sync/rules';

const session = useAppSession();

/** The notice of refused and restored changes under the app bar. */
function notice(page: Page) {
	return page.getByRole('status', { name: /^(Refused changes|Avvisade ändringar)$/ });
}

/** Waits until the notice's text contains `text`. */
async function noticeSays(page: Page, text: string | RegExp): Promise<void> {
	const poll = expect.poll(async () => (await notice(page).textContent()) ?? '', { timeout: 30_000, interval: 200 });
	await (typeof text === 'string' ? poll.toContain(text) : poll.toMatch(text));
}

/**
 * Mallory's refusal, however many of her blobs carried it: her own device may merge her refused blob with
 * her next ones, and the merged blob, carrying the same deletion, is refused and counted too.
 */
const MALLORY_REFUSED = /A change from Mallory was refused|\d+ changes from Mallory were refused/;

/** Whether anything on the page is wider than the viewport, or the notice reaches past its right edge. */
function overflows(page: Page): Promise<boolean> {
	return page.evaluate(() => {
		const width = document.documentElement.clientWidth;
		const box = document.querySelector('.refusals')?.getBoundingClientRect();
		return document.documentElement.scrollWidth > width || !box || box.right > width || box.left < 0;
	});
}

describe('the notice of what this device refused or put back', () => {
	it('a member deleting another’s member-map entry is refused and named; a wiped guide is put back; both told until dismissed (a reload too), at 320 px, in Swedish, by keyboard', async () => {
		const context = await newPhoneContext(session.browser);
		const alice = await context.newPage();
		await firstStart(alice, session.relay.url, 'Alice');
		const groupUrl = await createGroup(alice, 'Tenants');
		// Bashir and Mallory run the app's own sync code in Node, Mallory's changed: each joins like anyone
		// with a direct invite. Bashir asserts his entry in the member map of groups from before rosters.
		const bashir = await hostileMember('Bashir', await readInviteCode(alice));
		const mallory = await hostileMember('Mallory', await readInviteCode(alice));
		// Written once both have seen his join: sealed together with it, the entry would make his join blob
		// more than his own roster operation, held until a join that is inside it.
		await until(() => [bashir, mallory].every(({ vault }) => vault.rosterNow().members.has(bashir.key)), 'Bashir admitted on both devices', 30_000);
		bashir.vault.meta.getMap(MEMBERS_MAP).set(bashir.key, { name: 'Bashir', publicKey: bashir.key, joinedAt: Date.now() });
		const members = mallory.vault.meta.getMap(MEMBERS_MAP);
		await until(() => members.has(bashir.key), 'Bashir’s member entry on Mallory’s device', 30_000);
		await alice.goto(`${groupUrl}/members`);
		await alice.getByText('Mallory').first().waitFor({ timeout: 30_000 });
		await alice.goto(groupUrl);
		await alice.getByRole('heading', { level: 1, name: 'Tenants' }).waitFor();
		expect((await notice(alice).textContent())?.trim()).toBe('');

		// Mallory deletes Bashir's entry of the member map, as a hostile app would.
		mallory.vault.meta.transact(() => members.delete(bashir.key));
		await noticeSays(alice, MALLORY_REFUSED);
		// On the group's own screen the group goes without saying.
		expect(await notice(alice).textContent()).not.toContain('In Tenants');

		// Alice writes a guide; Mallory deletes every blob of it from the shared document. Nothing signed
		// the deletion, so the notice cannot name her.
		const docId = await writeGuide(alice, groupUrl, { title: 'Rent strike plan', body: 'Meet on Friday.' });
		await until(() => mallory.vault.outer.getArray<Uint8Array>(`d/${docId}`).length > 0, 'the guide on Mallory’s device', 30_000);
		const blobs = mallory.vault.outer.getArray<Uint8Array>(`d/${docId}`);
		mallory.vault.outer.transact(() => blobs.delete(0, blobs.length), 'hostile');
		await noticeSays(alice, 'Someone deleted part of “Rent strike plan”; it was put back');
		expect(await alice.getByRole('textbox', { name: 'Guide body' }).textContent()).toContain('Meet on Friday.');
		// Told once however many devices restored it, and the refusal is still there.
		expect(await notice(alice).textContent()).toMatch(MALLORY_REFUSED);

		// It stays while Alice moves around the app, and says which group elsewhere.
		await alice.getByRole('link', { name: 'Home' }).click();
		await alice.getByRole('button', { name: 'New group' }).waitFor();
		await noticeSays(alice, 'In Tenants');
		expect(await seriousAxeViolations(alice)).toEqual([]);

		// In Swedish.
		await alice.getByRole('link', { name: 'Settings' }).click();
		await alice.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Svenska' });
		await noticeSays(alice, /En ändring från Mallory avvisades|\d+ ändringar från Mallory avvisades/);
		await noticeSays(alice, 'Någon raderade en del av ”Rent strike plan”; det lades tillbaka');
		await noticeSays(alice, 'I Tenants');
		expect(await seriousAxeViolations(alice)).toEqual([]);
		await alice.getByRole('combobox', { name: 'Språk' }).selectOption({ label: 'English' });
		await noticeSays(alice, MALLORY_REFUSED);

		// At 320 px nothing overflows and the notice stays clear of both edges.
		await alice.setViewportSize({ width: 320, height: 640 });
		expect(await overflows(alice)).toBe(false);

		// Dismissed with the keyboard: the notice goes and focus moves to the screen, not nowhere.
		const dismiss = alice.locator('.refusals').getByRole('button', { name: 'Dismiss' });
		await dismiss.focus();
		await alice.keyboard.press('Enter');
		await expect.poll(async () => (await notice(alice).textContent())?.trim()).toBe('');
		expect(await dismiss.count()).toBe(0);
		expect(await alice.evaluate(() => document.activeElement?.id)).toBe('main');

		// Refused blobs stay in the group's document: after a reload they are refused and reported again,
		// but stay dismissed. Only a new one shows, alone.
		await alice.reload();
		await alice.getByRole('combobox', { name: 'Language' }).waitFor({ timeout: 30_000 });
		bashir.vault.meta.getMap(MEMBERS_MAP).set(bashir.key, { name: 'Bashir B', publicKey: bashir.key, joinedAt: Date.now() });
		await until(() => (members.get(bashir.key) as { name?: string } | undefined)?.name === 'Bashir B', 'Bashir’s new entry on Mallory’s device', 30_000);
		mallory.vault.meta.transact(() => members.delete(bashir.key));
		await noticeSays(alice, MALLORY_REFUSED);
		expect(await notice(alice).textContent()).not.toMatch(/put back/);

		await mallory.device.close();
		await bashir.device.close();
		await context.close();
	});
});
