/**
 * The composition root of the sync core (STYLE.md 11): builds the outside world a workspace runs on — the
 * Dexie catalogue and y-indexeddb persistence of each vault — and opens the workspace with it. The core in
 * src/lib/sync never imports either; tests build the same ones on fake-indexeddb through this module.
 */
import { openWorkspace, type LocalWorkspaceApi, type WorkspaceOptions } from '../sync';
import type { IndexedDbSource } from '../storage/catalogue';
import { openDeviceCatalogue } from '../storage/device-lock';
import { persistVault } from '../storage/vault-store';

/** What to build the device's storage on: the browser's IndexedDB by default. */
export interface DeviceStorageOptions {
	/** IndexedDB to use for the catalogue; the global one by default. */
	indexedDB?: IndexedDbSource;
	/** Prefix of every database name: lets tests run several devices in one process. */
	namespace?: string;
}

/**
 * The catalogue and vault persistence of this device, on IndexedDB. The catalogue is sealed at rest
 * (storage/at-rest.ts): pass one the app lock opened and unlocked, or one is opened here, which works only
 * on a device with no lock set (tests, benchmarks).
 */
export async function deviceStorage(
	options: DeviceStorageOptions & { catalogue?: WorkspaceOptions['catalogue'] } = {}
): Promise<Pick<WorkspaceOptions, 'catalogue' | 'persist'>> {
	const namespace = options.namespace ?? '';
	return {
		catalogue: options.catalogue ?? (await openDeviceCatalogue({ indexedDB: options.indexedDB, namespace })).db,
		persist: (room, doc, events) => persistVault(room, doc, namespace, events)
	};
}

/** Opens this device's workspace on its IndexedDB storage; `overrides` replace parts (WebSocket, persistence). */
export async function openDeviceWorkspace(
	options: DeviceStorageOptions & Partial<WorkspaceOptions> = {}
): Promise<LocalWorkspaceApi> {
	return openWorkspace({ ...options, ...(await deviceStorage(options)), ...(options.persist ? { persist: options.persist } : {}) });
}
