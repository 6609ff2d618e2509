import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useAppSession } from '../helpers/app-session';
import { twoMembers } from '../helpers/flows';

const session = useAppSession();

async function rsvpText(page: Page): Promise<string> {
	return (await page.getByRole('region', { name: /coming/ }).textContent()) ?? '';
}

describe("I'm coming", () => {
	it('two members RSVP, both see a count of 2 with both names, and a second press takes it back', async () => {
		const m = await twoMembers(session.browser, session.relay.url, 'Climate Umeå');
		try {
			await m.a.goto(`${m.groupUrlA}/actions`);
			await m.a.getByRole('button', { name: 'New action' }).click();
			await m.a.getByRole('textbox', { name: 'Title' }).fill('Die-in at the town hall');
			await m.a.getByLabel('Starts').fill('2030-06-12T12:00');
			await m.a.getByLabel('Ends').fill('2030-06-12T14:30');
			await m.a.getByRole('combobox', { name: 'Time zone' }).selectOption('Europe/Stockholm');
			await m.a.getByRole('textbox', { name: 'Place' }).fill('Rådhustorget');
			await m.a.getByRole('button', { name: 'Save' }).click();
			await m.a.getByRole('heading', { level: 1, name: 'Die-in at the town hall' }).waitFor();
			const actionPath = new URL(m.a.url()).pathname.split('/actions/')[1];

			// B finds it among the upcoming actions.
			await m.b.goto(`${m.groupUrlB}/actions`);
			await m.b.getByRole('list', { name: 'Upcoming' }).getByRole('link', { name: /Die-in at the town hall/ }).click({ timeout: 30_000 });
			await m.b.getByRole('heading', { level: 1, name: 'Die-in at the town hall' }).waitFor();
			expect(m.b.url()).toContain(actionPath);
			await m.b.getByText('Rådhustorget').waitFor();

			const comingA = m.a.getByRole('button', { name: "I'm coming" });
			const comingB = m.b.getByRole('button', { name: "I'm coming" });
			await comingA.click();
			await comingB.click();
			expect(await comingA.getAttribute('aria-pressed')).toBe('true');
			for (const page of [m.a, m.b]) {
				await expect.poll(() => rsvpText(page), { timeout: 30_000 }).toContain('2 coming');
				const text = await rsvpText(page);
				expect(text).toContain('Alice');
				expect(text).toContain('Bashir');
			}

			await comingB.click();
			expect(await comingB.getAttribute('aria-pressed')).toBe('false');
			await expect.poll(() => rsvpText(m.a), { timeout: 30_000 }).toContain('1 coming');
			expect(await rsvpText(m.a)).not.toContain('Bashir');
		} finally {
			await m.close();
		}
	});
});
