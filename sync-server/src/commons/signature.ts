/**
 * Ed25519 signatures of commons payloads (COMMONS.md), verified with @noble/curves. The signed message is
 * the UTF-8 of SIGNING_CONTEXT followed by the payload string exactly as sent.
 */
import { ed25519 } from '@noble/curves/ed25519.js';

/** Domain separation: a commons signature can never be taken for any other signature of the same key. */
export const SIGNING_CONTEXT = 'fieldbook-commons/v1\n';

/** Base64url characters (no padding) of a 32-byte public key and a 64-byte signature. */
const PUBLIC_KEY_CHARS = 43;
const SIGNATURE_CHARS = 86;

/** Decodes canonical unpadded base64url of exactly `chars` characters, or undefined. */
function decode(text: string, chars: number): Uint8Array | undefined {
	if (text.length !== chars || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
	const bytes = Buffer.from(text, 'base64url');
	// Only the canonical spelling is accepted, so one key has one string (ids are bound to that string).
	return bytes.toString('base64url') === text ? new Uint8Array(bytes) : undefined;
}

/** The public key's bytes, or undefined when it is not 32 bytes of canonical base64url. */
export function decodePublicKey(text: string): Uint8Array | undefined {
	return decode(text, PUBLIC_KEY_CHARS);
}

/** The signature's bytes, or undefined when it is not 64 bytes of canonical base64url. */
export function decodeSignature(text: string): Uint8Array | undefined {
	return decode(text, SIGNATURE_CHARS);
}

/** The bytes a commons signature covers. */
export function signedMessage(payload: string): Uint8Array {
	return new TextEncoder().encode(SIGNING_CONTEXT + payload);
}

/** Whether `signature` is `publicKey`'s signature of the payload string (strict RFC 8032, no malleable encodings). */
export function verifyPayload(payload: string, publicKey: Uint8Array, signature: Uint8Array): boolean {
	try {
		return ed25519.verify(signature, signedMessage(payload), publicKey, { zip215: false });
	} catch {
		return false;
	}
}
