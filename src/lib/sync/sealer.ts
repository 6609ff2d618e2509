/**
 * The vault's sealer: seals plaintext Yjs updates into blobs and opens them, bound to the group, its epoch
 * and the document (sealed.ts), with the device's signing key and the group's keys.
 *
 * Everyday sealing and opening sign and verify with the platform's Ed25519 (WebCrypto, several times faster
 * than noble) and remember each blob's verdict for the session, so reopening a document verifies nothing
 * twice. The synchronous forms (noble) are for moments that cannot wait: the page going away.
 */
import { open as openBlob, openAsync, seal, sealAsync, VerdictCache, type OpenedBlob, type SealContext } from './sealed';
import type { DeviceKeys, GroupKey, Signatures } from './crypto';

/** Seals and opens one group epoch's blobs; the only place the vault touches keys. */
export class Sealer {
	readonly #groupId: string;
	readonly #epoch: number;
	readonly #currentKey: GroupKey;
	readonly #keys: (keyId: string) => GroupKey | undefined;
	readonly #device: DeviceKeys;
	readonly #signatures: Signatures | undefined;
	readonly #verdicts = new VerdictCache();

	constructor(options: {
		groupId: string;
		epoch: number;
		currentKey: GroupKey;
		keys: (keyId: string) => GroupKey | undefined;
		device: DeviceKeys;
		/** The Ed25519 implementation; the platform's best (`signatures()`) when left out. */
		signatures?: Signatures;
	}) {
		this.#groupId = options.groupId;
		this.#epoch = options.epoch;
		this.#currentKey = options.currentKey;
		this.#keys = options.keys;
		this.#device = options.device;
		this.#signatures = options.signatures;
	}

	#context(docId: string): SealContext {
		return { groupId: this.#groupId, epoch: this.#epoch, docId };
	}

	/** Seals `plaintext` as a blob of `docId` under the current key, now (noble): for the unload path. */
	sealNow(docId: string, plaintext: Uint8Array): Uint8Array {
		return seal(plaintext, this.#context(docId), this.#currentKey, this.#device);
	}

	/** Seals `plaintext` as a blob of `docId` under the current key. */
	seal(docId: string, plaintext: Uint8Array): Promise<Uint8Array> {
		return sealAsync(plaintext, this.#context(docId), this.#currentKey, this.#device, this.#signatures);
	}

	/**
	 * Opens a blob of `docId`, verifying its signature at most once per session; rejects with SealError when
	 * it is tampered, misplaced or under an unknown key.
	 */
	open(docId: string, blob: Uint8Array): Promise<OpenedBlob> {
		return openAsync(blob, this.#context(docId), this.#keys, { verdicts: this.#verdicts, ...(this.#signatures ? { signer: this.#signatures } : {}) });
	}

	/** Opens a blob of `docId` synchronously (noble), for callers that cannot wait. */
	openNow(docId: string, blob: Uint8Array): OpenedBlob {
		return openBlob(blob, this.#context(docId), this.#keys);
	}
}
