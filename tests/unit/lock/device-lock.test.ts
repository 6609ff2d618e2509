import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { deriveArgon2id } from '../../../src/lib/sync/argon2';
import { MIN_MEMORY_KIB, WrongPassphraseError, DamagedKeyError } from '../../../src/lib/sync/lock';
import { LockedError } from '../../../src/lib/storage/at-rest';
import { CATALOGUE_DB } from '../../../src/lib/storage/catalogue';
import { openDeviceCatalogue, type LockCrypto } from '../../../src/lib/storage/device-lock';
import { openDeviceWorkspace } from '../../../src/lib/state/device-storage';

const crypto: LockCrypto = {
	derive: deriveArgon2id,
	// The floor the app allows, so tests stay quick while running the real Argon2id.
	calibrate: async () => ({ memoryKiB: MIN_MEMORY_KIB, iterations: 1, parallelism: 1 })
};

let counter = 0;
const namespace = () => `lock-${process.pid}-${++counter}-`;

/** Every value of every store of a database, read raw (no Dexie, no middleware), as one byte string. */
async function rawBytes(name: string): Promise<Buffer> {
	const db = await new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open(name);
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
	const parts: Buffer[] = [];
	const walk = (value: unknown): void => {
		if (value instanceof Uint8Array) parts.push(Buffer.from(value));
		else if (typeof value === 'string') parts.push(Buffer.from(value));
		else if (value && typeof value === 'object') for (const item of Object.values(value)) walk(item);
	};
	for (const store of db.objectStoreNames) {
		const values = await new Promise<unknown[]>((resolve, reject) => {
			const request = db.transaction(store).objectStore(store).getAll();
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		walk(values);
	}
	db.close();
	return Buffer.concat(parts);
}

describe('the device lock', () => {
	it('keeps every secret of the catalogue sealed at rest, and unlocks only with the passphrase', async () => {
		const ns = namespace();
		const first = await openDeviceCatalogue({ namespace: ns, crypto });
		const workspace = await openDeviceWorkspace({ namespace: ns, catalogue: first.db, connect: false, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
		await workspace.createIdentity('Ada');
		const vault = await workspace.createGroup({ name: 'Night watch', relayUrl: 'http://relay.invalid' });
		const keyRow = (await first.db.keys.toArray())[0]!;
		const identity = (await first.db.identity.get('device'))!;
		await first.db.settings.put({ key: 'secret.setting', value: 'hidden-value-42' });
		await first.lock.setPassphrase('river stone');
		expect(first.lock.isSet).toBe(true);
		await workspace.close();
		void vault;

		const raw = await rawBytes(ns + CATALOGUE_DB);
		expect(identity.boxSecretKey?.byteLength).toBe(32);
		for (const secret of [keyRow.key, identity.secretKey, identity.boxSecretKey!, Buffer.from('hidden-value-42'), Buffer.from('Ada')]) {
			expect(raw.includes(Buffer.from(secret))).toBe(false);
			expect(raw.includes(Buffer.from(Buffer.from(secret).toString('base64')))).toBe(false);
			expect(raw.includes(Buffer.from(Buffer.from(secret).toString('hex')))).toBe(false);
		}

		// A fresh start: locked, nothing sealed readable.
		const second = await openDeviceCatalogue({ namespace: ns, crypto });
		expect(second.lock.locked).toBe(true);
		await expect(second.db.keys.toArray()).rejects.toBeInstanceOf(LockedError);
		await expect(second.db.identity.get('device')).rejects.toBeInstanceOf(LockedError);

		await expect(second.lock.unlock('river stones')).rejects.toBeInstanceOf(WrongPassphraseError);
		expect(second.lock.locked).toBe(true);
		expect(second.lock.failures).toBe(1);
		expect(await second.lock.unlock('river stone')).toBe('unlocked');
		expect(second.lock.failures).toBe(0);
		expect((await second.db.keys.toArray())[0]!.key).toEqual(keyRow.key);
		const reopened = await openDeviceWorkspace({ namespace: ns, catalogue: second.db, connect: false, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
		expect(reopened.identity?.name).toBe('Ada');
		// The X25519 box key is kept beside the signing key, never derived from it.
		expect(reopened.identity?.boxKey).toBe(Buffer.from(identity.boxPublicKey!).toString('base64url'));
		expect(reopened.identity?.boxKey).not.toBe(reopened.identity?.publicKey);
		expect(reopened.groups().map((group) => group.name)).toEqual(['Night watch']);
		await reopened.close();
	});

	it('seals rows written before sealing existed at the first unlock', async () => {
		const ns = namespace();
		// A catalogue as older versions wrote it: plain rows, no lock table.
		const { default: Dexie } = await import('dexie');
		const old = new Dexie(ns + CATALOGUE_DB);
		old.version(1).stores({ identity: 'id', groups: 'id', keys: 'keyId, groupId', settings: 'key', relayStates: 'groupId' });
		const secret = new Uint8Array(32).fill(7);
		await old.table('identity').put({ id: 'device', name: 'Old', publicKey: new Uint8Array(32), secretKey: secret });
		old.close();
		expect((await rawBytes(ns + CATALOGUE_DB)).includes(Buffer.from(secret))).toBe(true);

		const { db } = await openDeviceCatalogue({ namespace: ns, crypto });
		expect((await db.identity.get('device'))!.secretKey).toEqual(secret);
		// An identity from before box keys gets its X25519 pair when the workspace loads it, sealed like the rest.
		const workspace = await openDeviceWorkspace({ namespace: ns, catalogue: db, connect: false, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
		const boxKey = workspace.identity!.boxKey;
		const row = (await db.identity.get('device'))!;
		expect(Buffer.from(row.boxPublicKey!).toString('base64url')).toBe(boxKey);
		await workspace.close();
		const raw = await rawBytes(ns + CATALOGUE_DB);
		expect(raw.includes(Buffer.from(secret))).toBe(false);
		expect(raw.includes(Buffer.from(row.boxSecretKey!))).toBe(false);
	});

	it('answers duress for the duress passphrase, and a damaged wrapped key is reported', async () => {
		const ns = namespace();
		const first = await openDeviceCatalogue({ namespace: ns, crypto });
		await first.lock.setPassphrase('real passphrase');
		await first.lock.setDuress('panic passphrase');
		first.db.close();
		const second = await openDeviceCatalogue({ namespace: ns, crypto });
		expect(await second.lock.unlock('panic passphrase')).toBe('duress');
		expect(second.lock.locked).toBe(true);

		const row = (await second.db.lock.get('device'))!;
		row.wrapped!.nonce[0]! ^= 1;
		await second.db.lock.put(row);
		second.db.close();
		const third = await openDeviceCatalogue({ namespace: ns, crypto });
		expect(() => third.lock.checkIntact()).toThrow(DamagedKeyError);
		await expect(third.lock.unlock('real passphrase')).rejects.toBeInstanceOf(DamagedKeyError);
		third.db.close();
	});

	it('after destroying the key nothing sealed can be opened, even with the right passphrase', async () => {
		const ns = namespace();
		const first = await openDeviceCatalogue({ namespace: ns, crypto });
		await first.db.settings.put({ key: 'k', value: 'v' });
		await first.lock.setPassphrase('123456');
		await first.lock.destroyKey();
		first.db.close();
		const second = await openDeviceCatalogue({ namespace: ns, crypto });
		// A new master key: the old rows could never open again and are gone.
		expect(second.lock.isSet).toBe(false);
		expect(await second.db.settings.get('k')).toBeUndefined();
		second.db.close();
	});
});
