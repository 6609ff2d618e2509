import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { firstStart, newPhoneContext, waitForServiceWorker } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup } from '../helpers/flows';

const session = useAppSession();

function bodyText(page: Page): Promise<string> {
	return page.getByRole('textbox', { name: 'Guide body' }).evaluate((element) => {
		const copy = element.cloneNode(true) as HTMLElement;
		for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove();
		return copy.textContent ?? '';
	});
}

describe('two tabs of one group on one phone', () => {
	it('stay consistent, offline too', async () => {
		const context = await newPhoneContext(session.browser);
		const first = await context.newPage();
		await firstStart(first, session.relay.url, 'Ada');
		await waitForServiceWorker(first);
		const groupUrl = await createGroup(first, 'Two tabs');
		await first.goto(`${groupUrl}/guides`);
		await first.getByRole('button', { name: 'New guide' }).click();
		await first.getByRole('textbox', { name: 'Title' }).fill('Shared');
		const guideUrl = first.url().split('?')[0]!;

		const second = await context.newPage();
		await second.goto(`${guideUrl}?edit=1`);
		await second.getByRole('textbox', { name: 'Guide body' }).waitFor();

		await context.setOffline(true);
		await first.getByRole('textbox', { name: 'Guide body' }).click();
		await first.keyboard.type('From the first tab.');
		await expect.poll(() => bodyText(second), { timeout: 15_000 }).toContain('From the first tab.');
		await second.getByRole('textbox', { name: 'Guide body' }).click();
		await second.keyboard.press('Control+End');
		await second.keyboard.type(' From the second tab.');
		await expect.poll(() => bodyText(first), { timeout: 15_000 }).toContain('From the second tab.');
		expect(await bodyText(first)).toBe(await bodyText(second));
		await context.close();
	});
});
