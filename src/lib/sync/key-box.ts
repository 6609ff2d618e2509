/**
 * Key boxes: a group key sealed to one device's X25519 key and signed by the sender's Ed25519 key, so an
 * admin can hand the group key to an approved joiner through the relay without anyone else (the relay
 * included) being able to read it or forge it. Composed from library primitives only (format in FORMAT.md):
 *
 *   shared = X25519(ephemeral secret, recipient box key)                      (@noble/curves x25519)
 *   k      = HKDF-SHA256(ikm = shared, salt = ephemeral pub | recipient pub,
 *                        info = "fieldbook/key-box/v1", 32 bytes)             (@noble/hashes)
 *   box    = XChaCha20-Poly1305(k, nonce, aad = label | groupId | epoch | keyId | header)  (@noble/ciphers)
 *
 *   u8 version (1) | 32 B ephemeral pub | 24 B nonce | 32 B signer pub | 48 B ciphertext (key + tag) | 64 B signature
 *
 * The signature covers the associated data and everything before it, so a box names its signer, and a box
 * moved to another group, epoch or key id no longer opens. A fresh ephemeral key per box gives each box its
 * own encryption key.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, toBase64Url, utf8 } from './bytes';
import { GROUP_KEY_BYTES, randomBytes, sign, verify, type DeviceKeys } from './crypto';

/** The key box format this code writes and reads. */
export const KEY_BOX_VERSION = 1;
/** X25519 public keys, ephemeral or not. */
export const BOX_KEY_BYTES = 32;
const NONCE_BYTES = 24;
const SIGNER_BYTES = 32;
const TAG_BYTES = 16;
const SIGNATURE_BYTES = 64;
const HEADER_BYTES = 1 + BOX_KEY_BYTES + NONCE_BYTES + SIGNER_BYTES;
/** Every key box has exactly this length. */
export const KEY_BOX_BYTES = HEADER_BYTES + GROUP_KEY_BYTES + TAG_BYTES + SIGNATURE_BYTES;
/** The HKDF info string of the box key. */
export const KEY_BOX_LABEL = 'fieldbook/key-box/v1';

/** A device's X25519 key pair for receiving group keys (never derived from its signing key). */
export interface BoxKeys {
	publicKey: Uint8Array;
	secretKey: Uint8Array;
}

/** A new X25519 key pair for this device. */
export function newBoxKeys(): BoxKeys {
	const { secretKey, publicKey } = x25519.keygen();
	return { secretKey, publicKey };
}

/** What a key box is for: it opens only for this group, epoch and key id. */
export interface KeyBoxContext {
	groupId: string;
	epoch: number;
	keyId: string;
}

/** Why a key box did not open. */
export class KeyBoxError extends Error {
	constructor(readonly code: 'length' | 'version' | 'signature' | 'decrypt') {
		super(`key box refused: ${code}`);
		this.name = 'KeyBoxError';
	}
}

function associatedData(context: KeyBoxContext, header: Uint8Array): Uint8Array {
	return concat(utf8(`${KEY_BOX_LABEL}|${context.groupId}|${context.epoch}|${context.keyId}|`), header);
}

function boxKey(shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
	return hkdf(sha256, shared, concat(ephemeral, recipient), utf8(KEY_BOX_LABEL), 32);
}

/**
 * Seals a group key to a recipient's X25519 public key, signed by `signer`. `ephemeralSecret` and `nonce`
 * are for test vectors only; leave them out.
 */
export function sealKeyBox(
	groupKey: Uint8Array,
	recipient: Uint8Array,
	context: KeyBoxContext,
	signer: DeviceKeys,
	ephemeralSecret: Uint8Array = x25519.utils.randomSecretKey(),
	nonce: Uint8Array = randomBytes(NONCE_BYTES)
): Uint8Array {
	if (groupKey.byteLength !== GROUP_KEY_BYTES || recipient.byteLength !== BOX_KEY_BYTES) throw new Error('bad key length');
	const ephemeral = x25519.getPublicKey(ephemeralSecret);
	const header = concat(new Uint8Array([KEY_BOX_VERSION]), ephemeral, nonce, signer.publicKey);
	const aad = associatedData(context, header);
	const key = boxKey(x25519.getSharedSecret(ephemeralSecret, recipient), ephemeral, recipient);
	const body = concat(header, xchacha20poly1305(key, nonce, aad).encrypt(groupKey));
	return concat(body, sign(concat(aad, body), signer.secretKey));
}

/** The signer (Ed25519 public key, base64url) a key box claims, without opening it. */
export function keyBoxSigner(box: Uint8Array): string | undefined {
	if (box.byteLength !== KEY_BOX_BYTES) return undefined;
	return toBase64Url(box.subarray(1 + BOX_KEY_BYTES + NONCE_BYTES, HEADER_BYTES));
}

/** Opens a key box with this device's X25519 keys: the group key and who signed it. Throws KeyBoxError. */
export function openKeyBox(box: Uint8Array, context: KeyBoxContext, recipient: BoxKeys): { key: Uint8Array; signer: string } {
	if (box.byteLength !== KEY_BOX_BYTES) throw new KeyBoxError('length');
	if (box[0] !== KEY_BOX_VERSION) throw new KeyBoxError('version');
	const header = box.subarray(0, HEADER_BYTES);
	const ephemeral = header.subarray(1, 1 + BOX_KEY_BYTES);
	const nonce = header.subarray(1 + BOX_KEY_BYTES, 1 + BOX_KEY_BYTES + NONCE_BYTES);
	const signer = header.subarray(1 + BOX_KEY_BYTES + NONCE_BYTES);
	const body = box.subarray(0, box.byteLength - SIGNATURE_BYTES);
	const aad = associatedData(context, header);
	if (!verify(box.subarray(box.byteLength - SIGNATURE_BYTES), concat(aad, body), signer)) throw new KeyBoxError('signature');
	try {
		const key = boxKey(x25519.getSharedSecret(recipient.secretKey, ephemeral), ephemeral, recipient.publicKey);
		return { key: xchacha20poly1305(key, nonce, aad).decrypt(body.subarray(HEADER_BYTES)), signer: toBase64Url(signer) };
	} catch {
		throw new KeyBoxError('decrypt');
	}
}
