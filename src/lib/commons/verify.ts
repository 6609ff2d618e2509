/**
 * Checking what the relay serves. A relay, or anything on the path, can rewrite an entry; only the publisher's
 * Ed25519 signature over the payload string (`signed`) says what the publisher wrote. An entry counts as
 * published by its key only when that signature holds and every field shown is the signed one. The
 * fingerprint makes a key recognisable to people, so a group can say out of band what its entries show.
 * Framework-free.
 */
import { concat, fromBase64Url, utf8 } from '../sync/bytes';
import type { Entry } from './types';

/** Domain separation: a commons signature can never be taken for any other signature of the same key. */
export const SIGNING_CONTEXT = 'fieldbook-commons/v1\n';

/** The bytes a signature covers. */
export function signedMessage(payload: string): Uint8Array {
	return concat(utf8(SIGNING_CONTEXT), utf8(payload));
}

/** An Ed25519 check; false (never a rejection) for anything malformed. */
type Verify = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => Promise<boolean>;

/** RFC 8032 section 7.1, test 1 (empty message): the platform's Ed25519 must accept it and refuse it altered. */
const PROBE = {
	publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
	signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'
};

function fromHex(hex: string): Uint8Array {
	return Uint8Array.from(hex.match(/../g)!, (pair) => parseInt(pair, 16));
}

/** Native Ed25519 verification (Chromium, Firefox, Safari, Node 20). */
export function webCryptoVerify(subtle: SubtleCrypto): Verify {
	return async (signature, message, publicKey) => {
		if (signature.byteLength !== 64 || publicKey.byteLength !== 32) return false;
		try {
			const key = await subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify']);
			return await subtle.verify({ name: 'Ed25519' }, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
		} catch {
			return false;
		}
	};
}

/** @noble/curves, loaded only where the platform has no Ed25519 (or no WebCrypto: a page on plain http). */
export async function nobleVerify(): Promise<Verify> {
	const { ed25519 } = await import('@noble/curves/ed25519.js');
	return async (signature, message, publicKey) => {
		try {
			// Strict RFC 8032 checks, like WebCrypto, so an entry reads the same on every platform.
			return ed25519.verify(signature, message, publicKey, { zip215: false });
		} catch {
			return false;
		}
	};
}

/** Whether `verify` accepts the RFC 8032 vector and refuses it with one bit changed. */
export async function passesProbe(verify: Verify): Promise<boolean> {
	const signature = fromHex(PROBE.signature);
	const publicKey = fromHex(PROBE.publicKey);
	const tampered = signature.slice();
	tampered[0]! ^= 1;
	const empty = new Uint8Array(0);
	return (await verify(signature, empty, publicKey)) && !(await verify(tampered, empty, publicKey));
}

let chosen: Promise<Verify> | undefined;

/**
 * The platform's Ed25519 when it has one that passes the probe, else noble. A commons page then loads no
 * curve code at all for someone new (the sync engine's own choice, in sync/crypto.ts, also signs; this
 * only verifies, so it needs neither noble nor the engine). Probed once.
 */
function verifier(): Promise<Verify> {
	chosen ??= (async () => {
		const subtle = globalThis.crypto?.subtle;
		if (subtle) {
			const native = webCryptoVerify(subtle);
			if (await passesProbe(native)) return native;
		}
		return nobleVerify();
	})();
	return chosen;
}

/** Checks a served entry's signature: `signed` is the payload string as published. */
export async function verifySignature(signed: string, signature: string, publicKey: string): Promise<boolean> {
	let signatureBytes: Uint8Array;
	let keyBytes: Uint8Array;
	try {
		signatureBytes = fromBase64Url(signature);
		keyBytes = fromBase64Url(publicKey);
	} catch {
		return false;
	}
	return (await verifier())(signatureBytes, signedMessage(signed), keyBytes);
}

/** Fields the relay adds beside the signed payload; every other field must be the signed one. */
const SERVED_FIELDS: ReadonlySet<string> = new Set(['publicKey', 'signature', 'signed', 'publishedAt', 'updatedAt']);

/** True when `entry` is exactly what its publisher key signed: valid signature, no field changed or added. */
export async function isVerifiedEntry(entry: Entry): Promise<boolean> {
	let payload: Record<string, unknown>;
	try {
		payload = JSON.parse(entry.signed) as Record<string, unknown>;
	} catch {
		return false;
	}
	if (typeof payload !== 'object' || payload === null) return false;
	const served = entry as unknown as Record<string, unknown>;
	const keys = new Set([...Object.keys(served), ...Object.keys(payload)]);
	for (const key of keys) {
		if (SERVED_FIELDS.has(key) || key === 'action') continue;
		if (JSON.stringify(served[key]) !== JSON.stringify(payload[key])) return false;
	}
	return verifySignature(entry.signed, entry.signature, entry.publicKey);
}

/**
 * Sixty-four pictures that read apart at a glance and in a screen reader; eight of them (48 bits) name a key,
 * too many to find a look-alike key by trying.
 */
export const FINGERPRINT_EMOJI = [
	'🐶', '🐱', '🐭', '🐹', '🐰', '🦊', '🐻', '🐼', '🐨', '🐯', '🦁', '🐮', '🐷', '🐸', '🐵', '🐔',
	'🐧', '🐦', '🦆', '🦉', '🐴', '🦄', '🐝', '🐛', '🦋', '🐌', '🐞', '🐢', '🐍', '🐙', '🦀', '🐬',
	'🐳', '🦈', '🌵', '🌲', '🌴', '🍀', '🍁', '🍄', '🌻', '🌙', '⭐', '🌈', '🔥', '💧', '🍎', '🍋',
	'🍌', '🍉', '🍇', '🍓', '🥕', '🌽', '🧀', '🍞', '🎈', '🎁', '🔑', '🔔', '🎸', '🚲', '⛵', '🚀'
] as const;

/** Symbols in a fingerprint. */
export const FINGERPRINT_LENGTH = 8;
/** Domain separation: the fingerprint hash is of nothing but a commons publisher key. */
const FINGERPRINT_CONTEXT = 'fieldbook-commons-fingerprint/v1\n';

/** SHA-256 from WebCrypto, or from @noble/hashes (loaded only then) where a page has no WebCrypto. */
async function sha256(data: Uint8Array): Promise<Uint8Array> {
	const subtle = globalThis.crypto?.subtle;
	if (subtle) return new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
	return (await import('@noble/hashes/sha2.js')).sha256(data);
}

/** The publisher key's fingerprint: eight pictures from a SHA-256 of the key, six bits each. */
export async function publisherFingerprint(publicKey: string): Promise<string> {
	const digest = await sha256(concat(utf8(FINGERPRINT_CONTEXT), fromBase64Url(publicKey)));
	const symbols: string[] = [];
	for (let index = 0; index < FINGERPRINT_LENGTH; index++) symbols.push(FINGERPRINT_EMOJI[digest[index]! & 0x3f]!);
	return symbols.join(' ');
}
