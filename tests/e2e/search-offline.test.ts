import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { firstStart, newPhoneContext, seriousAxeViolations, waitForServiceWorker } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { writeGuide } from '../helpers/commons-app';
import { createGroup, startDiscussion } from '../helpers/flows';

const session = useAppSession();

async function planAction(page: Page, groupUrl: string, title: string, place: string): Promise<void> {
	await page.goto(`${groupUrl}/actions`);
	await page.getByRole('button', { name: 'New action' }).click();
	await page.getByRole('textbox', { name: 'Title' }).fill(title);
	await page.getByLabel('Starts').fill('2030-05-01T12:00');
	await page.getByRole('textbox', { name: 'Place' }).fill(place);
	await page.getByRole('button', { name: 'Save' }).click();
	await page.getByRole('heading', { level: 1, name: title }).waitFor();
}

/** Types a query in the Swedish search screen and opens the hit whose link is named `name`. */
async function findAndOpen(page: Page, query: string, name: string): Promise<void> {
	await page.getByRole('link', { name: 'Sök', exact: true }).click();
	const box = page.getByRole('searchbox', { name: 'Sök' });
	await box.fill(query);
	const hit = page.getByRole('link', { name, exact: true });
	await hit.waitFor();
	await hit.click();
}

describe('offline search', () => {
	it('finds a guide paragraph, a message and an action place across two groups in Swedish, offline, and opens each at the match', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		try {
			await firstStart(page, session.relay.url, 'Ylva');
			await waitForServiceWorker(page);
			const malmo = await createGroup(page, 'Klimat Malmö');
			const filler = Array.from({ length: 14 }, (_, n) => `Stycke ${n + 1} om förberedelser, packning och samordning.`);
			await writeGuide(page, malmo, { title: 'Plan för blockaden', body: [...filler, 'Vi samlas på Möllevångstorget klockan tolv.'].join('\n') });
			const lund = await createGroup(page, 'Lundagruppen');
			const earlier = Array.from({ length: 50 }, (_, n) => `Meddelande nummer ${n + 1}`);
			await startDiscussion(page, lund, 'Material', ['Vem tar med banderollerna till demonstrationen?', ...earlier]);
			await planAction(page, lund, 'Sittstrejk', 'Stortorget, Lund');

			await page.getByRole('link', { name: 'Settings' }).click();
			await page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Svenska' });
			await page.getByRole('heading', { level: 1, name: 'Inställningar' }).waitFor();
			await context.setOffline(true);

			// Home lists what happened in both groups, newest first.
			await page.getByRole('link', { name: 'Hem', exact: true }).click();
			const activity = page.getByRole('region', { name: 'Senaste aktivitet' }).getByRole('listitem');
			await expect.poll(() => activity.count()).toBe(3);
			expect((await activity.allTextContents()).map((text) => text.split('·')[0]!.trim())).toEqual([
				expect.stringMatching(/^Ny aktion: Sittstrejk/),
				expect.stringMatching(/^(Nya meddelanden|Ny diskussion): Material/),
				expect.stringMatching(/^Ny guide: Plan för blockaden/)
			]);
			expect((await activity.first().textContent())!).toContain('Lundagruppen');

			// Typed without å and ö: the guide's last paragraph, in another group than the rest.
			await findAndOpen(page, 'mollevangstorget', 'Plan för blockaden');
			await page.getByRole('heading', { level: 1, name: 'Plan för blockaden' }).waitFor();
			expect(new URL(page.url()).searchParams.get('block')).toBe('14');
			const paragraph = page.locator('.guide-prose > .found');
			await paragraph.waitFor();
			expect(await paragraph.textContent()).toContain('Möllevångstorget');
			await expect.poll(() => paragraph.evaluate((element) => {
				const box = element.getBoundingClientRect();
				return box.top >= 0 && box.bottom <= window.innerHeight;
			})).toBe(true);

			// The first of 51 messages: the thread opens there, not at the newest.
			await findAndOpen(page, 'banderoller', 'Material');
			const message = page.getByRole('list', { name: 'Meddelanden' }).locator('li.found');
			await message.waitFor();
			expect(await message.textContent()).toContain('banderollerna');
			await expect.poll(() => message.evaluate((element) => element === document.activeElement)).toBe(true);

			await findAndOpen(page, 'stortorget', 'Sittstrejk');
			await page.getByRole('heading', { level: 1, name: 'Sittstrejk' }).waitFor();
			expect(page.url()).toContain('/actions/');

			// Grouped by kind, with the group's name and the match marked.
			await page.getByRole('link', { name: 'Sök', exact: true }).click();
			await page.getByRole('searchbox', { name: 'Sök' }).fill('lund');
			await page.getByRole('heading', { level: 2, name: 'Aktioner' }).waitFor();
			expect(await page.locator('mark').first().textContent()).toBe('Lund');
			expect(await page.getByText('i Lundagruppen').count()).toBeGreaterThan(0);
			expect(await seriousAxeViolations(page)).toEqual([]);
		} finally {
			await context.close();
		}
	});
});
