import { describe, expect, it } from 'vitest';
import { newPhoneContext } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { syncEngineFiles } from '../helpers/manifest';

const session = useAppSession();

describe('first start on a new device', () => {
	it('asks for a name without loading the sync engine or making a database, and loads it on Continue', async () => {
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

			// The next visit has a catalogue, so the workspace opens at once with the name kept.
			await page.reload();
			await page.getByRole('heading', { level: 1, name: /Noor/ }).waitFor();
		} finally {
			await context.close();
		}
	});
});
