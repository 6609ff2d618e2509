import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BackupError, openBackup, sealBackup, type BackupContents } from '../../../src/lib/sync/backup';
import { collectBackup, restoreBackup } from '../../../src/lib/storage/backup-store';
import { openDeviceCatalogue } from '../../../src/lib/storage/device-lock';
import { openDeviceWorkspace } from '../../../src/lib/state/device-storage';

/** Small scrypt cost for tests; the app uses age's default. */
const TEST_LOG_N = 10;
let counter = 0;
const namespace = () => `backup-${process.pid}-${++counter}-`;

async function device(ns: string) {
	const { db } = await openDeviceCatalogue({ namespace: ns });
	const workspace = await openDeviceWorkspace({ namespace: ns, catalogue: db, connect: false, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, batchDelayMs: 1 });
	return { db, workspace };
}

const SAMPLE: BackupContents = {
	createdAt: 1,
	identity: { id: 'device', name: 'A', secretKey: new Uint8Array([1, 2, 3]) },
	groups: [{ id: 'g', epoch: 1 }],
	keys: [],
	settings: [],
	vaults: [{ room: 'r', state: new Uint8Array([0, 0]) }]
};

describe('backup files', () => {
	it('round-trip under the passphrase', async () => {
		const file = await sealBackup(SAMPLE, 'backup words', TEST_LOG_N);
		expect(Buffer.from(file).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
		expect(await openBackup(file, 'backup words')).toEqual(SAMPLE);
	});

	it('refuse a wrong passphrase and a damaged or truncated file, each with its reason', async () => {
		const file = await sealBackup(SAMPLE, 'backup words', TEST_LOG_N);
		await expect(openBackup(file, 'other words')).rejects.toMatchObject({ code: 'wrongPassphrase' });
		await expect(openBackup(file.subarray(0, file.length - 10), 'backup words')).rejects.toMatchObject({ code: 'damaged' });
		await expect(openBackup(file.subarray(0, 40), 'backup words')).rejects.toMatchObject({ code: 'damaged' });
		const flipped = file.slice();
		flipped[flipped.length - 5]! ^= 1;
		await expect(openBackup(flipped, 'backup words')).rejects.toBeInstanceOf(BackupError);
		await expect(openBackup(new TextEncoder().encode('hello'), 'backup words')).rejects.toMatchObject({ code: 'damaged' });
	});

	it('move every group, key and document from one device to a fresh one', async () => {
		const nsA = namespace();
		const a = await device(nsA);
		await a.workspace.createIdentity('Ada');
		const vault = await a.workspace.createGroup({ name: 'Tenants union', relayUrl: 'http://relay.invalid' });
		const guide = await vault.create('guide', (doc) => doc.getText('t').insert(0, 'Bring water'), { title: 'Checklist' });
		await guide.flush();
		const docId = guide.docId;
		const file = await sealBackup(await collectBackup(a.db, nsA), 'backup words', TEST_LOG_N);
		await a.workspace.close();

		const nsB = namespace();
		const fresh = await openDeviceCatalogue({ namespace: nsB });
		// Refused files leave the fresh device as it was.
		await expect(openBackup(file, 'nope')).rejects.toBeInstanceOf(BackupError);
		expect(await fresh.db.groups.count()).toBe(0);
		expect(await restoreBackup(fresh.db, await openBackup(file, 'backup words'), nsB)).toBe(1);
		const b = await openDeviceWorkspace({ namespace: nsB, catalogue: fresh.db, connect: false, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
		expect(b.identity?.name).toBe('Ada');
		expect(b.groups().map((group) => group.name)).toEqual(['Tenants union']);
		const restored = await b.group(b.groups()[0]!.id);
		const opened = await restored.open(docId);
		expect(opened.doc.getText('t').toString()).toBe('Bring water');
		await b.close();
	});
});
