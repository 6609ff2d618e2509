/** Argon2id with hash-wasm: the one derivation the app lock uses (run in a Web Worker in the browser). */
import { argon2id } from 'hash-wasm';
import type { ArgonParams, DeriveKey } from './lock';

/** Argon2id here, on this thread: in the lock's worker and in Node tests. */
export const deriveArgon2id: DeriveKey = async (passphrase: string, salt: Uint8Array, params: ArgonParams) => {
	const output = await argon2id({
		password: passphrase.normalize('NFC'),
		salt,
		parallelism: params.parallelism,
		iterations: params.iterations,
		memorySize: params.memoryKiB,
		hashLength: 32,
		outputType: 'binary'
	});
	return new Uint8Array(output);
};
