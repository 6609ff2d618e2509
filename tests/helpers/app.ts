import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestRelay } from './relay';

/** The built app that `npm test` produces before the end-to-end tests run. */
export const BUILD_DIR = resolve('build');

/** A real relay on a free port, serving the built app, with its own temporary data folder. */
export interface AppRelay {
	url: string;
	staticDir: string;
	close(): Promise<void>;
}

/**
 * Starts a relay that serves the built app. With `copyBuild`, it serves a private copy of the build,
 * so a test may change files (a new release) without touching other tests.
 */
export async function startAppRelay(options: { copyBuild?: boolean } = {}): Promise<AppRelay> {
	if (!existsSync(join(BUILD_DIR, 'index.html'))) {
		throw new Error('build/ is missing: run `npm run build` (npm test does) before the end-to-end tests');
	}
	let staticDir = BUILD_DIR;
	let copy: string | undefined;
	if (options.copyBuild) {
		copy = mkdtempSync(join(tmpdir(), 'fieldbook-build-'));
		cpSync(BUILD_DIR, copy, { recursive: true });
		staticDir = copy;
	}
	const relay = await startTestRelay({ staticDir });
	return {
		url: relay.url,
		staticDir,
		close: async () => {
			await relay.close();
			if (copy) rmSync(copy, { recursive: true, force: true });
		}
	};
}
