import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useAppSession } from '../helpers/app-session';
import { twoMembers } from '../helpers/flows';

const session = useAppSession();

async function send(page: Page, text: string): Promise<void> {
	await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
	await page.getByRole('button', { name: 'Send', exact: true }).click();
	await page.getByRole('list', { name: 'Messages' }).getByText(text).waitFor();
}

/** The thread's link text on the discussions list (title, author, unread badge). */
async function listEntry(page: Page, title: string): Promise<string> {
	return (await page.getByRole('link', { name: new RegExp(title) }).textContent()) ?? '';
}

describe('unread messages', () => {
	it('are counted per thread and per group, fall when read, and the thread opens at the first unread', async () => {
		const m = await twoMembers(session.browser, session.relay.url, 'Legal team');
		try {
			await m.a.goto(`${m.groupUrlA}/discussions`);
			await m.a.getByRole('button', { name: 'New discussion' }).click();
			const dialog = m.a.getByRole('dialog');
			await dialog.getByRole('textbox', { name: 'Title' }).fill('Rota for Saturday');
			await dialog.getByRole('textbox', { name: 'Message' }).fill('Who can be legal observer?');
			await dialog.getByRole('button', { name: 'Send' }).click();
			await m.a.getByRole('heading', { level: 1, name: 'Rota for Saturday' }).waitFor();
			await send(m.a, 'We need two.');
			await send(m.a, 'Hotline number is in the guide.');

			// Home shows the group's count, read from the doc index.
			await m.b.goto(`${session.relay.url}/`);
			await m.b.getByRole('link', { name: '3 unread messages in Legal team' }).waitFor({ timeout: 30_000 });

			const listB = `${m.groupUrlB}/discussions`;
			await m.b.goto(listB);
			await expect.poll(() => listEntry(m.b, 'Rota for Saturday'), { timeout: 30_000 }).toContain('3 unread');
			expect(await m.b.getByText('3 unread', { exact: true }).first().isVisible()).toBe(true);

			await m.b.getByRole('link', { name: /Rota for Saturday/ }).click();
			await m.b.getByRole('list', { name: 'Messages' }).getByText('Hotline number is in the guide.').waitFor();
			await m.b.getByRole('link', { name: 'Back' }).click();
			await expect.poll(() => listEntry(m.b, 'Rota for Saturday'), { timeout: 10_000 }).not.toContain('unread');
			// Nothing unread is not spelled "0 unread".
			expect(await m.b.locator('main').textContent()).not.toMatch(/\bunread\b/);

			// A writes again: one unread, and opening the thread lands on it below a "New messages" line.
			await send(m.a, 'Bus leaves 8:15 from the station.');
			await expect.poll(() => listEntry(m.b, 'Rota for Saturday'), { timeout: 30_000 }).toContain('1 unread');
			await m.b.getByText('1 unread', { exact: true }).first().waitFor();
			await m.b.getByRole('link', { name: /Rota for Saturday/ }).click();
			const marked = m.b.getByRole('listitem').filter({ has: m.b.getByText('New messages') });
			await marked.waitFor();
			expect(await marked.textContent()).toContain('Bus leaves 8:15 from the station.');
			expect(await m.b.getByText('New messages').isVisible()).toBe(true);
			await m.b.getByRole('link', { name: 'Back' }).click();
			await expect.poll(() => listEntry(m.b, 'Rota for Saturday'), { timeout: 10_000 }).not.toContain('unread');

			// The marker is kept on the device: still read after a reload.
			await m.b.reload();
			await m.b.getByRole('link', { name: /Rota for Saturday/ }).waitFor();
			expect(await listEntry(m.b, 'Rota for Saturday')).not.toContain('unread');

			// B answers; A's home counts B's message (each device records its own count in the index).
			// (A has left the thread: what arrives in an open thread is read there.)
			await m.a.goto(`${session.relay.url}/`);
			await m.b.getByRole('link', { name: /Rota for Saturday/ }).click();
			await send(m.b, 'I can do the morning.');
			await m.a.getByRole('link', { name: '1 unread message in Legal team' }).waitFor({ timeout: 30_000 });

			// A message that arrives while B has the thread open at its end is read there and then.
			const threadUrlB = m.b.url();
			await m.a.getByRole('link', { name: '1 unread message in Legal team' }).click();
			await m.a.getByRole('link', { name: /Rota for Saturday/ }).click();
			await send(m.a, 'Great, see you at the station.');
			await m.b.getByRole('list', { name: 'Messages' }).getByText('Great, see you at the station.').waitFor({ timeout: 30_000 });
			await m.b.getByRole('link', { name: 'Back' }).click();
			await m.b.getByRole('link', { name: /Rota for Saturday/ }).waitFor();
			expect(await listEntry(m.b, 'Rota for Saturday')).not.toContain('unread');
			await m.b.goto(`${session.relay.url}/`);
			await m.b.getByRole('heading', { level: 1 }).first().waitFor();
			expect(await m.b.getByRole('link', { name: /unread/ }).count()).toBe(0);

			// Were B's marker behind B's own message, the "New messages" line still goes above someone else's.
			const docId = new URL(threadUrlB).pathname.split('/').pop()!;
			await m.b.evaluate((id) => {
				const key = Object.keys(localStorage).find((k) => k.startsWith('fieldbook.read.') && k.endsWith(`.${id}`))!;
				localStorage.setItem(key, String(Number(localStorage.getItem(key)) - 2));
			}, docId);
			await m.b.goto(threadUrlB);
			const markedAgain = m.b.getByRole('listitem').filter({ has: m.b.getByText('New messages') });
			await markedAgain.waitFor();
			expect(await markedAgain.textContent()).toContain('Great, see you at the station.');
			expect(await markedAgain.textContent()).not.toContain('I can do the morning.');
		} finally {
			await m.close();
		}
	});
});
