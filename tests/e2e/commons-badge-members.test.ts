import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { twoMembers, waitForSyncStatus } from '../helpers/flows';
import { commonsApi } from '../helpers/commons';
import { publishThroughDialog, startCommonsRelay, unpublishThroughDialog, writeGuide } from '../helpers/commons-app';
import type { TestRelay } from '../helpers/relay';

let relay: TestRelay;
let browser: Browser;

beforeAll(async () => {
	relay = await startCommonsRelay();
	browser = await launchBrowser();
});

afterAll(async () => {
	await browser?.close();
	await relay?.close();
});

describe('published state in the group', () => {
	it('shows the badge on every member’s phone, and another member can update and unpublish with the group’s key', async () => {
		const m = await twoMembers(browser, relay.url, 'Food not bombs');
		try {
			const docId = await writeGuide(m.a, m.groupUrlA, { title: 'Street kitchen', body: 'Cook for fifty.' });
			await publishThroughDialog(m.a);
			await waitForSyncStatus(m.a, 'Saved to relay');

			await m.b.goto(`${m.groupUrlB}/guides/${docId}`);
			await m.b.getByRole('heading', { level: 1, name: 'Street kitchen' }).waitFor();
			await m.b.getByText('Published in the commons').waitFor();

			// Bashir updates: the same entry, the same key, a higher seq.
			await publishThroughDialog(m.b, async (dialog) => {
				await dialog.getByRole('textbox', { name: 'Summary' }).fill('Vegan food for everyone.');
			});
			await m.b.getByText('The public copy was updated.').waitFor();
			const api = commonsApi(relay.url);
			const listed = await api.list({});
			expect(listed.body.entries).toHaveLength(1);
			expect(listed.body.entries[0]).toMatchObject({ title: 'Street kitchen', summary: 'Vegan food for everyone.', seq: 2 });

			await unpublishThroughDialog(m.b);
			expect((await api.list({})).body.total).toBe(0);
			// Alice's phone follows: the badge goes away there too.
			await m.a.getByText('Published in the commons').waitFor({ state: 'detached', timeout: 30_000 });
		} finally {
			await m.close();
		}
	});
});
