import { describe, expect, it } from 'vitest';
import { firstStart, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup } from '../helpers/flows';

const session = useAppSession();

describe('action screens', () => {
	it('are axe-clean, explain what is missing, and list past and upcoming actions', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		try {
			await firstStart(page, session.relay.url, 'Eli');
			const groupUrl = await createGroup(page, 'Tenants union');
			await page.goto(`${groupUrl}/actions`);
			await page.getByRole('button', { name: 'New action' }).waitFor();
			expect(await seriousAxeViolations(page)).toEqual([]);

			await page.getByRole('button', { name: 'New action' }).click();
			await page.getByRole('button', { name: 'Save' }).click();
			await page.getByText('Please give the action a title.').waitFor();
			await page.getByText('Please give a start date and time.').waitFor();
			expect(await page.getByRole('textbox', { name: 'Title' }).getAttribute('aria-invalid')).toBe('true');
			expect(await seriousAxeViolations(page)).toEqual([]);

			await page.getByRole('textbox', { name: 'Title' }).fill('Rent strike meeting');
			await page.getByLabel('Starts').fill('2031-02-01T18:00');
			await page.getByRole('textbox', { name: 'Place' }).fill('Community hall');
			await page.getByRole('button', { name: 'Save' }).click();
			await page.getByRole('heading', { level: 1, name: 'Rent strike meeting' }).waitFor();
			expect(await seriousAxeViolations(page)).toEqual([]);

			// A second action, in the past.
			await page.goto(`${groupUrl}/actions/new`);
			await page.getByRole('textbox', { name: 'Title' }).fill('Eviction defence');
			await page.getByLabel('Starts').fill('2020-05-01T07:00');
			await page.getByRole('button', { name: 'Save' }).click();
			await page.getByRole('heading', { level: 1, name: 'Eviction defence' }).waitFor();
			await page.getByRole('link', { name: 'Back' }).click();
			await page.getByRole('list', { name: 'Upcoming' }).getByRole('link', { name: /Rent strike meeting/ }).waitFor();
			await page.getByRole('list', { name: 'Past' }).getByRole('link', { name: /Eviction defence/ }).waitFor();
			expect(await seriousAxeViolations(page)).toEqual([]);
		} finally {
			await context.close();
		}
	});
});
