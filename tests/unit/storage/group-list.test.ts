import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { deriveArgon2id } from '../../../src/lib/sync/argon2';
import { MIN_MEMORY_KIB } from '../../../src/lib/sync/lock';
import { CATALOGUE_DB } from '../../../src/lib/storage/catalogue';
import { openDeviceCatalogue, type LockCrypto } from '../../../src/lib/storage/device-lock';
import { glanceGroupList, readGroupList } from '../../../src/lib/storage/group-list';
import { openDeviceWorkspace } from '../../../src/lib/state/device-storage';

const crypto: LockCrypto = {
	derive: deriveArgon2id,
	calibrate: async () => ({ memoryKiB: MIN_MEMORY_KIB, iterations: 1, parallelism: 1 })
};

let counter = 0;
const namespace = () => `group-list-${process.pid}-${++counter}-`;

async function databaseNames(): Promise<string[]> {
	return (await indexedDB.databases()).map((database) => database.name ?? '');
}

/** A device with an identity and three groups, one renamed in its vault after joining. */
async function deviceWithGroups(ns: string) {
	const { db, lock } = await openDeviceCatalogue({ namespace: ns, crypto });
	const workspace = await openDeviceWorkspace({ namespace: ns, catalogue: db, connect: false, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
	await workspace.createIdentity('Ada');
	for (const name of ['Tenants north', 'Climate camp', 'Library defence']) await workspace.createGroup({ name, relayUrl: 'http://127.0.0.1:1' });
	const renamed = await workspace.group(workspace.groups()[1]!.id);
	renamed.meta.getMap('meta').set('name', 'Climate camp 2031');
	// The catalogue's sealed name follows the vault's meta doc asynchronously.
	for (let i = 0; i < 200 && (await readGroupList(db))?.groups[1]?.name !== 'Climate camp 2031'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
	return { db, lock, workspace };
}

describe("a returning member's group list from the catalogue alone", () => {
	it('reads the identity and every group by name, in the order joined, exactly as the workspace has them', async () => {
		const ns = namespace();
		const { db, workspace } = await deviceWithGroups(ns);
		const expected = { identity: workspace.identity, groups: workspace.groups().map((group) => ({ ...group })), joining: false };
		expect(expected.groups.map((group) => group.name)).toEqual(['Tenants north', 'Climate camp 2031', 'Library defence']);
		expect(await readGroupList(db)).toEqual(expected);
		// Straight from IndexedDB, with no Dexie connection involved, and while Dexie holds one open.
		expect(await glanceGroupList({ namespace: ns })).toEqual(expected);
		await workspace.close();
		expect(await glanceGroupList({ namespace: ns })).toEqual(expected);
	});

	it('gives nothing, and creates nothing, on a device that never used the app', async () => {
		const ns = namespace();
		expect(await glanceGroupList({ namespace: ns })).toBeUndefined();
		expect(await databaseNames()).not.toContain(ns + CATALOGUE_DB);
		// Dexie still opens the catalogue from scratch afterwards.
		const { db } = await openDeviceCatalogue({ namespace: ns, crypto });
		expect(await readGroupList(db)).toEqual({ identity: undefined, groups: [], joining: false });
		db.close();
	});

	it('gives nothing for an identity from before box keys: the workspace completes it first', async () => {
		const ns = namespace();
		const { db, workspace } = await deviceWithGroups(ns);
		await db.identity.update('device', { boxPublicKey: undefined, boxSecretKey: undefined });
		expect(await readGroupList(db)).toBeUndefined();
		expect(await glanceGroupList({ namespace: ns })).toBeUndefined();
		await workspace.close();
	});

	it('gives nothing while an app lock is set: the names stay sealed until the passphrase', async () => {
		const ns = namespace();
		const { lock, workspace } = await deviceWithGroups(ns);
		await lock.setPassphrase('correct horse battery staple');
		await workspace.close();
		expect(await glanceGroupList({ namespace: ns })).toBeUndefined();
	});

	it('tells a device with a join under way, which the app then opens at once to hear the answer', async () => {
		const ns = namespace();
		const { db } = await openDeviceCatalogue({ namespace: ns, crypto });
		const workspace = await openDeviceWorkspace({ namespace: ns, catalogue: db, connect: false, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
		await workspace.createIdentity('Ada');
		// A profile and nothing else: no group, no join.
		expect(await glanceGroupList({ namespace: ns })).toMatchObject({ groups: [], joining: false });
		// What askToJoin stores while no admin has answered (sealed at rest like every setting; its name is clear).
		await db.settings.put({ key: 'join.request.invite-1', value: '{}' });
		await db.settings.put({ key: 'journal', value: 'not a join' });
		expect(await readGroupList(db)).toMatchObject({ groups: [], joining: true });
		expect(await glanceGroupList({ namespace: ns })).toMatchObject({ groups: [], joining: true });
		await db.settings.delete('join.request.invite-1');
		expect(await glanceGroupList({ namespace: ns })).toMatchObject({ joining: false });
		await workspace.close();
	});
});
