/**
 * Checking what the relay serves. A relay, or anything on the path, can rewrite an entry; only the publisher's
 * Ed25519 signature over the payload string (`signed`) says what the publisher wrote. An entry counts as
 * published by its key only when that signature holds and every field shown is the signed one. The
 * fingerprint makes a key recognisable to people, so a group can say out of band what its entries show.
 * Framework-free.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, fromBase64Url, utf8 } from '../sync/bytes';
import { verifySigned } from './sign';
import type { Entry } from './types';

/** Fields the relay adds beside the signed payload; every other field must be the signed one. */
const SERVED_FIELDS: ReadonlySet<string> = new Set(['publicKey', 'signature', 'signed', 'publishedAt', 'updatedAt']);

/** True when `entry` is exactly what its publisher key signed: valid signature, no field changed or added. */
export function isVerifiedEntry(entry: Entry): boolean {
	if (!verifySigned(entry.signed, entry.signature, entry.publicKey)) return false;
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
	return true;
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

/** The publisher key's fingerprint: eight pictures from a SHA-256 of the key, six bits each. */
export function publisherFingerprint(publicKey: string): string {
	const digest = sha256(concat(utf8(FINGERPRINT_CONTEXT), fromBase64Url(publicKey)));
	const symbols: string[] = [];
	for (let index = 0; index < FINGERPRINT_LENGTH; index++) symbols.push(FINGERPRINT_EMOJI[digest[index]! & 0x3f]!);
	return symbols.join(' ');
}
