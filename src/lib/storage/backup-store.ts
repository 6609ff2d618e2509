/**
 * Backups read from and written to this device's storage: the catalogue's rows (opened by the at-rest
 * middleware, so the device must be unlocked) and each vault's y-indexeddb database.
 */
import { IndexeddbPersistence, storeState } from 'y-indexeddb';
import * as Y from 'yjs';
import { relayCredentials } from '../sync/crypto';
import type { BackupContents, BackupRow } from '../sync/backup';
import type { CatalogueDb } from './catalogue';
import { vaultDbName } from './vault-store';

/** Every vault room of the groups in these key rows (one per epoch key). */
function roomsOf(keys: BackupRow[]): string[] {
	const rooms = new Set<string>();
	for (const row of keys) {
		if (row.key instanceof Uint8Array && typeof row.groupId === 'string' && typeof row.epoch === 'number') {
			rooms.add(relayCredentials(row.key, row.groupId, row.epoch).room);
		}
	}
	return [...rooms];
}

/** Reads a vault database into one update (empty when the database holds nothing). */
async function readVault(room: string, namespace: string): Promise<Uint8Array | undefined> {
	const doc = new Y.Doc();
	const persistence = new IndexeddbPersistence(vaultDbName(room, namespace), doc);
	try {
		await persistence.whenSynced;
		return doc.store.clients.size ? Y.encodeStateAsUpdate(doc) : undefined;
	} finally {
		await persistence.destroy();
		doc.destroy();
	}
}

/** Collects everything a backup holds from this (unlocked) device. */
export async function collectBackup(db: CatalogueDb, namespace = '', now = Date.now()): Promise<BackupContents> {
	const [identity, groups, keys, settings] = await Promise.all([db.identity.get('device'), db.groups.toArray(), db.keys.toArray(), db.settings.toArray()]);
	const vaults: BackupContents['vaults'] = [];
	for (const room of roomsOf(keys as unknown as BackupRow[])) {
		const state = await readVault(room, namespace);
		if (state) vaults.push({ room, state });
	}
	return {
		createdAt: now,
		identity: identity as unknown as BackupRow | undefined,
		groups: groups as unknown as BackupRow[],
		keys: keys as unknown as BackupRow[],
		settings: settings as unknown as BackupRow[],
		vaults
	};
}

/**
 * Writes an opened backup into this device: its groups, keys and settings are added (a group already here
 * keeps its row), its identity only when this device has none, and each vault's state is merged into the
 * local vault (Yjs merges are idempotent, so restoring twice changes nothing). Returns the groups added.
 */
export async function restoreBackup(db: CatalogueDb, contents: BackupContents, namespace = ''): Promise<number> {
	let added = 0;
	await db.transaction('rw', [db.identity, db.groups, db.keys, db.settings], async () => {
		if (contents.identity && !(await db.identity.get('device'))) await db.identity.put(contents.identity as never);
		for (const group of contents.groups) {
			if (await db.groups.get(group.id as string)) continue;
			await db.groups.put(group as never);
			added++;
		}
		await db.keys.bulkPut(contents.keys as never[]);
		for (const setting of contents.settings) if (!(await db.settings.get(setting.key as string))) await db.settings.put(setting as never);
	});
	for (const { room, state } of contents.vaults) {
		const doc = new Y.Doc();
		const persistence = new IndexeddbPersistence(vaultDbName(room, namespace), doc);
		try {
			await persistence.whenSynced;
			Y.applyUpdate(doc, state);
			// One whole-state record, written and committed before the database closes.
			await storeState(persistence, true);
		} finally {
			await persistence.destroy();
			doc.destroy();
		}
	}
	return added;
}
