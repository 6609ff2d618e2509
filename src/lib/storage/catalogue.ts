/**
 * The device catalogue (Dexie, IndexedDB database `fieldbook`): everything this device knows besides the
 * vaults themselves. The storage map of the whole app, and what of it a person holding the phone can read:
 *
 * | where                          | what                                              | at rest                                   |
 * |--------------------------------|---------------------------------------------------|-------------------------------------------|
 * | `fieldbook` / lock             | the device master key: raw while no app lock is   | raw without a lock; with one, only wrapped|
 * |                                | set, else wrapped (Argon2id of the passphrase);    | (no verifier); parameters, failure count, |
 * |                                | duress canary; Argon2id parameters; settings      | auto-lock minutes in the clear            |
 * | `fieldbook` / identity         | display name, Ed25519 (and X25519) key pairs      | sealed under the master key (at-rest.ts)  |
 * | `fieldbook` / groups           | epoch, relay URL, joined time, sealed name        | sealed under the master key; id in clear  |
 * | `fieldbook` / keys             | group keys by key id and epoch                    | sealed under the master key; key id and   |
 * |                                |                                                   | group id in clear (indexes)               |
 * | `fieldbook` / settings         | device settings, unanswered join requests         | sealed; setting names in clear            |
 * | `fieldbook` / relayStates      | the relay's last state vector per group           | sealed; group id in clear                 |
 * | `fieldbook-vault-<room>`       | y-indexeddb updates of the outer vault doc        | sealed blobs under the group key          |
 * | localStorage `fieldbook.journal.<group>` | blobs sealed as the page closed         | sealed blobs under the group key          |
 * | localStorage `fieldbook.read.*`, `.relayed.*` | per-thread counters and times       | clear (numbers, group and doc ids)        |
 * | localStorage `fieldbook.lang`  | chosen language (read before IndexedDB opens)     | clear                                     |
 * | `fieldbook-commons`            | public commons lists and entries once viewed      | clear (public content only)               |
 * | Cache Storage                  | the app's own files (service worker precache)     | clear (the public app)                    |
 *
 * Sealed by default: at-rest.ts seals every field of every catalogue table except `lock`, keeping in the
 * clear only primary keys and indexed fields, so a secret added later is wrapped without anyone listing it.
 * The master key seals; the passphrase (Argon2id, calibrated to about 1 s and at least 32 MiB) wraps the
 * master key. With the app locked, the phone shows that Fieldbook is installed, how many groups (vault
 * databases) and bytes it holds, group and room ids, the relay's address (the app's origin) and when
 * threads were read; not a name, a key, a title or a word of content. Without a lock, the master key lies
 * beside what it seals and protects nothing against someone who copies the phone's storage.
 *
 * Inner documents (guides, discussions, actions, the group's meta and index) exist in plaintext only in
 * memory, while open and unlocked. Locking reloads the page, so nothing decrypted stays in memory.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { ArgonParams, WrappedKey } from '../sync/lock';
import { atRestSealing, type MasterKeyHolder } from './at-rest';

/** This device's identity. One row, id `device`. */
export interface IdentityRow {
	id: 'device';
	name: string;
	publicKey: Uint8Array;
	secretKey: Uint8Array;
	/**
	 * X25519 key pair for receiving group keys (key-box.ts), kept beside the signing key and sealed the same
	 * way. Absent in identities made before it existed: the workspace adds one when it loads them.
	 */
	boxPublicKey?: Uint8Array;
	boxSecretKey?: Uint8Array;
}

/** A group this device belongs to. */
export interface GroupRow {
	id: string;
	epoch: number;
	relayUrl: string;
	joinedAt: number;
	/** The group's name as a sealed blob (see sealed.ts), so lists can show it before the vault opens. */
	sealedName: Uint8Array;
	/** The group moved to a new key without a box for this device (rotation.ts): kept read-only until deleted. */
	removed?: boolean;
}

/** A group key. */
export interface KeyRow {
	groupId: string;
	keyId: string;
	epoch: number;
	key: Uint8Array;
}

/** A device setting. */
export interface SettingRow {
	key: string;
	value: string;
}

/** What the relay last said it holds of a group's vault, so "not on the relay yet" survives a reload offline. */
export interface RelayStateRow {
	groupId: string;
	epoch: number;
	stateVector: Uint8Array;
}

/** The app lock: the device master key, raw while no lock is set, else only wrapped. One row, id `device`. */
export interface LockRow {
	id: 'device';
	/** The master key itself, only while no lock is set (then the phone protects nothing). */
	masterKey?: Uint8Array;
	/** The master key wrapped under the passphrase (lock.ts). */
	wrapped?: WrappedKey;
	/** A random key wrapped under the duress passphrase: if it unwraps, the person asked for a silent wipe. */
	duress?: WrappedKey;
	/** Argon2id parameters measured once on this device. */
	params?: ArgonParams;
	/** Wrong passphrases since the last unlock: the lock screen waits longer after each. */
	failures: number;
	/** Lock after this many minutes idle or hidden. */
	autoLockMinutes: number;
	/** Every other table's rows are sealed (set once rows from before sealing were sealed). */
	sealedVersion?: number;
}

/** The Dexie database of the catalogue. */
export type CatalogueDb = Dexie & {
	identity: EntityTable<IdentityRow, 'id'>;
	groups: EntityTable<GroupRow, 'id'>;
	keys: EntityTable<KeyRow, 'keyId'>;
	settings: EntityTable<SettingRow, 'key'>;
	relayStates: EntityTable<RelayStateRow, 'groupId'>;
	lock: EntityTable<LockRow, 'id'>;
};

/** Where IndexedDB comes from: the browser's, or fake-indexeddb in Node tests. */
export interface IndexedDbSource {
	indexedDB: IDBFactory;
	IDBKeyRange: typeof IDBKeyRange;
}

import { CATALOGUE_DB } from './presence';
export { CATALOGUE_DB };

/** The catalogue's tables and their indexes (version 1), to which version 2 adds the lock. */
const TABLES_V1 = {
	identity: 'id',
	groups: 'id',
	keys: 'keyId, groupId',
	settings: 'key',
	relayStates: 'groupId'
};

/**
 * Opens the catalogue. Every table but `lock` is sealed at rest under the master key in `holder`
 * (at-rest.ts): rows can be read and written only while it holds the key.
 */
export function openCatalogue(source: IndexedDbSource | undefined, namespace: string, holder: MasterKeyHolder): CatalogueDb {
	const db = new Dexie(namespace + CATALOGUE_DB, source ? { indexedDB: source.indexedDB, IDBKeyRange: source.IDBKeyRange } : undefined) as CatalogueDb;
	db.version(1).stores(TABLES_V1);
	db.version(2).stores({ ...TABLES_V1, lock: 'id' });
	db.use(atRestSealing(holder));
	return db;
}
