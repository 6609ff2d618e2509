import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { firstStart, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup, joinByCode, readInviteCode, startDiscussion } from '../helpers/flows';

const session = useAppSession();

/** Axe in English and Swedish on the page as it is now (back to English after). */
async function axeBothLanguages(page: Page, heading: RegExp): Promise<void> {
	expect(await seriousAxeViolations(page)).toEqual([]);
	const url = new URL(page.url());
	url.searchParams.set('lang', 'sv');
	await page.goto(url.toString());
	await page.locator('html[lang="sv"]').waitFor();
	await page.getByRole('heading', { name: heading }).first().waitFor({ timeout: 30_000 });
	expect(await seriousAxeViolations(page)).toEqual([]);
	url.searchParams.set('lang', 'en');
	await page.goto(url.toString());
	await page.locator('html[lang="en"]').waitFor();
}

describe('removing a member', () => {
	it('three people: the admin removes one; the removed person is told and keeps a read-only copy; the others keep talking', async () => {
		const contexts = await Promise.all([newPhoneContext(session.browser), newPhoneContext(session.browser), newPhoneContext(session.browser)]);
		const [a, b, c] = (await Promise.all(contexts.map((context) => context.newPage()))) as [Page, Page, Page];
		await firstStart(a, session.relay.url, 'Alice');
		await firstStart(b, session.relay.url, 'Bashir');
		await firstStart(c, session.relay.url, 'Cai');
		const groupUrlA = await createGroup(a, 'Tenants union');
		const groupUrlB = await joinByCode(b, session.relay.url, await readInviteCode(a), 'Tenants union');
		const groupUrlC = await joinByCode(c, session.relay.url, await readInviteCode(a), 'Tenants union');
		await startDiscussion(a, groupUrlA, 'Before', ['Said before the removal']);
		await c.goto(`${groupUrlC}/discussions`);
		await c.getByRole('link', { name: /Before/ }).waitFor({ timeout: 30_000 });

		// A removes Cai: the dialog says plainly what removal does and does not do.
		await a.goto(`${groupUrlA}/members`);
		await a.getByRole('button', { name: 'Remove Cai' }).waitFor({ timeout: 30_000 });
		expect(await b.getByRole('button', { name: 'Remove Cai' }).count()).toBe(0);
		await a.getByRole('button', { name: 'Remove Cai' }).click();
		const dialog = a.getByRole('dialog', { name: 'Remove Cai?' });
		await dialog.waitFor();
		await dialog.getByText('They will not see anything new. What they already saw or copied cannot be taken back.').waitFor();
		expect(await seriousAxeViolations(a)).toEqual([]);
		await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
		await dialog.waitFor({ state: 'hidden' });
		await a.getByText('Removed from the group').waitFor({ timeout: 30_000 });

		// Cai's phone: told, with the old content still there, and a way to delete it.
		await c.goto(groupUrlC);
		await c.getByRole('heading', { name: 'You are no longer a member of this group' }).waitFor({ timeout: 30_000 });
		await c.getByRole('button', { name: 'Delete from this device' }).waitFor();
		await c.goto(`${groupUrlC}/discussions`);
		await c.getByRole('link', { name: /Before/ }).waitFor();
		await axeBothLanguages(c, /You are no longer a member of this group|Du är inte längre medlem i den här gruppen/);

		// A and B go on in the new epoch: a discussion started after the removal reaches B, never Cai.
		await startDiscussion(a, groupUrlA, 'After', ['Said after the removal']);
		await b.goto(`${groupUrlB}/discussions`);
		await b.getByRole('link', { name: /After/ }).waitFor({ timeout: 30_000 });
		await b.getByRole('link', { name: /Before/ }).waitFor();
		await startDiscussion(b, groupUrlB, 'Reply', ['B still writes']);
		await a.goto(`${groupUrlA}/discussions`);
		await a.getByRole('link', { name: /Reply/ }).waitFor({ timeout: 30_000 });
		await c.reload();
		await c.getByRole('link', { name: /Before/ }).waitFor();
		expect(await c.getByRole('link', { name: /After|Reply/ }).count()).toBe(0);
		await axeBothLanguages(a, /Discussions|Diskussioner/);

		// Cai deletes the group from the phone.
		await c.goto(groupUrlC);
		await c.getByRole('button', { name: 'Delete from this device' }).click();
		await c.getByRole('button', { name: 'New group' }).waitFor({ timeout: 30_000 });
		expect(await c.getByText('Tenants union').count()).toBe(0);
		for (const context of contexts) await context.close();
	}, 240_000);
});
