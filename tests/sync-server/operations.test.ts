import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../sync-server/src/config';
import { startTestRelay } from '../helpers/relay';
import { connectClient, randomRoom, randomToken } from '../helpers/clients';

describe('operations', () => {
	it('answers /healthz and /metrics in Prometheus text with the relay counters', async () => {
		const relay = await startTestRelay();
		const health = await fetch(`${relay.url}/healthz`);
		expect(health.status).toBe(200);
		expect(await health.json()).toEqual({ ok: true, storage: 'reachable' });
		const client = connectClient(relay.syncUrl, randomRoom(), randomToken());
		await client.synced();
		client.doc.getText('t').insert(0, 'counted');
		await new Promise((resolve) => setTimeout(resolve, 100));
		const metrics = await relay.metrics();
		for (const name of [
			'fieldbook_connections 1',
			'fieldbook_rooms_loaded 1',
			'fieldbook_bytes_in_total',
			'fieldbook_bytes_out_total',
			'fieldbook_updates_persisted_total 1',
			'fieldbook_persist_seconds_bucket',
			'fieldbook_refusals_total'
		]) {
			expect(metrics).toContain(name);
		}
		client.destroy();
		await relay.close();
	});

	it('validates the environment once, naming the bad variable', () => {
		expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
		expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
		expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
		expect(() => loadConfig({ MAX_FRAME_BYTES: '-1' })).toThrow(/MAX_FRAME_BYTES/);
		const config = loadConfig({});
		expect(config.port).toBe(8787);
		expect(config.host).toBe('127.0.0.1');
		expect(config.dataDir).toMatch(/data$/);
		expect(config.limits.maxFrameBytes).toBe(2 * 1024 * 1024);
		expect(config.limits.maxRoomBytes).toBe(200 * 1024 * 1024);
	});

	it('does not serve the app or anything else on unknown paths', async () => {
		const relay = await startTestRelay();
		expect((await fetch(`${relay.url}/nothing-here`)).status).toBe(404);
		await relay.close();
	});
});

describe('shutdown and storage failure', () => {
	it('closes clients with GOING_AWAY on shutdown', async () => {
		const { CLOSE } = await import('../../sync-server/src/shared/protocol');
		const relay = await startTestRelay();
		const client = connectClient(relay.syncUrl, randomRoom(), randomToken());
		await client.synced();
		const closed = new Promise<number>((resolve) =>
			client.provider.on('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0))
		);
		await relay.close();
		expect(await closed).toBe(CLOSE.GOING_AWAY);
		client.destroy();
	});

	it('closes a room with STORAGE_FAILED when an append fails, and stays up for other rooms', async () => {
		const { CLOSE } = await import('../../sync-server/src/shared/protocol');
		const { createSqliteStore } = await import('../../sync-server/src/store/sqlite');
		const { startRelay } = await import('../../sync-server/src/relay');
		const { mkdtempSync, rmSync } = await import('node:fs');
		const { tmpdir } = await import('node:os');
		const { join } = await import('node:path');
		const dir = mkdtempSync(join(tmpdir(), 'fieldbook-failing-'));
		const real = createSqliteStore(dir);
		const broken = randomRoom();
		const store = { ...real, append: (room: string, update: Uint8Array) => (room === broken ? Promise.reject(new Error('disk full')) : real.append(room, update)) };
		const relay = await startRelay(loadConfig({ PORT: '0', DATA_DIR: dir, STATIC_DIR: '', LOG_LEVEL: 'silent' }), { store });
		const syncUrl = relay.url.replace(/^http/, 'ws') + '/sync';
		const victim = connectClient(syncUrl, broken, randomToken());
		await victim.synced();
		const closed = new Promise<number>((resolve) =>
			victim.provider.on('connection-close', (event: CloseEvent | null) => resolve(event?.code ?? 0))
		);
		victim.doc.getText('t').insert(0, 'lost?');
		expect(await closed).toBe(CLOSE.STORAGE_FAILED);
		victim.destroy();
		const healthy = connectClient(syncUrl, randomRoom(), randomToken());
		await healthy.synced();
		healthy.doc.getText('t').insert(0, 'fine');
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
		healthy.destroy();
		await relay.close();
		rmSync(dir, { recursive: true, force: true });
	});
});
