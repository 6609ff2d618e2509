/**
 * Sealed blobs: how every change of group content travels and rests (format in FORMAT.md).
 * XChaCha20-Poly1305 under the group key with a random 24-byte nonce; the group id, epoch and document id
 * are bound as associated data, so a blob cannot be replayed into another document; the author's device
 * signs the whole blob with Ed25519.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { concat, fromBase64Url, toBase64Url, utf8 } from './bytes';
import { randomBytes, sign, verify, type DeviceKeys, type GroupKey, KEY_ID_BYTES } from './crypto';

/** The format version this code writes. */
export const SEALED_VERSION = 1;
export const NONCE_BYTES = 24;
export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;
/** Poly1305 tag length inside the ciphertext. */
export const TAG_BYTES = 16;
/** Version, key id, nonce, author key. */
export const HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES + PUBLIC_KEY_BYTES;

/** Why a blob was refused. Nothing of a refused blob is ever applied. */
export type SealErrorCode = 'truncated' | 'version' | 'unknownKey' | 'signature' | 'decrypt';

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

/** Seals plaintext for a document. `nonce` is for test vectors only; leave it out. */
export function seal(
	plaintext: Uint8Array,
	context: SealContext,
	key: GroupKey,
	author: DeviceKeys,
	nonce: Uint8Array = randomBytes(NONCE_BYTES)
): Uint8Array {
	const header = concat(new Uint8Array([SEALED_VERSION]), fromBase64Url(key.keyId), nonce, author.publicKey);
	if (header.byteLength !== HEADER_BYTES) throw new Error('bad key id, nonce or public key length');
	const aad = associatedData(context, header);
	const ciphertext = xchacha20poly1305(key.key, nonce, aad).encrypt(plaintext);
	const body = concat(header, ciphertext);
	return concat(body, sign(concat(aad, body), author.secretKey));
}

/** What an opened blob holds. */
export interface OpenedBlob {
	plaintext: Uint8Array;
	/** The author's device public key, base64url. */
	author: string;
	keyId: string;
}

/** Reads the key id of a blob without opening it. */
export function keyIdOfBlob(blob: Uint8Array): string | undefined {
	return blob.byteLength >= HEADER_BYTES ? toBase64Url(blob.subarray(1, 1 + KEY_ID_BYTES)) : undefined;
}

/**
 * Opens a sealed blob: checks version, finds the key by id, verifies the signature, then decrypts.
 * Throws SealError naming the first check that failed.
 */
export function open(blob: Uint8Array, context: SealContext, keys: (keyId: string) => GroupKey | undefined): OpenedBlob {
	if (blob.byteLength < HEADER_BYTES + TAG_BYTES + SIGNATURE_BYTES) throw new SealError('truncated');
	if (blob[0] !== SEALED_VERSION) throw new SealError('version');
	const keyId = toBase64Url(blob.subarray(1, 1 + KEY_ID_BYTES));
	const key = keys(keyId);
	if (!key) throw new SealError('unknownKey');
	const header = blob.subarray(0, HEADER_BYTES);
	const nonce = header.subarray(1 + KEY_ID_BYTES, 1 + KEY_ID_BYTES + NONCE_BYTES);
	const author = header.subarray(HEADER_BYTES - PUBLIC_KEY_BYTES);
	const body = blob.subarray(0, blob.byteLength - SIGNATURE_BYTES);
	const signature = blob.subarray(blob.byteLength - SIGNATURE_BYTES);
	const aad = associatedData(context, header);
	if (!verify(signature, concat(aad, body), author)) throw new SealError('signature');
	let plaintext: Uint8Array;
	try {
		plaintext = xchacha20poly1305(key.key, nonce, aad).decrypt(body.subarray(HEADER_BYTES));
	} catch {
		throw new SealError('decrypt');
	}
	return { plaintext, author: toBase64Url(author), keyId };
}
