import { describe, expect, it } from 'vitest';
import { useAppSession } from '../helpers/app-session';
import { guideBodyText, twoMembers, typeAtGuideEnd, waitForSyncStatus } from '../helpers/flows';

const session = useAppSession();

describe('sealed vault sync in the browser', () => {
	it('an offline member and an online member both edit, and end equal; an offline reload keeps every edit', async () => {
		const m = await twoMembers(session.browser, session.relay.url, 'Sync circle');
		const { a, b } = m;

		await a.goto(`${m.groupUrlA}/guides`);
		await a.getByRole('button', { name: 'New guide' }).click();
		await a.getByRole('textbox', { name: 'Title' }).fill('Blockade checklist');
		await typeAtGuideEnd(a, 'Bring water.');
		await waitForSyncStatus(a, 'Saved to relay');
		const guidePath = new URL(a.url()).pathname;

		await b.goto(`${session.relay.url}${guidePath.replace(new URL(m.groupUrlA).pathname, new URL(m.groupUrlB).pathname)}`);
		await b.getByRole('button', { name: 'Edit' }).click();
		await expect.poll(() => guideBodyText(b), { timeout: 30_000 }).toContain('Bring water.');

		await m.contextB.setOffline(true);
		await waitForSyncStatus(b, 'Offline');
		await typeAtGuideEnd(b, ' Offline note from Bashir.');
		await b.reload();
		await b.getByRole('button', { name: 'Edit' }).click();
		await expect.poll(() => guideBodyText(b), { timeout: 15_000 }).toContain('Offline note from Bashir.');

		await typeAtGuideEnd(a, ' Online note from Alice.');
		await waitForSyncStatus(a, 'Saved to relay');

		await m.contextB.setOffline(false);
		await waitForSyncStatus(b, 'Saved to relay');
		await expect
			.poll(async () => {
				const [textA, textB] = await Promise.all([guideBodyText(a), guideBodyText(b)]);
				return textA === textB && textA?.includes('Offline note from Bashir.') && textA.includes('Online note from Alice.');
			}, { timeout: 30_000 })
			.toBe(true);
		await m.close();
	});
});
