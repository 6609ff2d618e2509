import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { useTestDatabase } from './postgres';

/** A relay running as its own process (for crash and signal tests). */
export interface RelayProcess {
	url: string;
	syncUrl: string;
	child: ChildProcess;
	/** Resolves with the exit code (or signal name) once the process ended. */
	exited: Promise<number | string>;
	/** Everything the process wrote so far (its warnings and errors), for a failing test to print. */
	output: () => string;
}

/** How much of a relay process's latest output is kept for a failing test to print. */
const OUTPUT_KEPT = 64 * 1024;

/**
 * Per-address limits for spawned relays, unless a test sets its own. Every test client connects from
 * 127.0.0.1, and relays given REDIS_URL count per-address limits in the shared Redis, across test files
 * running at the same time and, for the per-day ones, across every run of the day. Tests of these limits
 * set them (or run a relay in-process).
 */
const GENEROUS_ADDRESS_LIMITS = {
	ROOMS_PER_MINUTE_PER_ADDRESS: '1000000',
	ROOMS_PER_DAY_PER_ADDRESS: '1000000000',
	BYTES_PER_DAY_PER_ADDRESS: String(2 ** 50)
};

/** Starts `sync-server/src/server.ts` in a child process on a free port; resolves once it listens. */
export function spawnRelay(env: Record<string, string>): Promise<RelayProcess> {
	const child = spawn(process.execPath, ['--import', 'tsx', resolve('sync-server/src/server.ts')], {
		env: { ...process.env, PORT: '0', HOST: '127.0.0.1', STATIC_DIR: '', LOG_LEVEL: 'warn', ...GENEROUS_ADDRESS_LIMITS, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => done(code ?? signal ?? -1)));
	let output = '';
	const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_KEPT));
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	return new Promise((resolveStart, reject) => {
		const onData = () => {
			const url = /Fieldbook is running at (http:\/\/\S+)/.exec(output)?.[1];
			if (url) {
				child.stdout?.off('data', onData);
				resolveStart({ url, syncUrl: url.replace(/^http/, 'ws') + '/sync', child, exited, output: () => output });
			}
		};
		child.stdout?.on('data', onData);
		void exited.then((code) => reject(new Error(`relay exited (${code}) before listening:\n${output}`)));
	});
}

/** Stops a relay process: SIGTERM, then waits for it to exit. */
export async function stopRelay(relay: RelayProcess): Promise<void> {
	if (relay.child.exitCode !== null || relay.child.signalCode !== null) return;
	relay.child.kill('SIGTERM');
	await relay.exited;
}

/** Starts `count` relay processes sharing one PostgreSQL database and one Redis, as a scaled-out deployment. */
export function spawnCluster(count: number, shared: { databaseUrl: string; redisUrl: string }, env: Record<string, string> = {}): Promise<RelayProcess[]> {
	return Promise.all(
		Array.from({ length: count }, () => spawnRelay({ DATABASE_URL: shared.databaseUrl, REDIS_URL: shared.redisUrl, ...env }))
	);
}

/**
 * Two relay processes on a fresh PostgreSQL database and one Redis, started before a file's tests and
 * stopped after them: `a` and `b` of a two-process deployment.
 */
export function useRelayPair(postgresUrl: string, redisUrl: string): { readonly a: RelayProcess; readonly b: RelayProcess } {
	const database = useTestDatabase(postgresUrl);
	let pair: RelayProcess[] = [];
	beforeAll(async () => {
		pair = await spawnCluster(2, { databaseUrl: database.current.url, redisUrl });
	});
	afterAll(async () => {
		await Promise.all(pair.map(stopRelay));
	});
	return {
		get a() {
			return pair[0]!;
		},
		get b() {
			return pair[1]!;
		}
	};
}
