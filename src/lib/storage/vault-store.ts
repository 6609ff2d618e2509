/**
 * Local persistence of a vault's outer document with y-indexeddb (one database per relay room, named after
 * the room id, never after the group). It stores Yjs updates of the outer document: sealed blobs only.
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import type * as Y from 'yjs';

/** The IndexedDB database name of a vault. */
export function vaultDbName(room: string, namespace = ''): string {
	return `${namespace}fieldbook-vault-${room}`;
}

/** Loads a vault's stored state into `doc` and keeps storing its updates; resolves once loaded. */
export async function persistVault(room: string, doc: Y.Doc, namespace = ''): Promise<IndexeddbPersistence> {
	const persistence = new IndexeddbPersistence(vaultDbName(room, namespace), doc);
	await persistence.whenSynced;
	return persistence;
}
