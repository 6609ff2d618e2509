/** The app lock's Argon2id runs here, off the main thread, so the lock screen keeps answering while it works. */
import { deriveArgon2id } from '$lib/sync/argon2';
import type { ArgonParams } from '$lib/sync/lock';

/** One derivation asked of the worker. */
export interface DeriveRequest {
	id: number;
	passphrase: string;
	salt: Uint8Array;
	params: ArgonParams;
}

self.onmessage = async (event: MessageEvent<DeriveRequest>) => {
	const { id, passphrase, salt, params } = event.data;
	try {
		const key = await deriveArgon2id(passphrase, salt, params);
		self.postMessage({ id, key }, { transfer: [key.buffer] });
	} catch (error) {
		self.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
	}
};
