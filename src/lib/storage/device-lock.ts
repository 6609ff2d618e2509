/**
 * The device's app lock as stored: the master key (raw while no lock is set, else only wrapped under the
 * passphrase), the optional duress passphrase, the count of wrong passphrases and the auto-lock time.
 * Unlocking puts the master key into the catalogue's holder; nothing else ever does.
 */
import {
	DamagedKeyError,
	WrongPassphraseError,
	checkWrappedKey,
	newMasterKey,
	unwrapMasterKey,
	wrapMasterKey,
	type ArgonParams,
	type DeriveKey
} from '../sync/lock';
import { MasterKeyHolder, PLAINTEXT_TABLES } from './at-rest';
import { openCatalogue, type CatalogueDb, type IndexedDbSource, type LockRow } from './catalogue';

/** Auto-lock choices in minutes; the default is the second. */
export const AUTO_LOCK_CHOICES = [1, 5, 15, 60] as const;
export const DEFAULT_AUTO_LOCK_MINUTES = 5;
/** Rows sealed by at-rest.ts in this format (rows from before it are sealed on first unlock). */
const SEALED_VERSION = 1;
const LOCK_ID = 'device';

/** What the lock needs from outside: Argon2id, and the once-per-device calibration. */
export interface LockCrypto {
	derive: DeriveKey;
	calibrate(): Promise<ArgonParams>;
}

/** What the person typed on the lock screen turned out to be. */
export type UnlockResult = 'unlocked' | 'duress';

/** The app lock of one device's catalogue. */
export class DeviceLock {
	#db: CatalogueDb;
	#holder: MasterKeyHolder;
	#crypto: LockCrypto;
	#row: LockRow;

	private constructor(db: CatalogueDb, holder: MasterKeyHolder, crypto: LockCrypto, row: LockRow) {
		this.#db = db;
		this.#holder = holder;
		this.#crypto = crypto;
		this.#row = row;
	}

	/**
	 * Reads the lock. On a new device it creates the master key; with no lock set it unlocks at once. With a
	 * lock set the catalogue stays locked until `unlock`.
	 */
	static async open(db: CatalogueDb, holder: MasterKeyHolder, crypto: LockCrypto): Promise<DeviceLock> {
		let row = await db.lock.get(LOCK_ID);
		if (!row) {
			row = { id: LOCK_ID, masterKey: newMasterKey(), failures: 0, autoLockMinutes: DEFAULT_AUTO_LOCK_MINUTES };
			await db.lock.put(row);
		}
		const lock = new DeviceLock(db, holder, crypto, row);
		if (!row.wrapped && row.masterKey) await lock.#unlocked(row.masterKey.slice());
		return lock;
	}

	/** Whether a passphrase is set. */
	get isSet(): boolean {
		return this.#row.wrapped !== undefined;
	}

	/** Whether sealed data cannot be read now. */
	get locked(): boolean {
		return !this.#holder.present;
	}

	get hasDuress(): boolean {
		return this.#row.duress !== undefined;
	}

	/** Wrong passphrases since the last unlock. */
	get failures(): number {
		return this.#row.failures;
	}

	get autoLockMinutes(): number {
		return this.#row.autoLockMinutes;
	}

	/** Throws DamagedKeyError when the stored wrapped key cannot be opened by any passphrase. */
	checkIntact(): void {
		if (this.#row.wrapped) checkWrappedKey(this.#row.wrapped);
	}

	async #save(changes: Partial<LockRow>): Promise<void> {
		const next: LockRow = { ...this.#row, ...changes };
		for (const key of Object.keys(changes) as (keyof LockRow)[]) if (changes[key] === undefined) delete next[key];
		await this.#db.lock.put(next);
		this.#row = next;
	}

	async #unlocked(masterKey: Uint8Array): Promise<void> {
		this.#holder.set(masterKey);
		if (this.#row.sealedVersion !== SEALED_VERSION) {
			// Rows written before sealing existed are read as they are and written back sealed. Rows sealed
			// under a destroyed key (a wipe cut short) can never open again: they are dropped.
			for (const table of this.#db.tables) {
				if (PLAINTEXT_TABLES.has(table.name)) continue;
				for (const key of await table.toCollection().primaryKeys()) {
					try {
						await table.put(await table.get(key));
					} catch {
						await table.delete(key);
					}
				}
			}
			await this.#save({ sealedVersion: SEALED_VERSION });
		}
	}

