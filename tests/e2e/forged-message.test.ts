import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import * as Y from 'yjs';
import { firstStart, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup, readInviteCode, startDiscussion } from '../helpers/flows';
import { hostileMember, keyOf } from '../helpers/hostile';
import { until } from '../helpers/devices';
import { Thread } from '../../src/lib/discussions/thread';

const session = useAppSession();

/** Waits until the notice of refused changes under the app bar says `text`. */
async function noticeSays(page: Page, text: string): Promise<void> {
	const notice = page.getByRole('status', { name: 'Refused changes' });
	await expect.poll(async () => (await notice.textContent()) ?? '', { timeout: 30_000, interval: 200 }).toContain(text);
}

/** From now on, records whether the page ever shows any of `texts`, however briefly. */
function watchFor(page: Page, texts: string[]): Promise<void> {
	return page.evaluate((texts) => {
		const seen = ((window as unknown as { __shown: string[] }).__shown = [] as string[]);
		const check = () => {
			const shown = document.body.textContent ?? '';
			for (const text of texts) if (shown.includes(text) && !seen.includes(text)) seen.push(text);
		};
		new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
		check();
	}, texts);
}

/** What `watchFor` saw. */
function shown(page: Page): Promise<string[]> {
	return page.evaluate(() => (window as unknown as { __shown: string[] }).__shown);
}

/** The thread's authors as the page labels them, in order. */
function authors(page: Page): Promise<string[]> {
	return page.getByRole('list', { name: 'Messages' }).locator('.author').allTextContents();
}

describe('a message forged by another member', () => {
	it('never shows as "(you)" or under another member’s name, nor rewrites her message; she is told who tried', async () => {
		const context = await newPhoneContext(session.browser);
		const alice = await context.newPage();
		await firstStart(alice, session.relay.url, 'Alice');
		const groupUrl = await createGroup(alice, 'Tenants');
		// Mallory's phone runs the app's own sync code, changed; she joins like anyone with a direct invite.
		const mallory = await hostileMember('Mallory', await readInviteCode(alice));
		await startDiscussion(alice, groupUrl, 'Saturday', ['Meet at the square at ten.']);
		const docId = new URL(alice.url()).pathname.split('/').pop()!;
		await until(() => keyOf(mallory.vault, 'Alice') !== undefined, 'Alice in Mallory’s roster', 30_000);
		const aliceKey = keyOf(mallory.vault, 'Alice')!;
		const opened = await mallory.vault.open(docId);
		const thread = new Thread(opened.doc);
		await until(() => thread.ids().length === 1, 'Alice’s message on Mallory’s device', 30_000);
		const [aliceMessage] = thread.ids() as [string];
		expect(await authors(alice)).toEqual(['Alice (you)']);
		await watchFor(alice, ['police station', 'Stay home']);

		// Mallory rewrites Alice's message, without an "edited" mark.
		thread.messages.get(aliceMessage)!.set('text', 'Meet at the police station at ten.');
		await opened.flush();
		await noticeSays(alice, 'A change from Mallory was refused');

		// A message of her own with Alice's key and name as its author, from a Yjs client of its own, so
		// nothing of the refused rewrite holds it back.
		opened.doc.clientID = new Y.Doc().clientID;
		thread.send({ publicKey: aliceKey, name: 'Alice' }, 'Stay home on Saturday, it is off.');
		await opened.flush();
		await noticeSays(alice, '2 changes from Mallory were refused');

		const list = alice.getByRole('list', { name: 'Messages' });
		expect(await list.textContent()).toContain('Meet at the square at ten.');
		expect(await list.getByText('edited').count()).toBe(0);
		expect(await authors(alice)).toEqual(['Alice (you)']);
		expect(await shown(alice)).toEqual([]);

		// After a reload the same blobs are judged again: still refused, still told.
		await alice.reload();
		await list.getByText('Meet at the square at ten.').waitFor({ timeout: 30_000 });
		await watchFor(alice, ['police station', 'Stay home']);
		await noticeSays(alice, '2 changes from Mallory were refused');
		expect(await authors(alice)).toEqual(['Alice (you)']);
		expect(await shown(alice)).toEqual([]);
		expect(await seriousAxeViolations(alice)).toEqual([]);

		await mallory.device.close();
		await context.close();
	});
});
