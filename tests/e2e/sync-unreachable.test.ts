import { describe, expect, it } from 'vitest';
import type { WebSocketRoute } from 'playwright-core';
import { useAppSession } from '../helpers/app-session';
import { firstStart, newPhoneContext } from '../helpers/browser';
import { createGroup, waitForSyncStatus } from '../helpers/flows';

const session = useAppSession();

describe('sync status when the relay does not answer', () => {
	it("says Can't reach the relay with the last sync time over a stalled connection, shows the pending count, and recovers", async () => {
		const context = await newPhoneContext(session.browser);
		// Every relay socket goes through here: passed on to the relay, or (while stalled) accepted and never answered.
		let stalled = false;
		const sockets: WebSocketRoute[] = [];
		await context.routeWebSocket(/\/sync\//, (socket) => {
			sockets.push(socket);
			if (!stalled) socket.connectToServer();
		});
		try {
			const page = await context.newPage();
			await firstStart(page, session.relay.url, 'Alice');
			await createGroup(page, 'Night shift');
			await waitForSyncStatus(page, 'Saved to relay');
			// The header says it; the group screen does not say it a second time.
			expect(await page.getByText('Saved to relay').count()).toBe(1);

			// The phone stays online, but the relay falls silent: the connection is re-made and hangs.
			stalled = true;
			const stalledAt = Date.now();
			for (const socket of sockets.splice(0)) await socket.close().catch(() => undefined);
			await waitForSyncStatus(page, "Can't reach the relay", 25_000);
			expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(9_000);
			const status = page.getByRole('status', { name: 'Sync status' });
			expect(await status.textContent()).toMatch(/last synced \d{1,2}:\d{2}/);

			// A change made now waits for the relay, and how many are waiting is on screen.
			await page.getByRole('link', { name: 'Guides', exact: true }).click();
			await page.getByRole('button', { name: 'New guide' }).click();
			await page.getByRole('textbox', { name: 'Title' }).fill('Rota');
			const pending = status.getByText(/^\d+ pending$/);
			await pending.waitFor();
			expect(await pending.isVisible()).toBe(true);

			// The relay answers again.
			stalled = false;
			for (const socket of sockets.splice(0)) await socket.close().catch(() => undefined);
			await waitForSyncStatus(page, 'Saved to relay', 40_000);
			expect(await status.getByText(/pending/).count()).toBe(0);
		} finally {
			await context.close();
		}
	});
});
