import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { useAppSession } from '../helpers/app-session';
import { firstStart, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { createGroup } from '../helpers/flows';
import { writeGuide } from '../helpers/commons-app';

const session = useAppSession();

/** Vertical distance between a checklist checkbox's centre and the centre of its text's first line. */
function checkboxOffset(checkbox: Locator): Promise<number> {
	return checkbox.evaluate((box) => {
		const text = box.closest('li')!.querySelector('div')!;
		const range = document.createRange();
		range.selectNodeContents(text);
		const line = range.getClientRects()[0]!;
		const own = box.getBoundingClientRect();
		return Math.abs(own.top + own.height / 2 - (line.top + line.height / 2));
	});
}

describe('guide history', () => {
	it('shows versions as formatted text, Close closes, no two automatic versions of one minute, no autofocus, and Done drops ?edit=1', async () => {
		const context = await newPhoneContext(session.browser);
		try {
			const page = await context.newPage();
			await firstStart(page, session.relay.url, 'Alice');
			const groupUrl = await createGroup(page, 'Press team');
			await page.goto(`${groupUrl}/guides`);
			// Backing out of New guide without typing leaves nothing behind, not even among the deleted.
			await page.getByRole('button', { name: 'New guide' }).click();
			await page.waitForURL(/\?edit=1$/);
			await page.getByRole('textbox', { name: 'Title' }).waitFor();
			await page.goBack();
			await page.getByRole('button', { name: 'New guide' }).waitFor();
			await page.getByText('No guides yet', { exact: false }).waitFor();
			expect(await page.getByText('Untitled guide').count()).toBe(0);

			await page.getByRole('button', { name: 'New guide' }).click();
			await page.waitForURL(/\?edit=1$/);
			await page.getByRole('textbox', { name: 'Title' }).fill('Press plan');
			const body = page.getByRole('textbox', { name: 'Guide body' });
			await body.click();
			await page.keyboard.type('Before the march:');
			await page.keyboard.press('Enter');
			await page.keyboard.type('- Call the local paper');

			// The link tool asks in the app, not with the browser's prompt().
			let prompted = false;
			page.on('dialog', (dialog) => {
				prompted = true;
				void dialog.dismiss();
			});
			await page.keyboard.press('Shift+Home');
			await page.getByRole('button', { name: 'Link', exact: true }).click();
			const linkDialog = page.getByRole('dialog', { name: 'Link' });
			await linkDialog.getByRole('textbox', { name: 'Link address (https://…)' }).fill('javascript:alert(1)');
			await linkDialog.getByRole('button', { name: 'Save link' }).click();
			await linkDialog.getByText('A link must start with', { exact: false }).waitFor();
			await linkDialog.getByRole('textbox', { name: 'Link address (https://…)' }).fill('https://paper.example/tips');
			await linkDialog.getByRole('button', { name: 'Save link' }).click();
			await linkDialog.waitFor({ state: 'hidden' });
			expect(await body.getByRole('link', { name: 'Call the local paper' }).getAttribute('href')).toBe('https://paper.example/tips');
			expect(prompted).toBe(false);

			// Back in the text with the cursor after the link, not its text selected (typing would replace it).
			await expect.poll(() => body.evaluate((element) => element.contains(document.activeElement) || element === document.activeElement)).toBe(true);
			expect(await page.evaluate(() => document.getSelection()?.isCollapsed)).toBe(true);

			// A checklist item sits on the line of its checkbox, while editing and when reading.
			await page.keyboard.press('Control+End');
			await page.keyboard.press('Enter');
			await page.keyboard.press('Enter');
			await page.getByRole('button', { name: 'Checklist' }).click();
			await page.keyboard.type('Pack water');
			const checkbox = page.getByRole('checkbox', { name: 'Pack water' });
			expect(await checkboxOffset(checkbox)).toBeLessThanOrEqual(4);

			// Done leaves edit mode and the address: a reload opens the read view.
			await page.getByRole('button', { name: 'Done' }).click();
			await page.getByRole('heading', { level: 1, name: 'Press plan' }).waitFor();
			expect(new URL(page.url()).search).toBe('');
			await page.reload();
			await page.getByRole('button', { name: 'Edit' }).waitFor();
			expect(await checkboxOffset(checkbox)).toBeLessThanOrEqual(4);

			// Restoring twice in a row must not leave two automatic versions with the same time.
			await page.getByRole('button', { name: 'Edit' }).click();
			await body.click();
			await body.getByRole('link', { name: 'Call the local paper' }).click();
			await page.keyboard.press('End');
			await page.keyboard.type(' and the radio');
			await page.getByRole('button', { name: 'Done' }).click();

			await page.getByRole('button', { name: 'More for this guide' }).click();
			await page.getByRole('menuitem', { name: 'History' }).click();
			const dialog = page.getByRole('dialog');
			await dialog.getByRole('textbox', { name: 'Version name' }).waitFor();
			// The name field waits to be tapped: no keyboard pops up on opening.
			expect(await dialog.getByRole('textbox', { name: 'Version name' }).evaluate((input) => input === document.activeElement)).toBe(false);
			const versions = dialog.getByRole('button', { name: /^View: / });
			await expect.poll(() => versions.count()).toBe(1);

			await versions.first().click();
			// Formatted, like the guide: a list item, not Markdown source in monospace.
			const text = dialog.getByRole('region', { name: /Automatic version/ });
			await text.getByRole('listitem').filter({ hasText: 'Call the local paper and the radio' }).waitFor();
			expect(await text.textContent()).not.toContain('- Call');
			expect(await text.evaluate((element) => getComputedStyle(element).fontFamily)).not.toMatch(/mono/i);
			expect(await seriousAxeViolations(page)).toEqual([]);
			// Close closes back to the guide; the way back to the list says so.
			await dialog.getByRole('button', { name: 'All versions' }).waitFor();
			await dialog.getByRole('button', { name: 'Close' }).click();
			await dialog.waitFor({ state: 'hidden' });

			await page.getByRole('button', { name: 'More for this guide' }).click();
			await page.getByRole('menuitem', { name: 'History' }).click();
			await versions.first().click();
			await dialog.getByRole('button', { name: 'Restore this version' }).click();
			await dialog.waitFor({ state: 'hidden' });
			await page.getByRole('button', { name: 'More for this guide' }).click();
			await page.getByRole('menuitem', { name: 'History' }).click();
			await expect.poll(() => versions.count()).toBeGreaterThanOrEqual(1);
			const labels = await versions.evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label') ?? ''));
			const automatic = labels.filter((label) => label.startsWith('View: Automatic version'));
			expect(new Set(automatic).size).toBe(automatic.length);
		} finally {
			await context.close();
		}
	});

	it('keeps one action above the guide, the rest in its menu, and deletes a guide only after asking', async () => {
		const context = await newPhoneContext(session.browser);
		try {
			const page = await context.newPage();
			await firstStart(page, session.relay.url, 'Alice');
			await writeGuide(page, await createGroup(page, 'Press team'), { title: 'Legal support', body: 'Write the number on your arm.' });

			// Above the text: Edit and the menu, nothing more; the text starts in the upper part of a phone screen.
			const body = page.getByRole('textbox', { name: 'Guide body' });
			const bodyTop = (await body.boundingBox())!.y;
			const above = await page.locator('main button:visible').evaluateAll(
				(buttons, top) => buttons.filter((button) => button.getBoundingClientRect().bottom <= top).map((button) => button.getAttribute('aria-label') ?? button.textContent?.trim()),
				bodyTop
			);
			expect(above).toEqual(['Edit', 'More for this guide']);
			expect(bodyTop).toBeLessThan(300);

			await page.getByRole('button', { name: 'More for this guide' }).click();
			const menu = page.getByRole('menu');
			expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['History', 'Export', 'Discuss this guide', 'Delete guide']);
			expect(await seriousAxeViolations(page)).toEqual([]);
			await menu.getByRole('menuitem', { name: 'Delete guide' }).click();
			const confirm = page.getByRole('dialog', { name: 'Delete “Legal support”?' });
			await confirm.getByRole('button', { name: 'Cancel' }).click();
			await confirm.waitFor({ state: 'hidden' });
			await page.getByRole('heading', { level: 1, name: 'Legal support' }).waitFor();

			await page.getByRole('button', { name: 'More for this guide' }).click();
			await page.getByRole('menuitem', { name: 'Delete guide' }).click();
			await confirm.getByRole('button', { name: 'Delete guide' }).click();
			await page.waitForURL(/\/guides$/);
			await page.getByText('No guides yet', { exact: false }).waitFor();
			expect(await page.getByRole('link', { name: 'Legal support' }).count()).toBe(0);
		} finally {
			await context.close();
		}
	});
});
