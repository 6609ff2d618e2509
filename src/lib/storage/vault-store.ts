/**
 * Local persistence of a vault's outer document with y-indexeddb (one database per relay room, named after
 * the room id, never after the group). It stores Yjs updates of the outer document: sealed blobs only.
 *
 * y-indexeddb writes each update fire-and-forget, so a full disk (the transaction aborts with
 * QuotaExceededError, usually after the request itself succeeded) would go unnoticed and that update would
 * be missing at the next start. Here every write is watched to its transaction's end: a refused write is
 * reported, and the whole state in memory is written again until it is stored, so no edit is dropped.
 */
import { IndexeddbPersistence, PREFERRED_TRIM_SIZE, storeState } from 'y-indexeddb';
import * as Y from 'yjs';

/** y-indexeddb's object store of updates (its layout is kept, so existing vaults keep loading). */
const UPDATES_STORE = 'updates';
/** After a refused write, the whole state is written again after this pause… */
export const STORAGE_RETRY_MS = 2_000;
/** …doubling up to this, so a full phone is not hammered while the person frees space. */
export const STORAGE_RETRY_MAX_MS = 30_000;
/** y-indexeddb merges its stored updates this long after passing PREFERRED_TRIM_SIZE. */
const TRIM_DELAY_MS = 1_000;

/** What a vault hears from its local storage. */
export interface StorageEvents {
	/** A write was refused (`QuotaExceededError` and the like): the changes are only in memory for now. */
	onRefused(error: DOMException | Error): void;
	/** Everything in memory is stored again after a refusal. */
	onStored(): void;
}

/** A vault's local storage, as the vault uses it. */
export interface VaultPersistence {
	/** Stops storing (after the last write was handed to IndexedDB) and closes the database. */
	destroy(): Promise<void>;
	/** Stops storing and deletes the vault's database. */
	clearData(): Promise<void>;
}

/** The IndexedDB database name of a vault. */
export function vaultDbName(room: string, namespace = ''): string {
	return `${namespace}fieldbook-vault-${room}`;
}

/** IndexeddbPersistence whose writes are watched to completion and retried whole after a refusal. */
class WatchedPersistence extends IndexeddbPersistence implements VaultPersistence {
	#events: StorageEvents | undefined;
	/** Set while the stored state lags behind memory because a write was refused. */
	#behind = false;
	#retryTimer: ReturnType<typeof setTimeout> | undefined;
	#retryDelay = STORAGE_RETRY_MS;

	constructor(name: string, doc: Y.Doc, events?: StorageEvents) {
		super(name, doc);
		this.#events = events;
		doc.off('update', this._storeUpdate);
		this._storeUpdate = (update: Uint8Array, origin: unknown) => this.#store(update, origin);
		doc.on('update', this._storeUpdate);
	}

	#store(update: Uint8Array, origin: unknown): void {
		// Before the database is open, y-indexeddb writes the whole state once it is; updates it applied itself
		// are already stored.
		if (!this.db || origin === this || this._destroyed) return;
		// While behind, the next whole-state write covers this update too.
		if (this.#behind) return;
		this.#write(update, () => {
			if (++this._dbsize >= PREFERRED_TRIM_SIZE) this.#scheduleTrim();
		});
	}

	/** Adds one record to the updates store and follows its transaction to the end. */
	#write(record: Uint8Array, stored: () => void): void {
		let transaction: IDBTransaction;
		try {
			transaction = this.db!.transaction([UPDATES_STORE], 'readwrite');
			transaction.objectStore(UPDATES_STORE).add(record);
		} catch (error) {
			this.#refused(error);
			return;
		}
		transaction.oncomplete = stored;
		// The request may have succeeded while the commit failed: only the transaction's end is the verdict.
		transaction.onabort = () => this.#refused(transaction.error);
	}

	#refused(error: unknown): void {
		if (this._destroyed) return;
		this.#behind = true;
		this.#events?.onRefused(error instanceof Error ? error : new DOMException('IndexedDB refused a write', 'UnknownError'));
		this.#scheduleRetry();
	}

	#scheduleRetry(): void {
		if (this.#retryTimer || this._destroyed) return;
		this.#retryTimer = setTimeout(() => {
			this.#retryTimer = undefined;
			this.#retry();
		}, this.#retryDelay);
		this.#retryDelay = Math.min(this.#retryDelay * 2, STORAGE_RETRY_MAX_MS);
	}

	/** Writes the whole state in memory as one record; it covers every update a refused write lost. */
	#retry(): void {
		if (this._destroyed || !this.db) return;
		this.#behind = false;
		this.#write(Y.encodeStateAsUpdate(this.doc), () => {
			this._dbsize++;
			this.#retryDelay = STORAGE_RETRY_MS;
			this.#events?.onStored();
			// The whole state now sits beside the older records; y-indexeddb's merge drops them.
			this.#scheduleTrim();
		});
	}

	#scheduleTrim(): void {
		if (this._storeTimeoutId !== null) clearTimeout(this._storeTimeoutId);
		this._storeTimeoutId = setTimeout(() => {
			this._storeTimeoutId = null;
			// Merging is an optimisation: if it is refused, the records it would merge stay and still load.
			void storeState(this, false).catch(() => undefined);
		}, TRIM_DELAY_MS);
	}

	override destroy(): Promise<void> {
		clearTimeout(this.#retryTimer);
		this.#retryTimer = undefined;
		return super.destroy();
	}

	override async clearData(): Promise<void> {
		await this.destroy();
		await deleteDatabase(this.name);
	}
}

/** Deletes a database, settling when IndexedDB says it is gone (or could not be). */
function deleteDatabase(name: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const request = indexedDB.deleteDatabase(name);
		request.onsuccess = () => resolve();
		request.onerror = () => reject(request.error ?? new Error(`could not delete ${name}`));
		// Another tab still holds it open: it goes once that tab closes it; nothing to wait for here.
		request.onblocked = () => resolve();
	});
}

/** Loads a vault's stored state into `doc` and keeps storing its updates; resolves once loaded. */
export async function persistVault(room: string, doc: Y.Doc, namespace = '', events?: StorageEvents): Promise<VaultPersistence> {
	const persistence = new WatchedPersistence(vaultDbName(room, namespace), doc, events);
	await persistence.whenSynced;
	return persistence;
}
