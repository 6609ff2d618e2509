/**
 * Byte helpers shared by the sync core and the commons pages: base64url and UTF-8 (no crypto here; see
 * crypto.ts). The platform's btoa/atob, not lib0's wrappers of them, so a commons page loads no lib0.
 */

/** Characters per String.fromCharCode call: well under every engine's argument limit. */
const CHARS_PER_CALL = 0x2000;

/** Encodes bytes as unpadded base64url. */
export function toBase64Url(bytes: Uint8Array): string {
	let binary = '';
	for (let start = 0; start < bytes.byteLength; start += CHARS_PER_CALL) {
		binary += String.fromCharCode(...bytes.subarray(start, start + CHARS_PER_CALL));
	}
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes unpadded (or padded) base64url; throws on characters outside the alphabet or a cut length. */
export function fromBase64Url(text: string): Uint8Array {
	if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new Error('not base64url');
	let binary: string;
	try {
		binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
	} catch {
		throw new Error('not base64url');
	}
	const bytes = new Uint8Array(binary.length);
	for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
	return bytes;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
	return encoder.encode(text);
}

/** The string of UTF-8 bytes; throws on invalid UTF-8. */
export function fromUtf8(bytes: Uint8Array): string {
	return decoder.decode(bytes);
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
	let offset = 0;
	for (const part of parts) {
		out.set(part, offset);
		offset += part.byteLength;
	}
	return out;
}
