/** Byte helpers shared by the sync core: base64url and UTF-8 (no crypto here; see crypto.ts). */
import { fromBase64UrlEncoded, toBase64UrlEncoded } from 'lib0/buffer';

/** Encodes bytes as unpadded base64url. */
export function toBase64Url(bytes: Uint8Array): string {
	return toBase64UrlEncoded(bytes).replace(/=+$/, '');
}

/** Decodes unpadded (or padded) base64url; throws on characters outside the alphabet. */
export function fromBase64Url(text: string): Uint8Array {
	if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new Error('not base64url');
	return fromBase64UrlEncoded(text);
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
