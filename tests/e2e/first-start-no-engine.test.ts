import { describe, expect, it } from 'vitest';
import { newPhoneContext } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { syncEngineFiles } from '../helpers/manifest';

const session = useAppSession();

describe('first start on a new device', () => {
	it('asks for a name without loading the sync engine or making a database, loads it on Continue, and after that only once there is a group', async () => {
		const engine = syncEngineFiles();
		// The check can fail: the engine's chunks are known, Yjs, Dexie and noble among them.
		expect([...engine.values()]).toEqual(expect.arrayContaining(['src/lib/state/device-storage.ts', 'src/lib/state/app-lock.svelte.ts', 'yjs', 'ed25519']));

		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		const scripts: string[] = [];
		page.on('request', (request) => {
			if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname.slice(1));
		});
		const engineLoaded = () => scripts.filter((file) => engine.has(file)).map((file) => `${file} (${engine.get(file)})`);
		try {
			await page.goto(`${session.relay.url}/?lang=en`, { waitUntil: 'networkidle' });
			await page.getByRole('textbox', { name: 'Your name' }).waitFor();
			await page.getByRole('button', { name: 'Continue' }).waitFor();
			await page.waitForLoadState('networkidle');

			expect(scripts.length).toBeGreaterThan(0);
			expect(engineLoaded()).toEqual([]);
			expect(await page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name))).toEqual([]);

			// Continue loads the engine, makes the catalogue and shows home.
			await page.getByRole('textbox', { name: 'Your name' }).fill('Noor');
			await page.getByRole('button', { name: 'Continue' }).click();
			await page.getByRole('heading', { level: 1, name: /Noor/ }).waitFor();
			await page.getByRole('button', { name: 'New group' }).waitFor();
			expect(engineLoaded()).toEqual(expect.arrayContaining([expect.stringContaining('(src/lib/state/device-storage.ts)')]));

			// The next visit shows the name from the catalogue; with no group and no join under way there is
			// nothing to open or sync, so the engine stays unloaded until the person needs it.
			scripts.length = 0;
			await page.reload({ waitUntil: 'networkidle' });
			await page.getByRole('heading', { level: 1, name: /Noor/ }).waitFor();
			await page.getByRole('link', { name: 'Settings' }).waitFor();
			await page.waitForLoadState('networkidle');
			expect(scripts.length).toBeGreaterThan(0);
			expect(engineLoaded()).toEqual([]);

			// A new group needs it: it loads, and the group is made.
			await page.getByRole('button', { name: 'New group' }).click();
			await page.getByRole('textbox', { name: 'Group name' }).fill('Tenants north');
			await page.getByRole('button', { name: 'Create group' }).click();
			await page.getByRole('heading', { level: 1, name: 'Tenants north' }).waitFor();
			expect(engineLoaded()).toEqual(expect.arrayContaining([expect.stringContaining('(src/lib/state/device-storage.ts)')]));

			// With a group, the next visit opens the workspace at once.
			scripts.length = 0;
			await page.goto(`${session.relay.url}/?lang=en`);
			await page.getByRole('link', { name: 'Tenants north', exact: true }).waitFor();
			await expect.poll(engineLoaded).toEqual(expect.arrayContaining([expect.stringContaining('(src/lib/state/device-storage.ts)')]));
		} finally {
			await context.close();
		}
	});
});
