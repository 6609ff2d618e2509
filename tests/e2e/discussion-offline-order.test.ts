import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useAppSession } from '../helpers/app-session';
import { twoMembers } from '../helpers/flows';

const session = useAppSession();

async function startThread(page: Page, groupUrl: string, title: string, first: string): Promise<string> {
	await page.goto(`${groupUrl}/discussions`);
	await page.getByRole('button', { name: 'New discussion' }).click();
	const dialog = page.getByRole('dialog');
	await dialog.getByRole('textbox', { name: 'Title' }).fill(title);
	await dialog.getByRole('textbox', { name: 'Message' }).fill(first);
	await dialog.getByRole('button', { name: 'Send' }).click();
	await page.getByRole('heading', { level: 1, name: title }).waitFor();
	return page.url();
}

async function send(page: Page, text: string): Promise<void> {
	await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
	await page.getByRole('button', { name: 'Send', exact: true }).click();
	await page.getByRole('list', { name: 'Messages' }).getByText(text).waitFor();
}

/** Every message text of the open thread, in order, after loading the parts outside the window. */
async function thread(page: Page): Promise<string[]> {
	for (const name of ['Show earlier messages', 'Show later messages']) {
		const more = page.getByRole('button', { name });
		while ((await more.count()) > 0) await more.click();
	}
	return page.getByRole('list', { name: 'Messages' }).locator('.body').allTextContents();
}

describe('a discussion between two phones, one of them offline', () => {
	it('shows offline messages as pending, then sent, and both end with the same thread in the same order', async () => {
		const m = await twoMembers(session.browser, session.relay.url, 'Street medics');
		try {
			const urlA = await startThread(m.a, m.groupUrlA, 'Saturday blockade', 'Who brings water?');
			const urlB = urlA.replace(m.groupUrlA, m.groupUrlB);
			await m.b.goto(urlB);
			await m.b.getByRole('list', { name: 'Messages' }).getByText('Who brings water?').waitFor({ timeout: 30_000 });

			await m.contextB.setOffline(true);
			await send(m.b, 'I have a trolley.');
			await send(m.b, 'And ten litres.');
			const pendingB = m.b.getByText('Pending: not yet on the relay');
			await expect.poll(() => pendingB.count(), { timeout: 10_000 }).toBe(2);

			// A writes while B is away; B cannot see it yet.
			await send(m.a, 'Great, I bring cups.');
			await send(m.a, 'Meet at 9.');
			expect(await thread(m.b)).not.toContain('Meet at 9.');

			await m.contextB.setOffline(false);
			await expect.poll(async () => (await thread(m.b)).length, { timeout: 30_000 }).toBe(5);
			await expect.poll(async () => (await thread(m.a)).length, { timeout: 30_000 }).toBe(5);
			const orderA = await thread(m.a);
			expect(await thread(m.b)).toEqual(orderA);
			expect(orderA[0]).toBe('Who brings water?');
			// Each person's own messages keep the order they were written in.
			expect(orderA.indexOf('I have a trolley.')).toBeLessThan(orderA.indexOf('And ten litres.'));
			expect(orderA.indexOf('Great, I bring cups.')).toBeLessThan(orderA.indexOf('Meet at 9.'));

			// Pending turns into sent once the relay holds B's messages.
			await expect.poll(() => pendingB.count(), { timeout: 30_000 }).toBe(0);
			expect(await m.b.getByText(/^·?\s*Sent$/).count()).toBe(2);

			// Leaving the thread and coming back in the same visit shows it all again.
			await m.a.getByRole('link', { name: 'Back' }).click();
			await m.a.getByRole('link', { name: /Saturday blockade/ }).click();
			await expect.poll(async () => (await thread(m.a)).length, { timeout: 30_000 }).toBe(5);
			expect(await thread(m.a)).toEqual(orderA);

			// After a reload, both devices still agree.
			await m.a.reload();
			await expect.poll(async () => (await thread(m.a)).length, { timeout: 30_000 }).toBe(5);
			expect(await thread(m.a)).toEqual(orderA);
		} finally {
			await m.close();
		}
	});
});
