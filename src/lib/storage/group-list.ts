/**
 * What a returning member's home shows first: this device's name and the groups it belongs to, read from the
 * catalogue alone. Loads no Yjs, no vault and no Ed25519 — and `glanceGroupList` not even Dexie — so the list
 * paints while the sync engine and the vaults are still loading and opening (the workspace takes over once
 * it is open).
 */
import type { GroupRecord } from '../sync/api';
import { fromUtf8, toBase64Url } from '../sync/bytes';
import { catalogueNameContext } from '../sync/group-names';
import { decryptAuthenticated } from '../sync/sealed-format';
import { openRow, type RowSchema } from './at-rest';
import type { CatalogueDb, GroupRow, IdentityRow, KeyRow, LockRow } from './catalogue';
import { CATALOGUE_DB, JOIN_SETTING_PREFIX } from './presence';

/** The device's person and groups as the catalogue holds them. */
export interface GroupList {
	identity: { name: string; publicKey: string; boxKey: string } | undefined;
	/** In the order joined. */
	groups: GroupRecord[];
	/** Whether a join is under way: a request to join not yet answered, or an invite accepted offline. */
	joining: boolean;
}

/**
 * A group's name from its catalogue row. The name's signature is this device's own and is not checked here:
 * the row is sealed at rest under the master key, which authenticates it. The workspace opens the name again
 * with the signature checked when it loads.
 */
function nameOf(row: GroupRow, keys: KeyRow[]): string {
	try {
		const { plaintext } = decryptAuthenticated(row.sealedName, catalogueNameContext(row), (keyId) => {
			const key = keys.find((candidate) => candidate.keyId === keyId && candidate.groupId === row.id);
			return key && { keyId: key.keyId, key: key.key };
		});
		return fromUtf8(plaintext);
	} catch {
		return '';
	}
}

/** The list, or undefined for an identity from before box keys, which only the workspace completes. */
function groupList(identity: IdentityRow | undefined, rows: GroupRow[], keys: KeyRow[], joins: number): GroupList | undefined {
	if (identity && !identity.boxPublicKey) return undefined;
	return {
		joining: joins > 0,
		identity: identity && { name: identity.name, publicKey: toBase64Url(identity.publicKey), boxKey: toBase64Url(identity.boxPublicKey!) },
		groups: [...rows]
			.sort((a, b) => a.joinedAt - b.joinedAt)
			.map((row) => ({ id: row.id, name: nameOf(row, keys), epoch: row.epoch, relayUrl: row.relayUrl, joinedAt: row.joinedAt }))
	};
}

/**
 * Reads the identity and every group with its name from an open, unlocked catalogue, in one transaction;
 * undefined when the identity needs the workspace to complete it first.
 */
export async function readGroupList(db: CatalogueDb): Promise<GroupList | undefined> {
	const [identity, rows, keys, joins] = await db.transaction('r', db.identity, db.groups, db.keys, db.settings, () =>
		Promise.all([db.identity.get('device'), db.groups.toArray(), db.keys.toArray(), db.settings.where('key').startsWith(JOIN_SETTING_PREFIX).count()])
	);
	return groupList(identity, rows, keys, joins);
}

/** The catalogue stores the glance reads, and where each keeps its primary key (catalogue.ts). */
const STORES = { lock: 'id', identity: 'id', groups: 'id', keys: 'keyId', settings: 'key' } as const;

function settled<T>(request: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
	});
}

/** Opens the catalogue database as it is, or undefined when there is none (nothing is created). */
function openExisting(indexedDB: IDBFactory, name: string): Promise<IDBDatabase | undefined> {
	return new Promise((resolve, reject) => {
		const request = indexedDB.open(name);
		// An upgrade means the database does not exist: aborting it leaves none behind for Dexie to trip on.
		request.onupgradeneeded = () => request.transaction?.abort();
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => (request.error?.name === 'AbortError' ? resolve(undefined) : reject(request.error ?? new Error('IndexedDB open failed')));
		request.onblocked = () => resolve(undefined);
	});
}

/**
 * The group list straight from IndexedDB, before Dexie has loaded: only on a device with no app lock set
 * (the master key lies beside the rows it seals); undefined when the app is locked, the device is new, or
 * anything is not as expected — the caller then goes the ordinary way, through Dexie and the lock.
 */
export async function glanceGroupList(options: { indexedDB?: IDBFactory; namespace?: string } = {}): Promise<GroupList | undefined> {
	const factory = options.indexedDB ?? globalThis.indexedDB;
	if (!factory) return undefined;
	const db = await openExisting(factory, (options.namespace ?? '') + CATALOGUE_DB);
	if (!db) return undefined;
	return readGlance(db);
}

/** As `glanceGroupList`, from a connection to the catalogue opened by the caller; closes it. */
export async function readGlance(db: IDBDatabase): Promise<GroupList | undefined> {
	try {
		const names = Object.keys(STORES);
		if (!names.every((name) => db.objectStoreNames.contains(name))) return undefined;
		const transaction = db.transaction(names, 'readonly');
		// Join settings are counted by their names, which the catalogue keeps in the clear.
		const joinNames = IDBKeyRange.bound(JOIN_SETTING_PREFIX, `${JOIN_SETTING_PREFIX}\uffff`);
		const [lock, identity, groups, keys, joins] = await Promise.all([
			settled(transaction.objectStore('lock').get('device')) as Promise<LockRow | undefined>,
			settled(transaction.objectStore('identity').get('device')),
			settled(transaction.objectStore('groups').getAll()),
			settled(transaction.objectStore('keys').getAll()),
			settled(transaction.objectStore('settings').count(joinNames))
		]);
		if (!lock?.masterKey || lock.wrapped) return undefined;
		const masterKey = lock.masterKey;
		const open = <T>(table: keyof typeof STORES, row: unknown) =>
			openRow(table, { primaryKey: { keyPath: STORES[table] } } satisfies RowSchema, row, masterKey) as T;
		return groupList(
			identity === undefined ? undefined : open<IdentityRow>('identity', identity),
			groups.map((row) => open<GroupRow>('groups', row)),
			keys.map((row) => open<KeyRow>('keys', row)),
			joins
		);
	} catch {
		return undefined;
	} finally {
		// Closed at once: a connection left open would hold up Dexie's own opening and any upgrade.
		db.close();
	}
}
