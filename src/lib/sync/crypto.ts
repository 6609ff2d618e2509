/**
 * Key material of groups and devices, on audited libraries only (@noble/*): random group keys, the ids and
 * relay credentials derived from them with HKDF-SHA256 under distinct labels, and Ed25519 device keys.
 */
import { randomBytes } from '@noble/ciphers/utils.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64Url, utf8 } from './bytes';

/** Group keys are 256-bit XChaCha20-Poly1305 keys. */
export const GROUP_KEY_BYTES = 32;
/** Group ids are 128 random bits, 22 base64url characters. */
export const GROUP_ID_BYTES = 16;
/** Key ids are 64 bits derived from the key: enough to pick the key, useless to find it. */
export const KEY_ID_BYTES = 8;

/** HKDF labels: each derived value has its own, so none reveals another (or the key). */
export const LABELS = {
	keyId: 'fieldbook/key-id/v1',
	room: 'fieldbook/relay-room/v1',
	token: 'fieldbook/relay-token/v1',
	commonsPublisher: 'fieldbook/commons-publisher/v1'
} as const;

/** A group key of one epoch. */
export interface GroupKey {
	keyId: string;
	key: Uint8Array;
}

function derive(key: Uint8Array, salt: string, label: string, length: number): Uint8Array {
	return hkdf(sha256, key, utf8(salt), utf8(label), length);
}

/** A new random group id. */
export function newGroupId(): string {
	return toBase64Url(randomBytes(GROUP_ID_BYTES));
}

/** A new random inner document id (22 base64url characters). */
export function newDocId(): string {
	return toBase64Url(randomBytes(16));
}

/** The key id of a group key (the same on every device). */
export function keyIdOf(key: Uint8Array, groupId: string, epoch: number): string {
	return toBase64Url(derive(key, `${groupId}|${epoch}`, LABELS.keyId, KEY_ID_BYTES));
}

/** A new random group key for an epoch. */
export function newGroupKey(groupId: string, epoch: number): GroupKey {
	const key = randomBytes(GROUP_KEY_BYTES);
	return { key, keyId: keyIdOf(key, groupId, epoch) };
}

/**
 * The relay room and its token for a group epoch. The relay sees only these: it cannot tell which group a
 * room is, and the token proves nothing about the key beyond holding it.
 */
export function relayCredentials(key: Uint8Array, groupId: string, epoch: number): { room: string; token: string } {
	const salt = `${groupId}|${epoch}`;
	return {
		room: toBase64Url(derive(key, salt, LABELS.room, 24)),
		token: toBase64Url(derive(key, salt, LABELS.token, 32))
	};
}

/** The Ed25519 seed of the group's commons publisher key (shared by every member, so any of them can update). */
export function commonsPublisherSeed(key: Uint8Array, groupId: string): Uint8Array {
	return derive(key, groupId, LABELS.commonsPublisher, 32);
}

/** A device's signing key pair. */
export interface DeviceKeys {
	publicKey: Uint8Array;
	secretKey: Uint8Array;
}

/** A new Ed25519 key pair for this device. */
export function newDeviceKeys(): DeviceKeys {
	const { secretKey, publicKey } = ed25519.keygen();
	return { secretKey, publicKey };
}

/** Signs with a device's secret key. */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
	return ed25519.sign(message, secretKey);
}

/** Verifies a device signature; false (never a throw) for anything malformed. */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
	try {
		return ed25519.verify(signature, message, publicKey);
	} catch {
		return false;
	}
}

/** Random bytes from the platform's CSPRNG. */
export { randomBytes };
