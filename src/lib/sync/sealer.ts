/**
 * The vault's sealer: seals plaintext Yjs updates into blobs and opens them, bound to the group, its epoch
 * and the document (sealed.ts), with the device's signing key and the group's keys.
 */
import { open as openBlob, seal, type OpenedBlob, type SealContext } from './sealed';
import type { DeviceKeys, GroupKey } from './crypto';

/** Seals and opens one group epoch's blobs; the only place the vault touches keys. */
export class Sealer {
	readonly #groupId: string;
	readonly #epoch: number;
	readonly #currentKey: GroupKey;
	readonly #keys: (keyId: string) => GroupKey | undefined;
	readonly #device: DeviceKeys;

	constructor(options: {
		groupId: string;
		epoch: number;
		currentKey: GroupKey;
		keys: (keyId: string) => GroupKey | undefined;
		device: DeviceKeys;
	}) {
		this.#groupId = options.groupId;
		this.#epoch = options.epoch;
		this.#currentKey = options.currentKey;
		this.#keys = options.keys;
		this.#device = options.device;
	}

	#context(docId: string): SealContext {
		return { groupId: this.#groupId, epoch: this.#epoch, docId };
	}

	/** Seals `plaintext` as a blob of `docId` under the current key. */
	seal(docId: string, plaintext: Uint8Array): Uint8Array {
		return seal(plaintext, this.#context(docId), this.#currentKey, this.#device);
	}

	/** Opens a blob of `docId`; throws SealError when it is tampered, misplaced or under an unknown key. */
	open(docId: string, blob: Uint8Array): OpenedBlob {
		return openBlob(blob, this.#context(docId), this.#keys);
	}
}
