/**
 * Key material of groups and devices, on audited libraries only (@noble/*, WebCrypto): random group keys, the
 * ids and relay credentials derived from them with HKDF-SHA256 under distinct labels, and Ed25519 device keys
 * and signatures.
 */
import { randomBytes } from '@noble/ciphers/utils.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toBase64Url, utf8 } from './bytes';
import { KEY_ID_BYTES } from './sealed-format';

/** Group keys are 256-bit XChaCha20-Poly1305 keys. */
export const GROUP_KEY_BYTES = 32;
/** Group ids are 128 random bits, 22 base64url characters. */
export const GROUP_ID_BYTES = 16;
/** Key ids are 64 bits derived from the key (defined with the sealed format, whose header carries them). */
export { KEY_ID_BYTES };

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

/**
 * Signs with a device's secret key, synchronously (@noble/curves). For paths that cannot wait: the page is
 * going away, or a caller that must answer now. Everything else uses `signatures()`, several times faster.
 */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
	return ed25519.sign(message, secretKey);
}

/**
 * Verifies a device signature synchronously; false (never a throw) for anything malformed. Strict RFC 8032
 * rules (not ZIP-215), the rules WebCrypto applies, so both implementations accept exactly the same blobs
 * and no two members disagree about one.
 */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
	try {
		return ed25519.verify(signature, message, publicKey, { zip215: false });
	} catch {
		return false;
	}
}

/**
 * Ed25519 signatures of device keys, as the sync core uses them off the unload path. Ed25519 signatures are
 * deterministic, so every implementation makes the same bytes and verifies the others'.
 */
export interface Signatures {
	/** Which implementation this is, for benchmarks and diagnostics. */
	readonly name: 'webcrypto' | 'noble';
	sign(message: Uint8Array, keys: DeviceKeys): Promise<Uint8Array>;
	/** False (never a rejection) for anything malformed. */
	verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
}

/** @noble/curves behind the async interface: the fallback where the platform has no Ed25519. */
export const nobleSignatures: Signatures = {
	name: 'noble',
	sign: async (message, keys) => sign(message, keys.secretKey),
	verify: async (signature, message, publicKey) => verify(signature, message, publicKey)
};

/** Imported public keys kept per WebCrypto instance; a group has few members, this bounds a hostile many. */
const MAX_CACHED_PUBLIC_KEYS = 1024;

/**
 * Native Ed25519 through WebCrypto (Chromium, Firefox, Safari, Node 20), about six times faster than noble.
 * Keys are imported once: private keys per device key object, public keys per author.
 */
export function webCryptoSignatures(subtle: SubtleCrypto): Signatures {
	const privateKeys = new WeakMap<Uint8Array, Promise<CryptoKey>>();
	const publicKeys = new Map<string, Promise<CryptoKey>>();
	const privateKey = (keys: DeviceKeys): Promise<CryptoKey> => {
		let imported = privateKeys.get(keys.secretKey);
		if (!imported) {
			// WebCrypto imports Ed25519 private keys as JWK or PKCS#8 only, never raw.
			const jwk: JsonWebKey = { kty: 'OKP', crv: 'Ed25519', d: toBase64Url(keys.secretKey), x: toBase64Url(keys.publicKey) };
			imported = subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['sign']);
			privateKeys.set(keys.secretKey, imported);
		}
		return imported;
	};
	const publicKey = (raw: Uint8Array): Promise<CryptoKey> => {
		const id = toBase64Url(raw);
		let imported = publicKeys.get(id);
		if (!imported) {
			if (publicKeys.size >= MAX_CACHED_PUBLIC_KEYS) publicKeys.clear();
			imported = subtle.importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify']);
			// A key that does not import is not remembered: the next blob names it again and is refused again.
			imported.catch(() => publicKeys.delete(id));
			publicKeys.set(id, imported);
		}
		return imported;
	};
	return {
		name: 'webcrypto',
		async sign(message, keys) {
			return new Uint8Array(await subtle.sign({ name: 'Ed25519' }, await privateKey(keys), message as Uint8Array<ArrayBuffer>));
		},
		async verify(signature, message, raw) {
			if (signature.byteLength !== 64 || raw.byteLength !== 32) return false;
			try {
				return await subtle.verify({ name: 'Ed25519' }, await publicKey(raw), signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
			} catch {
				return false;
			}
		}
	};
}

/**
 * RFC 8032 test 1: the platform's Ed25519 must make exactly noble's signature and accept it, or it is not
 * used (an old browser without Ed25519, or one that disagrees, falls back to noble).
 */
const PROBE_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';

let chosen: Promise<Signatures> | undefined;

/** Checks that a WebCrypto implementation signs and verifies exactly like noble. */
export async function agreesWithNoble(candidate: Signatures): Promise<boolean> {
	try {
		const secretKey = Uint8Array.from(PROBE_SEED.match(/../g)!, (hex) => parseInt(hex, 16));
		const keys = { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
		const message = utf8('fieldbook/ed25519-probe');
		const expected = sign(message, secretKey);
		const made = await candidate.sign(message, keys);
		const tampered = expected.slice();
		tampered[0]! ^= 1;
		return (
			made.byteLength === expected.byteLength &&
			made.every((byte, index) => byte === expected[index]) &&
			(await candidate.verify(expected, message, keys.publicKey)) &&
			!(await candidate.verify(tampered, message, keys.publicKey))
		);
	} catch {
		return false;
	}
}

/** The platform's best Ed25519: WebCrypto when present and in agreement with noble, else noble. Probed once. */
export function signatures(): Promise<Signatures> {
	chosen ??= (async () => {
		const subtle = globalThis.crypto?.subtle;
		if (!subtle) return nobleSignatures;
		const native = webCryptoSignatures(subtle);
		return (await agreesWithNoble(native)) ? native : nobleSignatures;
	})();
	return chosen;
}

/** Random bytes from the platform's CSPRNG. */
export { randomBytes };
