/**
 * Redis for tests: the server named by REDIS_URL, else the local service (127.0.0.1:6379) when it answers.
 * Tests that restart Redis start their own server on a free port (`startRedis`), never the shared one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const LOCAL_URL = 'redis://127.0.0.1:6379';

async function answers(url: string): Promise<boolean> {
	const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 3_000 });
	client.on('error', () => {});
	try {
		await client.connect();
		return (await client.ping()) === 'PONG';
	} catch {
		return false;
	} finally {
		client.disconnect();
	}
}

/** The Redis to test against, or undefined when none answers (then the Redis suites are skipped). */
export async function findRedis(): Promise<string | undefined> {
	if (process.env.REDIS_URL) {
		if (!(await answers(process.env.REDIS_URL))) throw new Error(`REDIS_URL ${process.env.REDIS_URL} does not answer`);
		return process.env.REDIS_URL;
	}
	return (await answers(LOCAL_URL)) ? LOCAL_URL : undefined;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** A Redis server of the test's own, which it may stop and start again on the same port. */
export interface OwnRedis {
	url: string;
	/** Kills the server (as a crash would); `start` brings it back on the same port, empty. */
	stop(): Promise<void>;
	start(): Promise<void>;
	/** Stops it for good and removes its folder. */
	close(): Promise<void>;
}

/** Starts `redis-server` on a free port, keeping nothing on disk. */
export async function startRedis(): Promise<OwnRedis> {
	const port = await freePort();
	const dir = mkdtempSync(join(tmpdir(), 'fieldbook-redis-'));
	const url = `redis://127.0.0.1:${port}`;
	let child: ChildProcess | undefined;
	async function start(): Promise<void> {
		child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
			stdio: 'ignore'
		});
		for (;;) {
			if (child.exitCode !== null) throw new Error('redis-server exited');
			if (await answers(url)) return;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}
	await start();
	async function stop(): Promise<void> {
		const current = child;
		if (!current || current.exitCode !== null) return;
		const exited = new Promise((resolve) => current.once('exit', resolve));
		current.kill('SIGKILL');
		await exited;
	}
	return {
		url,
		start,
		stop,
		async close() {
			await stop();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
