import { describe, expect, it } from 'vitest';
import { firstStart, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup } from '../helpers/flows';

const session = useAppSession();

describe('discussion screens', () => {
	it('are axe-clean, render links as links and markup as text, and work from the keyboard', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		try {
			await firstStart(page, session.relay.url, 'Dana');
			const groupUrl = await createGroup(page, 'Press team');
			await page.goto(`${groupUrl}/discussions`);
			await page.getByRole('button', { name: 'New discussion' }).waitFor();
			expect(await seriousAxeViolations(page)).toEqual([]);

			await page.getByRole('button', { name: 'New discussion' }).click();
			const dialog = page.getByRole('dialog');
			await dialog.getByRole('button', { name: 'Send' }).click();
			await dialog.getByRole('alert').waitFor();
			expect(await seriousAxeViolations(page)).toEqual([]);
			await page.keyboard.press('Escape');
			await dialog.waitFor({ state: 'hidden' });

			await page.getByRole('button', { name: 'New discussion' }).click();
			await dialog.getByRole('textbox', { name: 'Title' }).fill('Press release');
			await dialog.getByRole('textbox', { name: 'Message' }).fill('Draft: https://pad.example.org/release <img src=x onerror=alert(1)>');
			await dialog.getByRole('textbox', { name: 'Message' }).press('Tab');
			await page.keyboard.press('Enter');
			await page.getByRole('heading', { level: 1, name: 'Press release' }).waitFor();
			const messages = page.getByRole('list', { name: 'Messages' });
			const link = messages.getByRole('link', { name: 'https://pad.example.org/release' });
			expect(await link.getAttribute('href')).toBe('https://pad.example.org/release');
			expect(await messages.locator('img').count()).toBe(0);
			expect(await messages.textContent()).toContain('<img src=x onerror=alert(1)>');

			// React, reply, edit: each message's tools are in its menu (a button, or a long press on the bubble).
			const menuOf = (index: 'first' | 'last') => messages.getByRole('button', { name: 'Actions for message from Dana' })[index]();
			await menuOf('first').click();
			await page.getByRole('menuitem', { name: 'React' }).click();
			await messages.getByRole('button', { name: 'React with 👍' }).click();
			await messages.getByRole('button', { name: /👍: 1/ }).waitFor();
			await menuOf('first').click();
			await page.getByRole('menuitem', { name: 'Reply to Dana' }).click();
			await page.getByRole('textbox', { name: 'Message', exact: true }).fill('Looks good to me.');
			await page.getByRole('button', { name: 'Send', exact: true }).click();
			await messages.getByText('In reply to Dana').waitFor();
			await menuOf('last').click();
			expect(await seriousAxeViolations(page)).toEqual([]);
			await page.getByRole('menuitem', { name: 'Edit' }).click();
			await messages.getByRole('textbox', { name: 'Edit message' }).fill('Looks great to me.');
			await messages.getByRole('button', { name: 'Save' }).click();
			await messages.getByText('Looks great to me.').waitFor();
			await messages.getByText('(edited)').waitFor();
			expect(await seriousAxeViolations(page)).toEqual([]);

			// From the keyboard: Enter opens the menu on its first item, arrows move, Escape closes it.
			await menuOf('last').focus();
			await page.keyboard.press('Enter');
			await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Reply to Dana');
			await page.keyboard.press('Escape');
			await page.getByRole('menu').waitFor({ state: 'hidden' });
			expect(await menuOf('last').evaluate((button) => button === document.activeElement)).toBe(true);
			await page.keyboard.press('ArrowDown');
			await page.keyboard.press('End');
			await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Delete');
			await page.keyboard.press('Enter');
			await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
			await messages.getByText('This message was deleted.').waitFor();
			expect(await messages.getByText('Looks great to me.').count()).toBe(0);
		} finally {
			await context.close();
		}
	});
});
