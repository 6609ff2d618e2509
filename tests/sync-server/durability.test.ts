import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectClient, eventually, randomRoom, randomToken, type TestClient } from '../helpers/clients';
import { spawnRelay } from '../helpers/relay-process';
import { savedWriter, streamWrites } from '../helpers/saved';

const dataDir = mkdtempSync(join(tmpdir(), 'fieldbook-durability-'));
const LIMITS = { UPDATES_PER_SECOND: '5000', UPDATE_BURST: '5000' };

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('durability', () => {
	it('keeps every update it confirmed as saved when SIGKILLed mid-stream, and replicas converge after restart', async () => {
		const room = randomRoom();
		const token = randomToken();
		const first = await spawnRelay({ DATA_DIR: dataDir, ...LIMITS });
		const writers = Array.from({ length: 3 }, () => savedWriter(first.syncUrl, room, token));
		await Promise.all(writers.map(({ client }) => client.synced()));

		const stream = streamWrites(writers);
		await eventually(() => writers.every(({ confirmed }) => confirmed.clock > 300), 'hundreds of confirmed updates per writer', 30_000);
		first.child.kill('SIGKILL');
		expect(await first.exited).toBe('SIGKILL');
		await stream.stop();
		const confirmedAtKill = writers.map(({ client, confirmed }) => ({ clientId: client.doc.clientID, clock: confirmed.clock }));
		for (const { client } of writers) client.provider.destroy();

		const second = await spawnRelay({ DATA_DIR: dataDir, ...LIMITS });
		const reader: TestClient = connectClient(second.syncUrl, room, token);
		await reader.synced();
		const held = Y.encodeStateVector(reader.doc);
		const heldMap = Y.decodeStateVector(held);
		for (const { clientId, clock } of confirmedAtKill) {
			expect(heldMap.get(clientId) ?? 0, `writer ${clientId}`).toBeGreaterThanOrEqual(clock);
		}

		// The writers come back with what they had locally; everyone ends identical.
		const again = writers.map(({ client }) => savedWriter(second.syncUrl, room, token, client.doc));
		await Promise.all(again.map(({ client }) => client.synced()));
		const all = [reader, ...again.map(({ client }) => client)];
		const content = (client: TestClient) => JSON.stringify(client.doc.getArray('log').toArray().slice().sort());
		await eventually(() => all.every((client) => content(client) === content(all[0]!)), 'identical replicas', 30_000);
		const total = writers.reduce((sum, { client }) => sum + client.doc.getArray('log').length, 0) / writers.length;
		expect(total).toBeGreaterThan(900);
		for (const client of all) client.destroy();
		second.child.kill('SIGTERM');
		expect(await second.exited).toBe(0);
	}, 90_000);

	it('finishes closing in a script that holds nothing else open: the database closes and the awaiting code runs on', async () => {
		// A bench or a tool awaits close() at its top level; the checkpoint thread must not let the process end first.
		const script = `
			const { loadConfig } = await import(${JSON.stringify(resolve('sync-server/src/config.ts'))});
			const { startRelay } = await import(${JSON.stringify(resolve('sync-server/src/relay.ts'))});
			const relay = await startRelay(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: ${JSON.stringify(dataDir)}, STATIC_DIR: '', LOG_LEVEL: 'silent' }));
			await relay.close();
			console.log('closed');
		`;
		const run = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]).catch((error: { code?: number; stdout?: string; stderr?: string }) => error);
		expect(run.stdout, run.stderr).toContain('closed');
	}, 60_000);
});
