import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { startAppRelay, type AppRelay } from './app';
import { launchBrowser } from './browser';

/** The built app on a relay of its own and one Chromium, shared by the tests of one file. */
export interface AppSession {
	relay: AppRelay;
	browser: Browser;
}

/** Starts the app's relay and Chromium before a file's tests and closes both after them. */
export function useAppSession(options: Parameters<typeof startAppRelay>[0] = {}): AppSession {
	const session = {} as AppSession;
	beforeAll(async () => {
		session.relay = await startAppRelay(options);
		session.browser = await launchBrowser();
	});
	afterAll(async () => {
		await session.browser?.close();
		await session.relay?.close();
	});
	return session;
}