	/**
	 * Tries a passphrase: the real one unlocks, the duress one answers `duress` (the caller wipes), anything
	 * else counts one failure and throws WrongPassphraseError. A damaged record throws DamagedKeyError.
	 */
	async unlock(passphrase: string): Promise<UnlockResult> {
		if (!this.#row.wrapped) throw new Error('No lock is set');
		try {
			const masterKey = await unwrapMasterKey(this.#row.wrapped, passphrase, this.#crypto.derive);
			await this.#save({ failures: 0 });
			await this.#unlocked(masterKey);
			return 'unlocked';
		} catch (error) {
			if (!(error instanceof WrongPassphraseError)) throw error;
		}
		if (this.#row.duress) {
			try {
				await unwrapMasterKey(this.#row.duress, passphrase, this.#crypto.derive);
				return 'duress';
			} catch (error) {
				if (!(error instanceof WrongPassphraseError) && !(error instanceof DamagedKeyError)) throw error;
			}
		}
		await this.#save({ failures: this.#row.failures + 1 });
		throw new WrongPassphraseError();
	}

	/** Whether this is the passphrase (no failure is counted): the duress passphrase must differ from it. */
	async isPassphrase(passphrase: string): Promise<boolean> {
		if (!this.#row.wrapped) return false;
		try {
			await unwrapMasterKey(this.#row.wrapped, passphrase, this.#crypto.derive);
			return true;
		} catch {
			return false;
		}
	}

	async #params(): Promise<ArgonParams> {
		if (this.#row.params) return this.#row.params;
		const params = await this.#crypto.calibrate();
		await this.#save({ params });
		return params;
	}

	/** Sets or changes the passphrase (unlocked only): the master key is wrapped and the raw copy removed. */
	async setPassphrase(passphrase: string): Promise<void> {
		const wrapped = await wrapMasterKey(this.#holder.key, passphrase, await this.#params(), this.#crypto.derive);
		await this.#save({ wrapped, masterKey: undefined, failures: 0 });
	}

	/** Removes the lock (unlocked only): the master key is stored raw again, and the duress passphrase goes. */
	async removePassphrase(): Promise<void> {
		await this.#save({ masterKey: this.#holder.key.slice(), wrapped: undefined, duress: undefined });
	}

	/** Sets the duress passphrase (a lock must be set), or removes it with undefined. */
	async setDuress(passphrase: string | undefined): Promise<void> {
		if (passphrase === undefined) return this.#save({ duress: undefined });
		if (!this.isSet) throw new Error('Set a passphrase first');
		const canary = newMasterKey();
		const duress = await wrapMasterKey(canary, passphrase, await this.#params(), this.#crypto.derive);
		await this.#save({ duress });
	}

	async setAutoLock(minutes: number): Promise<void> {
		await this.#save({ autoLockMinutes: minutes });
	}

	/** Destroys the master key (raw and wrapped) first: after this no sealed row can ever be read. */
	async destroyKey(): Promise<void> {
		this.#holder.clear();
		await this.#db.lock.delete(LOCK_ID);
	}
}

/** Lock crypto for callers that never set a lock (Node tests, benchmarks): asking for it is a mistake. */
export const NO_LOCK_CRYPTO: LockCrypto = {
	derive: () => Promise.reject(new Error('This device was opened without lock crypto')),
	calibrate: () => Promise.reject(new Error('This device was opened without lock crypto'))
};

/** Opens the catalogue with its master-key holder and reads the lock (unlocked at once when none is set). */
export async function openDeviceCatalogue(options: {
	indexedDB?: IndexedDbSource;
	namespace?: string;
	crypto?: LockCrypto;
}): Promise<{ db: CatalogueDb; lock: DeviceLock }> {
	const holder = new MasterKeyHolder();
	const db = openCatalogue(options.indexedDB, options.namespace ?? '', holder);
	await db.open();
	return { db, lock: await DeviceLock.open(db, holder, options.crypto ?? NO_LOCK_CRYPTO) };
}
