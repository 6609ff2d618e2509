/**
 * Sealed blobs: how every change of group content travels and rests (format in FORMAT.md).
 * XChaCha20-Poly1305 under the group key with a random 24-byte nonce; the group id, epoch and document id
 * are bound as associated data, so a blob cannot be replayed into another document; the author's device
 * signs the whole blob with Ed25519.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, fromBase64Url, toBase64Url, utf8 } from './bytes';
import { randomBytes, sign, signatures, verify, type DeviceKeys, type GroupKey, type Signatures, KEY_ID_BYTES } from './crypto';

/**
 * The format version this code writes. Version 2 has version 1's layout; a document blob's plaintext is a Yjs
 * update in the v2 encoding (version 1: the v1 encoding). Both versions open.
 */
export const SEALED_VERSION = 2;
/** Versions this code opens. */
export const SEALED_VERSIONS: readonly number[] = [1, 2];
/** A version this code reads. */
export type SealedVersion = 1 | 2;
export const NONCE_BYTES = 24;
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
/** Poly1305 tag length inside the ciphertext. */
export const TAG_BYTES = 16;
/** Version, key id, nonce, author key. */
export const HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES + PUBLIC_KEY_BYTES;

/**
 * Why a blob was refused. Nothing of a refused blob is ever applied. `author`: it opened, but its author is
 * not a member of the group's roster (the vault holds it back and tries again when the roster changes).
 */
export type SealErrorCode = 'truncated' | 'version' | 'unknownKey' | 'signature' | 'decrypt' | 'author';

/** A blob that could not be opened. */
export class SealError extends Error {
	constructor(readonly code: SealErrorCode) {
		super(`sealed blob refused: ${code}`);
		this.name = 'SealError';
	}
}

/** Where a blob belongs: it opens only in this group, epoch and document. */
export interface SealContext {
	groupId: string;
	epoch: number;
	docId: string;
}

/** The associated data: a label, the context, and the header, so changing any of them breaks the tag. */
function associatedData(context: SealContext, header: Uint8Array): Uint8Array {
	return concat(utf8(`fieldbook/sealed/v1|${context.groupId}|${context.epoch}|${context.docId}|`), header);
}

/** The encrypted part of a blob (header and ciphertext) and what its signature covers. */
function encrypt(
	plaintext: Uint8Array,
	context: SealContext,
	key: GroupKey,
	author: DeviceKeys,
	nonce: Uint8Array,
	version: SealedVersion
): { body: Uint8Array; signed: Uint8Array } {
	const header = concat(new Uint8Array([version]), fromBase64Url(key.keyId), nonce, author.publicKey);
	if (header.byteLength !== HEADER_BYTES) throw new Error('bad key id, nonce or public key length');
	const aad = associatedData(context, header);
	const body = concat(header, xchacha20poly1305(key.key, nonce, aad).encrypt(plaintext));
	return { body, signed: concat(aad, body) };
}

/**
 * Seals plaintext for a document, signing synchronously (noble): for the unload path, where nothing
 * asynchronous finishes. `nonce` and `version` are for test vectors only; leave them out.
 */
export function seal(
	plaintext: Uint8Array,
	context: SealContext,
	key: GroupKey,
	author: DeviceKeys,
	nonce: Uint8Array = randomBytes(NONCE_BYTES),
	version: SealedVersion = SEALED_VERSION
): Uint8Array {
	const { body, signed } = encrypt(plaintext, context, key, author, nonce, version);
	return concat(body, sign(signed, author.secretKey));
}

/** Seals plaintext for a document with the platform's fastest Ed25519; the same format as `seal`. */
export async function sealAsync(
	plaintext: Uint8Array,
	context: SealContext,
	key: GroupKey,
	author: DeviceKeys,
	signer?: Signatures,
	nonce: Uint8Array = randomBytes(NONCE_BYTES)
): Promise<Uint8Array> {
	const { body, signed } = encrypt(plaintext, context, key, author, nonce, SEALED_VERSION);
	return concat(body, await (signer ?? (await signatures())).sign(signed, author));
}

/** What an opened blob holds. */
export interface OpenedBlob {
	plaintext: Uint8Array;
	/** The author's device public key, base64url. */
	author: string;
	keyId: string;
	/** The blob's format version: a document blob of version 1 holds a v1 Yjs update, of version 2 a v2 one. */
	version: SealedVersion;
}

/** Reads the key id of a blob without opening it. */
export function keyIdOfBlob(blob: Uint8Array): string | undefined {
	return blob.byteLength >= HEADER_BYTES ? toBase64Url(blob.subarray(1, 1 + KEY_ID_BYTES)) : undefined;
}

/** A blob split into the parts opening checks. */
interface Parts {
	version: SealedVersion;
	keyId: string;
	key: GroupKey;
	nonce: Uint8Array;
	author: Uint8Array;
	aad: Uint8Array;
	body: Uint8Array;
	signature: Uint8Array;
}

