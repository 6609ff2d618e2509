import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type CommonsLimits, type RelayConfig, type RelayLimits } from '../../sync-server/src/config';
import { createLogger } from '../../sync-server/src/logger';
import { startRelay } from '../../sync-server/src/relay';
import type { RoomStore } from '../../sync-server/src/store/types';

/** What a test may change about a relay; limits (relay and commons) can be given one by one. */
export type TestRelayOverrides = Partial<Omit<RelayConfig, 'limits' | 'commons'>> & {
	limits?: Partial<RelayLimits>;
	commons?: Partial<CommonsLimits>;
};

/** A relay running in this process on a free port with SQLite in its own temporary folder. */
export interface TestRelay {
	url: string;
	/** The websocket base for y-websocket clients: ws://host:port/sync */
	syncUrl: string;
	port: number;
	dataDir: string;
	/** The configuration the relay runs with; its limits are read at each check, so a test may change them. */
	config: RelayConfig;
	/** The relay's Prometheus text, fetched with its metrics token. */
	metrics(): Promise<string>;
	close(): Promise<void>;
}

/** The metrics token test relays ask for (METRICS_TOKEN). */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';

/** Fetches a relay's `/metrics` with the test token. */
export async function fetchMetrics(url: string): Promise<string> {
	return (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })).text();
}

/**
 * Starts a real relay on port 0 with a fresh temporary DATA_DIR (removed on close unless given). `store`
 * makes its room store from the data folder (the relay's own SQLite store when left out).
 */
export async function startTestRelay(overrides: TestRelayOverrides = {}, options: { store?: (dataDir: string) => RoomStore } = {}): Promise<TestRelay> {
	const ownDataDir = overrides.dataDir === undefined;
	const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'fieldbook-relay-'));
	const base = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, STATIC_DIR: '', LOG_LEVEL: 'silent', METRICS_TOKEN: TEST_METRICS_TOKEN });
	const config: RelayConfig = {
		...base,
		...overrides,
		dataDir,
		limits: { ...base.limits, ...overrides.limits },
		commons: { ...base.commons, ...overrides.commons }
	};
	const relay = await startRelay(config, { logger: createLogger(config.logLevel), ...(options.store ? { store: options.store(dataDir) } : {}) });
	return {
		url: relay.url,
		syncUrl: relay.url.replace(/^http/, 'ws') + '/sync',
		port: relay.port,
		dataDir,
		config,
		metrics: () => fetchMetrics(relay.url),
		close: async () => {
			await relay.close();
			if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
		}
	};
}
