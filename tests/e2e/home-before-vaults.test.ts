import { describe, expect, it } from 'vitest';
import { firstStart, newPhoneContext, waitForServiceWorker } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup } from '../helpers/flows';
import { chunkOf } from '../helpers/manifest';

const session = useAppSession();

/** Holds the sync engine and the vaults until the test calls `window.__openVaults()` (src/lib/state/test-hooks.ts). */
const HOLD_VAULTS = `(() => {
	let open;
	window.__FIELDBOOK_TEST__ = { lockTargetMs: 50, vaultGate: new Promise((resolve) => { open = resolve; }) };
	window.__openVaults = () => open();
})()`;

describe("a returning member's home", () => {
	it('shows the group list offline while the vaults are still opening, then fills in what the vaults hold', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		await firstStart(page, session.relay.url, 'Rosa');
		await waitForServiceWorker(page);
		const groupUrl = await createGroup(page, 'Allotment keepers');
		await createGroup(page, 'Bike kitchen');
		await page.goto(`${groupUrl}/actions`);
		await page.getByRole('button', { name: 'New action' }).click();
		await page.getByRole('textbox', { name: 'Title' }).fill('Seed swap');
		await page.getByLabel('Starts').fill('2031-04-12T10:00');
		await page.getByLabel('Ends').fill('2031-04-12T12:00');
		await page.getByRole('button', { name: 'Save' }).click();
		await page.getByRole('heading', { level: 1, name: 'Seed swap' }).waitFor();
		await page.close();

		await context.setOffline(true);
		const opened = await context.newPage();
		await opened.addInitScript(HOLD_VAULTS);
		const requested: string[] = [];
		opened.on('request', (request) => requested.push(new URL(request.url()).pathname.slice(1)));
		await opened.goto(`${session.relay.url}/?lang=en`);

		// The list comes from the catalogue: both groups by name, with the vaults (and Yjs) not even loaded.
		const groups = opened.getByRole('region', { name: 'My groups' });
		await groups.getByRole('link', { name: 'Allotment keepers', exact: true }).waitFor();
		await groups.getByRole('link', { name: 'Bike kitchen', exact: true }).waitFor();
		expect(await opened.getByRole('heading', { level: 1 }).textContent()).toContain('Rosa');
		const engine = [chunkOf('src/lib/state/device-storage.ts'), chunkOf('yjs')];
		expect(requested.filter((path) => engine.includes(path))).toEqual([]);
		expect(await opened.getByRole('link', { name: /Seed swap/ }).count()).toBe(0);
		await expect(opened.getByRole('status', { name: 'Sync status' }).textContent()).resolves.toContain('Offline');

		// Once the vaults open, what they hold fills in beside the list that was already there.
		await opened.evaluate(() => (window as unknown as { __openVaults(): void }).__openVaults());
		await opened.getByRole('region', { name: 'Upcoming actions' }).getByRole('link', { name: /Seed swap/ }).waitFor();
		expect(requested).toEqual(expect.arrayContaining(engine));
		// The group screen works from here as ever.
		await groups.getByRole('link', { name: 'Allotment keepers', exact: true }).click();
		await opened.getByRole('heading', { level: 1, name: 'Allotment keepers' }).waitFor();
		await context.close();
	});
});
