/**
 * Invites: a compact binary payload in base64url with a SHA-256 checksum, so one damaged in a chat app is
 * recognised as damaged instead of failing later. A request link is `https://HOST/join#<payload>` (the
 * fragment never reaches a server); a direct invite, which carries the group key, is shown only as the
 * payload itself, a code to scan or paste in the app, never as a link that a browser's history would keep.
 * Two kinds (format in FORMAT.md "Invites"):
 *
 *   request (default): u8 version (2) | u8 kind (1) | 16 B invite id | 32 B invite secret | u48 expires (ms) |
 *                      varstring relay URL | 4 B SHA-256 prefix of everything before
 *   direct:            u8 version (2) | u8 kind (2) | 16 B group id | varuint epoch | 8 B key id | 32 B key |
 *                      16 B invite id | 32 B one-time invite key (Ed25519 seed) | u48 expires (ms) |
 *                      varstring relay URL | varstring group name | 4 B SHA-256 prefix
 *   version 1 (read only, links from before rosters):
 *                      u8 version (1) | 16 B group id | varuint epoch | 8 B key id | 32 B key |
 *                      varstring relay URL | varstring group name | 4 B SHA-256 prefix
 */
import { sha256 } from '@noble/hashes/sha2.js';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Invite, RequestInvite } from './api';
import { fromBase64Url, toBase64Url } from './bytes';
import { GROUP_ID_BYTES, GROUP_KEY_BYTES, KEY_ID_BYTES } from './crypto';
import { relayRefusal } from './relay-url';

/** The invite format this code writes. */
export const INVITE_VERSION = 2;
/** The kind byte of a version 2 request link. */
export const INVITE_KIND_REQUEST = 1;
/** The kind byte of a version 2 direct invite. */
export const INVITE_KIND_DIRECT = 2;
/** Invite ids are 16 bytes (22 base64url characters). */
export const INVITE_ID_BYTES = 16;
/** Invite secrets and one-time invite keys are 32 bytes. */
export const INVITE_SECRET_BYTES = 32;
/** Expiry times are written in 6 bytes (milliseconds, good for thousands of years). */
const EXPIRES_BYTES = 6;
const CHECKSUM_BYTES = 4;
/** The shortest possible payload: a request link with an empty relay URL. */
const MIN_BYTES = 1 + 1 + INVITE_ID_BYTES + INVITE_SECRET_BYTES + EXPIRES_BYTES + 1 + CHECKSUM_BYTES;
/** The shortest version 1 payload. */
const MIN_V1_BYTES = 1 + GROUP_ID_BYTES + 1 + KEY_ID_BYTES + GROUP_KEY_BYTES + 1 + 1 + CHECKSUM_BYTES;

/** Why an invite could not be read; the join page explains each one. */
export type InviteErrorCode = 'malformed' | 'truncated' | 'checksum' | 'version' | 'foreign' | 'cleartext';

/** An invite link that cannot be used; `relayHost` names the relay when the relay is the problem. */
export class InviteError extends Error {
	constructor(
		readonly code: InviteErrorCode,
		readonly relayHost?: string
	) {
		super(`invite link ${code}`);
		this.name = 'InviteError';
	}
}

function checksum(bytes: Uint8Array): Uint8Array {
	return sha256(bytes).subarray(0, CHECKSUM_BYTES);
}

/** Writes `ms` as 6 bytes, big-endian. */
export function writeExpires(encoder: encoding.Encoder, ms: number): void {
	for (let shift = EXPIRES_BYTES - 1; shift >= 0; shift--) encoding.writeUint8(encoder, Math.floor(ms / 2 ** (8 * shift)) % 256);
}

function readExpires(decoder: decoding.Decoder): number {
	let ms = 0;
	for (let i = 0; i < EXPIRES_BYTES; i++) ms = ms * 256 + decoding.readUint8(decoder);
	return ms;
}

/** 6 bytes, big-endian, of an expiry time (the door room's name carries them). */
export function expiresBytes(ms: number): Uint8Array {
	const encoder = encoding.createEncoder();
	writeExpires(encoder, ms);
	return encoding.toUint8Array(encoder);
}

function finish(encoder: encoding.Encoder): string {
	const body = encoding.toUint8Array(encoder);
	const out = new Uint8Array(body.byteLength + CHECKSUM_BYTES);
	out.set(body);
	out.set(checksum(body), body.byteLength);
	return toBase64Url(out);
}

/** Encodes a direct invite (with `direct`) or a version 1 invite (without) as the link fragment (without `#`). */
export function encodeInvite(invite: Invite): string {
	const encoder = encoding.createEncoder();
	const direct = invite.direct;
	if (direct) {
		encoding.writeUint8(encoder, INVITE_VERSION);
		encoding.writeUint8(encoder, INVITE_KIND_DIRECT);
	} else {
		encoding.writeUint8(encoder, 1);
	}
	encoding.writeUint8Array(encoder, fromBase64Url(invite.groupId));
	encoding.writeVarUint(encoder, invite.epoch);
	encoding.writeUint8Array(encoder, fromBase64Url(invite.keyId));
	encoding.writeUint8Array(encoder, invite.key);
	if (direct) {
		encoding.writeUint8Array(encoder, fromBase64Url(direct.id));
		encoding.writeUint8Array(encoder, direct.secret);
		writeExpires(encoder, direct.expires);
	}
	encoding.writeVarString(encoder, invite.relayUrl);
	encoding.writeVarString(encoder, invite.groupName);
	return finish(encoder);
}

