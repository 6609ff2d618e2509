/**
 * The layout of a sealed blob (FORMAT.md) and its decryption, without Ed25519: what a screen needs that
 * only reads blobs already authenticated another way (the catalogue's group names, sealed at rest under the
 * device master key). Everything that opens group content goes through sealed.ts, which verifies first.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { concat, toBase64Url, utf8 } from './bytes';
import type { GroupKey } from './crypto';

/**
 * The format version this code writes. Version 2 has version 1's layout; a document blob's plaintext is a Yjs
 * update in the v2 encoding (version 1: the v1 encoding). Both versions open.
 */
export const SEALED_VERSION = 2;
/** Versions this code opens. */
export const SEALED_VERSIONS: readonly number[] = [1, 2];
/** A version this code reads. */
export type SealedVersion = 1 | 2;
/** Key ids are 64 bits derived from the key: enough to pick the key, useless to find it. */
export const KEY_ID_BYTES = 8;
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

/** What an opened blob holds. */
export interface OpenedBlob {
	plaintext: Uint8Array;
	/** The author's device public key, base64url. */
	author: string;
	keyId: string;
	/** The blob's format version: a document blob of version 1 holds a v1 Yjs update, of version 2 a v2 one. */
	version: SealedVersion;
}

/** The associated data: a label, the context, and the header, so changing any of them breaks the tag. */
export function associatedData(context: SealContext, header: Uint8Array): Uint8Array {
	return concat(utf8(`fieldbook/sealed/v1|${context.groupId}|${context.epoch}|${context.docId}|`), header);
}

/** Reads the key id of a blob without opening it. */
export function keyIdOfBlob(blob: Uint8Array): string | undefined {
	return blob.byteLength >= HEADER_BYTES ? toBase64Url(blob.subarray(1, 1 + KEY_ID_BYTES)) : undefined;
}

/** Reads the author key a blob's header names, without opening it (unverified: only opening proves it). */
export function claimedAuthorOfBlob(blob: Uint8Array): string | undefined {
	return blob.byteLength >= HEADER_BYTES ? toBase64Url(blob.subarray(HEADER_BYTES - PUBLIC_KEY_BYTES, HEADER_BYTES)) : undefined;
}

/** A blob split into the parts opening checks. */
export interface SealedParts {
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
export function parseSealed(blob: Uint8Array, context: SealContext, keys: (keyId: string) => GroupKey | undefined): SealedParts {
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

/** Decrypts a blob whose signature was accepted (or need not be, see `decryptAuthenticated`). */
export function decryptParts(parts: SealedParts): OpenedBlob {
	let plaintext: Uint8Array;
	try {
		plaintext = xchacha20poly1305(parts.key.key, parts.nonce, parts.aad).decrypt(parts.body.subarray(HEADER_BYTES));
	} catch {
		throw new SealError('decrypt');
	}
	return { plaintext, author: toBase64Url(parts.author), keyId: parts.keyId, version: parts.version };
}

/**
 * Decrypts a blob without checking its signature: only for a blob that was authenticated before it got here
 * and could not have been swapped since — a catalogue row this device wrote, which the at-rest seal under the
 * master key protects (storage/at-rest.ts). Saves loading Ed25519 before a returning member's group list.
 */
export function decryptAuthenticated(blob: Uint8Array, context: SealContext, keys: (keyId: string) => GroupKey | undefined): OpenedBlob {
	return decryptParts(parseSealed(blob, context, keys));
}
