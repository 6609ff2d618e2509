/**
 * The app lock as the UI sees it: whether a passphrase is set and the app is locked, unlocking (Argon2id in
 * a Web Worker), `Lock now`, auto-lock after the chosen idle time, the duress passphrase, and wiping.
 *
 * Locking reloads the page: nothing of the unlocked app (decrypted documents, keys, Svelte state) survives
 * in memory, and the next start finds the master key wrapped and shows only the lock screen.
 */
import type { CatalogueDb } from '$lib/storage/catalogue';
import { DEFAULT_AUTO_LOCK_MINUTES, openDeviceCatalogue, type DeviceLock, type LockCrypto, type UnlockResult } from '$lib/storage/device-lock';
import { wipeOrigin } from '$lib/storage/wipe';
import { MIN_MEMORY_KIB, calibrate, unlockDelayMs } from '$lib/sync/lock';
import { deriveInWorker } from './argon2-client';
import { testHooks } from './test-hooks';

/** Phones with this much memory (GiB, navigator.deviceMemory) or more get 64 MiB Argon2id, others 32. */
const ROOMY_DEVICE_GIB = 4;
/** Activity is noted at most this often, so a scroll does not reset a timer per frame. */
const ACTIVITY_THROTTLE_MS = 1_000;
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'input'] as const;

const browserCrypto: LockCrypto = {
	derive: deriveInWorker,
	calibrate: () => {
		const memory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory ?? ROOMY_DEVICE_GIB;
		return calibrate(deriveInWorker, {
			memoryKiB: memory >= ROOMY_DEVICE_GIB ? 2 * MIN_MEMORY_KIB : MIN_MEMORY_KIB,
			targetMs: testHooks().lockTargetMs
		});
	}
};

/** The device's app lock, wrapped for Svelte. */
export class AppLock {
	#lock: DeviceLock | undefined;
	#db: CatalogueDb | undefined;
	/** Bumped after every change of the stored lock, so getters re-run. */
	#version = $state(0);
	#idleOff: (() => void) | undefined;

	/** Whether a passphrase is set on this device. */
	get isSet(): boolean {
		void this.#version;
		return this.#lock?.isSet ?? false;
	}

	/** Whether the app is locked now (nothing sealed can be read). */
	get locked(): boolean {
		void this.#version;
		return this.#lock?.locked ?? false;
	}

	get hasDuress(): boolean {
		void this.#version;
		return this.#lock?.hasDuress ?? false;
	}

	get autoLockMinutes(): number {
		void this.#version;
		return this.#lock?.autoLockMinutes ?? DEFAULT_AUTO_LOCK_MINUTES;
	}

	/** How long the lock screen waits before the next try, after the wrong passphrases so far. */
	get delayMs(): number {
		void this.#version;
		return unlockDelayMs(this.#lock?.failures ?? 0);
	}

	/** The catalogue, opened; readable once unlocked. */
	get catalogue(): CatalogueDb {
		if (!this.#db) throw new Error('The catalogue is not open yet');
		return this.#db;
	}

	/** Opens the catalogue and reads the lock; with no lock set it is unlocked at once. */
	async open(): Promise<void> {
		const { db, lock } = await openDeviceCatalogue({ crypto: browserCrypto });
		this.#db = db;
		this.#lock = lock;
		this.#version++;
		if (!lock.locked) this.#watchIdle();
	}

	#require(): DeviceLock {
		if (!this.#lock) throw new Error('The lock is not open yet');
		return this.#lock;
	}

	/** Tries a passphrase (see DeviceLock.unlock); a wrong one throws WrongPassphraseError. */
	async unlock(passphrase: string): Promise<UnlockResult> {
		try {
			const result = await this.#require().unlock(passphrase);
			if (result === 'unlocked') this.#watchIdle();
			return result;
		} finally {
			this.#version++;
		}
	}

	/** Locks: the page reloads into the lock screen, so nothing unlocked stays in memory. */
	lockNow(): void {
		if (!this.isSet) return;
		this.#idleOff?.();
		location.reload();
	}

	async setPassphrase(passphrase: string): Promise<void> {
		await this.#require().setPassphrase(passphrase);
		this.#version++;
		this.#watchIdle();
	}

	async removePassphrase(): Promise<void> {
		await this.#require().removePassphrase();
		this.#version++;
		this.#idleOff?.();
	}

	isPassphrase(passphrase: string): Promise<boolean> {
		return this.#require().isPassphrase(passphrase);
	}

	async setDuress(passphrase: string | undefined): Promise<void> {
		await this.#require().setDuress(passphrase);
		this.#version++;
	}

	async setAutoLock(minutes: number): Promise<void> {
		await this.#require().setAutoLock(minutes);
		this.#version++;
		this.#watchIdle();
	}

	/** An encrypted backup file of everything on this (unlocked) device. */
	async exportBackup(passphrase: string): Promise<Uint8Array> {
		const [{ collectBackup }, { sealBackup }] = await Promise.all([import('$lib/storage/backup-store'), import('$lib/sync/backup')]);
		return sealBackup(await collectBackup(this.catalogue), passphrase);
	}

	/**
	 * Opens a backup file and adds what it holds to this device; throws BackupError (and changes nothing)
	 * for a wrong passphrase or a damaged file. Returns how many groups were added.
	 */
	async restoreBackup(file: Uint8Array, passphrase: string): Promise<number> {
		const [{ restoreBackup }, { openBackup }] = await Promise.all([import('$lib/storage/backup-store'), import('$lib/sync/backup')]);
		const contents = await openBackup(file, passphrase);
		return restoreBackup(this.catalogue, contents);
	}

	/**
	 * Wipes this device: the master key first, then `closeAll` (the open workspace), then everything of the
	 * origin; then the app opens as new.
	 */
	async wipe(closeAll: () => Promise<void>): Promise<void> {
		this.#idleOff?.();
		await wipeOrigin(async () => {
			await this.#lock?.destroyKey();
			await closeAll().catch(() => undefined);
			this.#db?.close();
		});
		location.replace('/');
	}

	/** Locks after the chosen time without a touch or key, and when the app comes back after being hidden that long. */
	#watchIdle(): void {
		this.#idleOff?.();
		this.#idleOff = undefined;
		if (!this.isSet || typeof window === 'undefined') return;
		const limitMs = testHooks().autoLockMs ?? this.autoLockMinutes * 60_000;
		let lastActivity = Date.now();
		let timer: ReturnType<typeof setTimeout> | undefined;
		const schedule = () => {
			clearTimeout(timer);
			timer = setTimeout(check, Math.max(0, lastActivity + limitMs - Date.now()));
		};
		const check = () => {
			if (Date.now() - lastActivity >= limitMs) this.lockNow();
			else schedule();
		};
		const onActivity = () => {
			const now = Date.now();
			if (now - lastActivity < ACTIVITY_THROTTLE_MS) return;
			lastActivity = now;
		};
		// Timers sleep while a phone's screen is off: coming back is checked against the clock.
		const onVisibility = () => {
			if (document.visibilityState === 'visible') check();
		};
		for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, { capture: true, passive: true });
		document.addEventListener('visibilitychange', onVisibility);
		schedule();
		this.#idleOff = () => {
			clearTimeout(timer);
			for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity, { capture: true });
			document.removeEventListener('visibilitychange', onVisibility);
		};
	}
}

/** The app-wide lock. */
export const appLock = new AppLock();
