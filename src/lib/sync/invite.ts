/**
 * Invite links: `https://HOST/join#<payload>`. The payload is compact binary in base64url and carries what a
 * new member needs: group id, epoch, key, relay URL and the group's name, with a SHA-256 checksum so a link
 * damaged in a chat app is recognised as damaged instead of failing later. The fragment never reaches a server.
 *
 *   u8 version (1) | 16 B group id | varuint epoch | 8 B key id | 32 B key |
 *   varstring relay URL | varstring group name | 4 B SHA-256 prefix of everything before
 */
import { sha256 } from '@noble/hashes/sha2.js';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Invite } from './api';
import { fromBase64Url, toBase64Url } from './bytes';
import { GROUP_ID_BYTES, GROUP_KEY_BYTES, KEY_ID_BYTES } from './crypto';
import { relayRefusal } from './relay-url';

/** The invite format this code writes and reads. */
export const INVITE_VERSION = 1;
const CHECKSUM_BYTES = 4;
/** The shortest possible payload: every fixed field, empty strings. */
const MIN_BYTES = 1 + GROUP_ID_BYTES + 1 + KEY_ID_BYTES + GROUP_KEY_BYTES + 1 + 1 + CHECKSUM_BYTES;

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

/** Encodes an invite as the link fragment (without `#`). */
export function encodeInvite(invite: Invite): string {
	const encoder = encoding.createEncoder();
	encoding.writeUint8(encoder, INVITE_VERSION);
	encoding.writeUint8Array(encoder, fromBase64Url(invite.groupId));
	encoding.writeVarUint(encoder, invite.epoch);
	encoding.writeUint8Array(encoder, fromBase64Url(invite.keyId));
	encoding.writeUint8Array(encoder, invite.key);
	encoding.writeVarString(encoder, invite.relayUrl);
	encoding.writeVarString(encoder, invite.groupName);
	const body = encoding.toUint8Array(encoder);
	const out = new Uint8Array(body.byteLength + CHECKSUM_BYTES);
	out.set(body);
	out.set(checksum(body), body.byteLength);
	return toBase64Url(out);
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

/** Reads an invite from a link fragment, or from a whole pasted link. Throws InviteError. */
export function decodeInvite(text: string): Invite {
	const fragment = fragmentOf(text);
	let bytes: Uint8Array;
	try {
		bytes = fromBase64Url(fragment);
	} catch {
		throw new InviteError('malformed');
	}
	if (bytes.byteLength < MIN_BYTES) throw new InviteError('truncated');
	const body = bytes.subarray(0, bytes.byteLength - CHECKSUM_BYTES);
	const sum = bytes.subarray(bytes.byteLength - CHECKSUM_BYTES);
	if (!checksum(body).every((byte, index) => byte === sum[index])) {
		// A newer format may checksum differently; say "update" rather than "damaged" when the version differs.
		throw new InviteError(bytes[0] !== INVITE_VERSION && bytes[0]! > INVITE_VERSION ? 'version' : 'checksum');
	}
	if (body[0] !== INVITE_VERSION) throw new InviteError('version');
	try {
		const decoder = decoding.createDecoder(body);
		decoding.readUint8(decoder);
		const groupId = toBase64Url(decoding.readUint8Array(decoder, GROUP_ID_BYTES));
		const epoch = decoding.readVarUint(decoder);
		const keyId = toBase64Url(decoding.readUint8Array(decoder, KEY_ID_BYTES));
		const key = decoding.readUint8Array(decoder, GROUP_KEY_BYTES).slice();
		const relayUrl = decoding.readVarString(decoder);
		const groupName = decoding.readVarString(decoder);
		if (decoding.hasContent(decoder)) throw new InviteError('malformed');
		const relay = new URL(relayUrl);
		if (relay.protocol !== 'http:' && relay.protocol !== 'https:') throw new InviteError('malformed');
		// The checksum is unkeyed, so a tampered invite passes it: the relay itself must be one we may use.
		if (relayRefusal(relayUrl) === 'cleartext') throw new InviteError('cleartext', relay.host);
		return { version: INVITE_VERSION, groupId, epoch, keyId, key, relayUrl, groupName };
	} catch (error) {
		if (error instanceof InviteError) throw error;
		throw new InviteError('malformed');
	}
}