/** Encodes a request link's fragment (without `#`). */
export function encodeRequestInvite(invite: RequestInvite): string {
	const encoder = encoding.createEncoder();
	encoding.writeUint8(encoder, INVITE_VERSION);
	encoding.writeUint8(encoder, INVITE_KIND_REQUEST);
	encoding.writeUint8Array(encoder, fromBase64Url(invite.id));
	encoding.writeUint8Array(encoder, invite.secret);
	writeExpires(encoder, invite.expires);
	encoding.writeVarString(encoder, invite.relayUrl);
	return finish(encoder);
}

function fragmentOf(text: string): string {
	const trimmed = text.trim();
	if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return trimmed.replace(/^#/, '');
	let url: URL;
	try {
		url = new URL(trimmed);
	} catch {
		throw new InviteError('foreign');
	}
	if (!url.pathname.replace(/\/+$/, '').endsWith('/join') || url.hash.length < 2) throw new InviteError('foreign');
	return url.hash.slice(1);
}

/** The relay URL of an invite, checked: a tampered link must not name a relay reached in cleartext. */
function checkedRelay(relayUrl: string): string {
	const relay = new URL(relayUrl);
	if (relay.protocol !== 'http:' && relay.protocol !== 'https:') throw new InviteError('malformed');
	// The checksum is unkeyed, so a tampered invite passes it: the relay itself must be one we may use.
	if (relayRefusal(relayUrl) === 'cleartext') throw new InviteError('cleartext', relay.host);
	return relayUrl;
}

/** Reads any invite (request link, direct invite, version 1) from a fragment or a whole pasted link. Throws InviteError. */
export function decodeAnyInvite(text: string): Invite | RequestInvite {
	const fragment = fragmentOf(text);
	let bytes: Uint8Array;
	try {
		bytes = fromBase64Url(fragment);
	} catch {
		throw new InviteError('malformed');
	}
	if (bytes.byteLength < Math.min(MIN_BYTES, MIN_V1_BYTES)) throw new InviteError('truncated');
	const body = bytes.subarray(0, bytes.byteLength - CHECKSUM_BYTES);
	const sum = bytes.subarray(bytes.byteLength - CHECKSUM_BYTES);
	if (!checksum(body).every((byte, index) => byte === sum[index])) {
		// A newer format may checksum differently; say "update" rather than "damaged" when the version differs.
		throw new InviteError(bytes[0]! > INVITE_VERSION ? 'version' : 'checksum');
	}
	const version = body[0];
	if (version !== 1 && version !== INVITE_VERSION) throw new InviteError('version');
	try {
		const decoder = decoding.createDecoder(body);
		decoding.readUint8(decoder);
		const kind = version === 1 ? INVITE_KIND_DIRECT : decoding.readUint8(decoder);
		if (kind === INVITE_KIND_REQUEST) {
			const id = toBase64Url(decoding.readUint8Array(decoder, INVITE_ID_BYTES));
			const secret = decoding.readUint8Array(decoder, INVITE_SECRET_BYTES).slice();
			const expires = readExpires(decoder);
			const relayUrl = checkedRelay(decoding.readVarString(decoder));
			if (decoding.hasContent(decoder)) throw new InviteError('malformed');
			return { kind: 'request', version: INVITE_VERSION, id, secret, expires, relayUrl };
		}
		if (kind !== INVITE_KIND_DIRECT) throw new InviteError('version');
		const groupId = toBase64Url(decoding.readUint8Array(decoder, GROUP_ID_BYTES));
		const epoch = decoding.readVarUint(decoder);
		const keyId = toBase64Url(decoding.readUint8Array(decoder, KEY_ID_BYTES));
		const key = decoding.readUint8Array(decoder, GROUP_KEY_BYTES).slice();
		let direct: Invite['direct'];
		if (version === INVITE_VERSION) {
			const id = toBase64Url(decoding.readUint8Array(decoder, INVITE_ID_BYTES));
			const secret = decoding.readUint8Array(decoder, INVITE_SECRET_BYTES).slice();
			direct = { id, secret, expires: readExpires(decoder) };
		}
		const relayUrl = checkedRelay(decoding.readVarString(decoder));
		const groupName = decoding.readVarString(decoder);
		if (decoding.hasContent(decoder)) throw new InviteError('malformed');
		return direct
			? { version: INVITE_VERSION, groupId, epoch, keyId, key, relayUrl, groupName, direct }
			: { version: 1, groupId, epoch, keyId, key, relayUrl, groupName };
	} catch (error) {
		if (error instanceof InviteError) throw error;
		throw new InviteError('malformed');
	}
}

/** Whether a decoded invite is a request link (no group key). */
export function isRequestInvite(invite: Invite | RequestInvite): invite is RequestInvite {
	return (invite as RequestInvite).kind === 'request';
}

/** Reads an invite that carries the group key (direct or version 1). Throws InviteError, also for a request link. */
export function decodeInvite(text: string): Invite {
	const invite = decodeAnyInvite(text);
	if (isRequestInvite(invite)) throw new InviteError('malformed');
	return invite;
}
