import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useAppSession } from '../helpers/app-session';
import { twoMembers } from '../helpers/flows';

const session = useAppSession();

async function rsvpText(page: Page): Promise<string> {
	return (await page.getByRole('region', { name: 'Are you going?' }).textContent()) ?? '';
}

/** Which answer buttons are pressed, by name. */
async function pressed(page: Page): Promise<string[]> {
	const group = page.getByRole('group', { name: 'Are you going?' });
	const names: string[] = [];
	for (const name of ['Going', 'Maybe', "Can't go"]) {
		if ((await group.getByRole('button', { name, exact: true }).getAttribute('aria-pressed')) === 'true') names.push(name);
	}
	return names;
}

describe('RSVP: Going, Maybe, Can’t go', () => {
	it('two members answer, see a count and the names for each answer, change with one tap, and never withdraw by tapping again', async () => {
		const m = await twoMembers(session.browser, session.relay.url, 'Climate Umeå');
		try {
			await m.a.goto(`${m.groupUrlA}/actions`);
			await m.a.getByRole('button', { name: 'New action' }).click();
			await m.a.getByRole('textbox', { name: 'Title' }).fill('Die-in at the town hall');
			await m.a.getByLabel('Starts').fill('2030-06-12T12:00');
			await m.a.getByLabel('Ends').fill('2030-06-12T14:30');
			// The zone picker is grouped by region and names places, not a list of ~400 raw names.
			const zone = m.a.getByRole('combobox', { name: 'Time zone' });
			expect(await zone.locator('optgroup').count()).toBeGreaterThan(5);
			expect(await zone.locator('optgroup[label="Europe"] option[value="Europe/Stockholm"]').textContent()).toBe('Stockholm');
			expect(await zone.locator('optgroup').first().getAttribute('label')).toBe('Your time zone');
			await zone.selectOption('Europe/Stockholm');
			await m.a.getByRole('textbox', { name: 'Place' }).fill('Rådhustorget');
			await m.a.getByRole('textbox', { name: 'Description' }).fill('We lie down in front of the town hall for ten minutes.\n\nBring a sign.');
			await m.a.getByRole('button', { name: 'Save' }).click();
			await m.a.getByRole('heading', { level: 1, name: 'Die-in at the town hall' }).waitFor();
			const actionPath = new URL(m.a.url()).pathname.split('/actions/')[1];

			// B finds it among the upcoming actions, its time given with a zone.
			await m.b.goto(`${m.groupUrlB}/actions`);
			const link = m.b.getByRole('list', { name: 'Upcoming' }).getByRole('link', { name: /Die-in at the town hall/ });
			await link.waitFor({ timeout: 30_000 });
			expect(await link.textContent()).toMatch(/(GMT|UTC|CES?T)/);
			await link.click();
			await m.b.getByRole('heading', { level: 1, name: 'Die-in at the town hall' }).waitFor();
			expect(m.b.url()).toContain(actionPath);
			await m.b.getByText('Rådhustorget').waitFor();

			// The three answers are on the first screen of a 360 × 740 phone, none chosen yet.
			for (const page of [m.a, m.b]) {
				for (const name of ['Going', 'Maybe', "Can't go"]) {
					const box = (await page.getByRole('button', { name, exact: true }).boundingBox())!;
					expect(box.y + box.height, name).toBeLessThanOrEqual(740);
					expect(box.height, name).toBeGreaterThanOrEqual(44);
				}
				expect(await pressed(page)).toEqual([]);
			}

			await m.a.getByRole('button', { name: 'Going', exact: true }).click();
			await m.b.getByRole('button', { name: 'Going', exact: true }).click();
			expect(await pressed(m.a)).toEqual(['Going']);
			for (const page of [m.a, m.b]) {
				await expect.poll(() => rsvpText(page), { timeout: 30_000 }).toContain('2 going: Alice, Bashir');
				expect(await rsvpText(page)).toContain('0 maybe');
			}

			// Tapping the chosen answer again keeps it: nothing is withdrawn silently.
			await m.b.getByRole('button', { name: 'Going', exact: true }).click();
			expect(await pressed(m.b)).toEqual(['Going']);
			expect(await rsvpText(m.b)).toContain('2 going');

			// One tap changes the answer.
			await m.b.getByRole('button', { name: "Can't go", exact: true }).click();
			expect(await pressed(m.b)).toEqual(["Can't go"]);
			await expect.poll(() => rsvpText(m.a), { timeout: 30_000 }).toContain("1 can't go: Bashir");
			expect(await rsvpText(m.a)).toContain('1 going: Alice');
			await m.a.getByRole('button', { name: 'Maybe', exact: true }).click();
			expect(await pressed(m.a)).toEqual(['Maybe']);
			await expect.poll(() => rsvpText(m.b), { timeout: 30_000 }).toContain('1 maybe: Alice');
			expect(await rsvpText(m.b)).toContain('0 going');

			// The answer survives a reload.
			await m.b.reload();
			await m.b.getByRole('heading', { level: 1, name: 'Die-in at the town hall' }).waitFor();
			await expect.poll(() => pressed(m.b), { timeout: 30_000 }).toEqual(["Can't go"]);
		} finally {
			await m.close();
		}
	});
});
