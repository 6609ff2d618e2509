/**
 * The app lock's key wrapping ("root key wrapper"): a passphrase, stretched with Argon2id, wraps the one
 * device master key with XChaCha20-Poly1305; the master key seals every secret at rest (storage/at-rest.ts).
 * There is no plaintext verifier: a passphrase is right when the master key unwraps.
 *
 * Argon2id itself is injected (`DeriveKey`): a Web Worker with hash-wasm in the browser, hash-wasm directly
 * in Node tests. Everything here besides it is pure or synchronous.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, utf8 } from './bytes';

/** The master key is a 256-bit XChaCha20-Poly1305 key. */
export const MASTER_KEY_BYTES = 32;
/** Argon2id salt length. */
export const SALT_BYTES = 16;
const NONCE_BYTES = 24;
/** The wrapped-key format this code writes. */
export const WRAP_VERSION = 1;

/** Never less memory than this (KiB): the floor that keeps GPU guessing expensive. 32 MiB. */
export const MIN_MEMORY_KIB = 32 * 1024;
/** Never more than this (KiB): a cheap phone must not be killed while unlocking. 256 MiB. */
export const MAX_MEMORY_KIB = 256 * 1024;
/** Iterations are kept within these bounds whatever the device measured. */
export const MIN_ITERATIONS = 1;
export const MAX_ITERATIONS = 64;
/** About this long per unlock on the device that set the lock. */
export const TARGET_UNLOCK_MS = 1_000;
/** Wrong passphrases without any wait; after these the wait grows. */
export const FREE_ATTEMPTS = 3;
/** The wait after many wrong passphrases never exceeds this (a person may still be the owner). */
export const MAX_UNLOCK_DELAY_MS = 5 * 60_000;
/** Shortest passphrase; a PIN must be at least this many digits too. */
export const MIN_PASSPHRASE_LENGTH = 6;

/** Argon2id parameters, stored beside the wrapped key so the same derivation runs at unlock. */
export interface ArgonParams {
	memoryKiB: number;
	iterations: number;
	parallelism: number;
}

/** Argon2id over a passphrase and salt, 32 bytes out. */
export type DeriveKey = (passphrase: string, salt: Uint8Array, params: ArgonParams) => Promise<Uint8Array>;

/** The master key wrapped under a passphrase, as it rests in the catalogue. */
export interface WrappedKey {
	version: number;
	params: ArgonParams;
	salt: Uint8Array;
	nonce: Uint8Array;
	ciphertext: Uint8Array;
	/** SHA-256 of everything above: tells a damaged record from a wrong passphrase (it says nothing of either key). */
	checksum: Uint8Array;
}

/** The passphrase does not unwrap the key. Nothing was changed. */
export class WrongPassphraseError extends Error {
	constructor() {
		super('wrong passphrase');
		this.name = 'WrongPassphraseError';
	}
}

/** The stored wrapped key is damaged or of an unknown format: no passphrase can open it. */
export class DamagedKeyError extends Error {
	constructor(reason: string) {
		super(`the wrapped key is damaged: ${reason}`);
		this.name = 'DamagedKeyError';
	}
}

/** A new random master key. */
export function newMasterKey(): Uint8Array {
	return randomBytes(MASTER_KEY_BYTES);
}

function paramsBytes(params: ArgonParams): Uint8Array {
	return utf8(`${params.memoryKiB}|${params.iterations}|${params.parallelism}`);
}

/** Associated data: the format and parameters are bound, so weakening the stored parameters breaks the tag. */
function associatedData(version: number, params: ArgonParams, salt: Uint8Array): Uint8Array {
	return concat(utf8(`fieldbook/master-key/v${version}|`), paramsBytes(params), utf8('|'), salt);
}

function checksumOf(wrapped: Omit<WrappedKey, 'checksum'>): Uint8Array {
	return sha256(concat(new Uint8Array([wrapped.version]), paramsBytes(wrapped.params), wrapped.salt, wrapped.nonce, wrapped.ciphertext));
}

/** Whether parameters are ones this code would ever have written. */
export function validParams(params: ArgonParams): boolean {
	return (
		Number.isInteger(params.memoryKiB) &&
		Number.isInteger(params.iterations) &&
		params.parallelism === 1 &&
		params.memoryKiB >= MIN_MEMORY_KIB &&
		params.memoryKiB <= MAX_MEMORY_KIB &&
		params.iterations >= MIN_ITERATIONS &&
		params.iterations <= MAX_ITERATIONS
	);
}