/** Checks length, version and key, in that order, and splits the blob. */
function parse(blob: Uint8Array, context: SealContext, keys: (keyId: string) => GroupKey | undefined): Parts {
	if (blob.byteLength < HEADER_BYTES + TAG_BYTES + SIGNATURE_BYTES) throw new SealError('truncated');
	if (!SEALED_VERSIONS.includes(blob[0]!)) throw new SealError('version');
	const keyId = toBase64Url(blob.subarray(1, 1 + KEY_ID_BYTES));
	const key = keys(keyId);
	if (!key) throw new SealError('unknownKey');
	const header = blob.subarray(0, HEADER_BYTES);
	return {
		version: blob[0] as SealedVersion,
		keyId,
		key,
		nonce: header.subarray(1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + NONCE_BYTES),
		author: header.subarray(HEADER_BYTES - PUBLIC_KEY_BYTES),
		aad: associatedData(context, header),
		body: blob.subarray(0, blob.byteLength - SIGNATURE_BYTES),
		signature: blob.subarray(blob.byteLength - SIGNATURE_BYTES)
	};
}

/** Decrypts a blob whose signature was accepted. */
function decrypt(parts: Parts): OpenedBlob {
	let plaintext: Uint8Array;
	try {
		plaintext = xchacha20poly1305(parts.key.key, parts.nonce, parts.aad).decrypt(parts.body.subarray(HEADER_BYTES));
	} catch {
		throw new SealError('decrypt');
	}
	return { plaintext, author: toBase64Url(parts.author), keyId: parts.keyId, version: parts.version };
}

/**
 * Opens a sealed blob: checks version, finds the key by id, verifies the signature, then decrypts.
 * Throws SealError naming the first check that failed. Synchronous (noble); `openAsync` is faster.
 */
export function open(blob: Uint8Array, context: SealContext, keys: (keyId: string) => GroupKey | undefined): OpenedBlob {
	const parts = parse(blob, context, keys);
	if (!verify(parts.signature, concat(parts.aad, parts.body), parts.author)) throw new SealError('signature');
	return decrypt(parts);
}

/** Blobs at least this long are hashed natively (WebCrypto); below it the async hop costs more than noble's SHA-256. */
const NATIVE_DIGEST_BYTES = 64 * 1024;

async function digest(bytes: Uint8Array): Promise<Uint8Array> {
	const subtle = globalThis.crypto?.subtle;
	if (subtle && bytes.byteLength >= NATIVE_DIGEST_BYTES) return new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
	return sha256(bytes);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a.byteLength === b.byteLength && a.every((byte, index) => byte === b[index]);
}

/** What a signature check concluded about one blob in one place. */
interface Verdict {
	scope: string;
	/** SHA-256 of the whole blob when it was checked: a blob whose bytes changed since is checked again. */
	digest: Uint8Array;
	valid: boolean;
}

/**
 * Signature verdicts for the session, one per outer item: keyed by the Uint8Array the outer Y.Array holds for
 * the item (Yjs keeps that one object for as long as the item lives, and lets go of it when the item is
 * deleted), and bound to the blob's digest and its group, epoch and document. Reopening a document verifies
 * nothing twice; a changed blob, or a blob in another place, is verified afresh. Decryption still runs every
 * time (it is the cheap part, and nothing decrypted is kept).
 */
export class VerdictCache {
	#verdicts = new WeakMap<Uint8Array, Verdict>();

	/** The verdict on this exact blob in this place: remembered, or reached now with `check` and remembered. */
	async verdict(blob: Uint8Array, context: SealContext, check: () => Promise<boolean>): Promise<boolean> {
		const scope = scopeOf(context);
		const hash = await digest(blob);
		const known = this.#verdicts.get(blob);
		if (known && known.scope === scope && sameBytes(known.digest, hash)) return known.valid;
		const valid = await check();
		this.#verdicts.set(blob, { scope, digest: hash, valid });
		return valid;
	}
}

function scopeOf(context: SealContext): string {
	return `${context.groupId}|${context.epoch}|${context.docId}`;
}

/**
 * Opens a sealed blob like `open`, verifying with the platform's fastest Ed25519 and, with `verdicts`, at
 * most once per blob for the session. An unknown key is not a verdict: that blob may open once the key is here.
 */
export async function openAsync(
	blob: Uint8Array,
	context: SealContext,
	keys: (keyId: string) => GroupKey | undefined,
	options: { verdicts?: VerdictCache; signer?: Signatures } = {}
): Promise<OpenedBlob> {
	const parts = parse(blob, context, keys);
	const check = async () => (options.signer ?? (await signatures())).verify(parts.signature, concat(parts.aad, parts.body), parts.author);
	const valid = options.verdicts ? await options.verdicts.verdict(blob, context, check) : await check();
	if (!valid) throw new SealError('signature');
	return decrypt(parts);
}