/** Wraps the master key under a passphrase with the given (calibrated) parameters. */
export async function wrapMasterKey(masterKey: Uint8Array, passphrase: string, params: ArgonParams, derive: DeriveKey): Promise<WrappedKey> {
	if (masterKey.byteLength !== MASTER_KEY_BYTES) throw new Error('A master key is 32 bytes');
	if (!validParams(params)) throw new Error('Argon2id parameters out of bounds');
	const salt = randomBytes(SALT_BYTES);
	const nonce = randomBytes(NONCE_BYTES);
	const wrappingKey = await derive(passphrase, salt, params);
	const ciphertext = xchacha20poly1305(wrappingKey, nonce, associatedData(WRAP_VERSION, params, salt)).encrypt(masterKey);
	wrappingKey.fill(0);
	const wrapped = { version: WRAP_VERSION, params: { ...params }, salt, nonce, ciphertext };
	return { ...wrapped, checksum: checksumOf(wrapped) };
}

/** Checks a stored record's shape and checksum; throws DamagedKeyError when it cannot be a wrapped key. */
export function checkWrappedKey(wrapped: unknown): asserts wrapped is WrappedKey {
	const record = wrapped as Partial<WrappedKey> | undefined;
	if (!record || typeof record !== 'object') throw new DamagedKeyError('missing');
	if (record.version !== WRAP_VERSION) throw new DamagedKeyError(`unknown version ${String(record.version)}`);
	if (!record.params || !validParams(record.params)) throw new DamagedKeyError('parameters out of bounds');
	for (const [name, length] of [
		['salt', SALT_BYTES],
		['nonce', NONCE_BYTES],
		['ciphertext', MASTER_KEY_BYTES + 16],
		['checksum', 32]
	] as const) {
		const value = record[name];
		if (!(value instanceof Uint8Array) || value.byteLength !== length) throw new DamagedKeyError(`${name} malformed`);
	}
	const expected = checksumOf(record as WrappedKey);
	if (!expected.every((byte, index) => byte === record.checksum![index])) throw new DamagedKeyError('checksum mismatch');
}

/**
 * Unwraps the master key. A damaged record throws DamagedKeyError before any derivation; a wrong
 * passphrase throws WrongPassphraseError. Neither changes anything.
 */
export async function unwrapMasterKey(wrapped: unknown, passphrase: string, derive: DeriveKey): Promise<Uint8Array> {
	checkWrappedKey(wrapped);
	const wrappingKey = await derive(passphrase, wrapped.salt, wrapped.params);
	try {
		return xchacha20poly1305(wrappingKey, wrapped.nonce, associatedData(wrapped.version, wrapped.params, wrapped.salt)).decrypt(wrapped.ciphertext);
	} catch {
		throw new WrongPassphraseError();
	} finally {
		wrappingKey.fill(0);
	}
}

/**
 * Argon2id parameters from one measured probe: memory as given (at least the floor), iterations scaled so
 * one derivation takes about `targetMs` on this device, all within bounds. Pure, so its bounds are tested.
 */
export function calibratedParams(probe: { memoryKiB: number; iterations: number; ms: number }, targetMs = TARGET_UNLOCK_MS): ArgonParams {
	const memoryKiB = Math.min(MAX_MEMORY_KIB, Math.max(MIN_MEMORY_KIB, Math.round(probe.memoryKiB)));
	// Time grows about linearly with iterations × memory; a probe at other memory is scaled to ours.
	const msPerIteration = Math.max(probe.ms, 0.001) / Math.max(probe.iterations, 1) * (memoryKiB / Math.max(probe.memoryKiB, 1));
	const iterations = Math.min(MAX_ITERATIONS, Math.max(MIN_ITERATIONS, Math.round(targetMs / msPerIteration)));
	return { memoryKiB, iterations, parallelism: 1 };
}

/** Measures one probe derivation on this device and returns calibrated parameters. */
export async function calibrate(derive: DeriveKey, options: { memoryKiB?: number; targetMs?: number; now?: () => number } = {}): Promise<ArgonParams> {
	const memoryKiB = Math.max(MIN_MEMORY_KIB, options.memoryKiB ?? MIN_MEMORY_KIB * 2);
	const now = options.now ?? (() => performance.now());
	const probe = { memoryKiB, iterations: 1, parallelism: 1 };
	// The first run also compiles the WebAssembly: measure the second.
	await derive('calibration', randomBytes(SALT_BYTES), probe);
	const started = now();
	await derive('calibration', randomBytes(SALT_BYTES), probe);
	return calibratedParams({ memoryKiB, iterations: 1, ms: now() - started }, options.targetMs);
}

/** How long the lock screen waits before taking another passphrase after `failures` wrong ones. */
export function unlockDelayMs(failures: number): number {
	if (failures < FREE_ATTEMPTS) return 0;
	return Math.min(MAX_UNLOCK_DELAY_MS, 1_000 * 2 ** (failures - FREE_ATTEMPTS));
}

/** Whether a passphrase is long enough: at least MIN_PASSPHRASE_LENGTH characters (a PIN: digits). */
export function acceptablePassphrase(passphrase: string): boolean {
	return [...passphrase].length >= MIN_PASSPHRASE_LENGTH;
}
