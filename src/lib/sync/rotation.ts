/**
 * Key rotation (FORMAT.md, "Epochs"): removing a member, or a member leaving, moves the group to its next
 * epoch — a new group key, so a new relay room and token. The admin's device writes a snapshot of every
 * document into the new room, then a forwarding record into the old one; the relay freezes the old room and
 * keeps the first record only (sync-server/PROTOCOL.md, "Forwarding and freezing"). This module holds the
 * record's content and its key boxes; the vault and the workspace do the moving.
 */
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes';
import { keyIdOf, type DeviceKeys, type GroupKey } from './crypto';
import { openKeyBox, sealKeyBox, type BoxKeys } from './key-box';
import type { Roster } from './roster';

/** Reserved document id under which the forwarding record is sealed (with the old epoch's key). */
export const FORWARD_DOC_ID = 'forward';
export const FORWARD_VERSION = 1;

/** What a forwarding record says, sealed under the old key and signed by the admin who rotated. */
export interface ForwardRecord {
	v: typeof FORWARD_VERSION;
	/** The new epoch (the old one plus one). */
	epoch: number;
	/** Key id of the new epoch's key. */
	keyId: string;
	/** The new key sealed to each remaining member's X25519 key (key-box.ts), by member key, base64url. */
	boxes: Record<string, string>;
	/** When the admin rotated (ms). */
	at: number;
	/**
	 * State vector (base64url) of the old vault the snapshot was taken from: a member moving over diffs only the
	 * documents holding blobs beyond it (its own unsent ones, or ones written before the freeze).
	 */
	covered?: string;
}

/** Members (by key) who hold the new key: every member of the roster with a box key. */
export function boxHolders(roster: Roster): { key: string; box: string }[] {
	return [...roster.members.values()].filter((member) => member.box).map((member) => ({ key: member.key, box: member.box }));
}

/** The content of a forwarding record to epoch `epoch` with `key`: one key box per member, signed by `admin`. */
export function forwardRecord(options: {
	groupId: string;
	epoch: number;
	key: GroupKey;
	roster: Roster;
	admin: DeviceKeys;
	at: number;
	covered?: Uint8Array;
}): ForwardRecord {
	const { groupId, epoch, key, roster, admin, at } = options;
	const boxes: Record<string, string> = {};
	for (const member of boxHolders(roster)) {
		boxes[member.key] = toBase64Url(sealKeyBox(key.key, fromBase64Url(member.box), { groupId, epoch, keyId: key.keyId }, admin));
	}
	return { v: FORWARD_VERSION, epoch, keyId: key.keyId, boxes, at, ...(options.covered ? { covered: toBase64Url(options.covered) } : {}) };
}

export function encodeForwardRecord(record: ForwardRecord): Uint8Array {
	return utf8(JSON.stringify(record));
}

/** Parses a forwarding record's plaintext; undefined when it is not one. */
export function parseForwardRecord(plaintext: Uint8Array): ForwardRecord | undefined {
	try {
		const value = JSON.parse(fromUtf8(plaintext)) as Partial<ForwardRecord>;
		if (value.v !== FORWARD_VERSION || !Number.isSafeInteger(value.epoch) || typeof value.keyId !== 'string') return undefined;
		if (typeof value.boxes !== 'object' || value.boxes === null || typeof value.at !== 'number') return undefined;
		for (const box of Object.values(value.boxes)) if (typeof box !== 'string') return undefined;
		if (value.covered !== undefined && typeof value.covered !== 'string') return undefined;
		return value as ForwardRecord;
	} catch {
		return undefined;
	}
}

/**
 * This device's new key from a record, or undefined when the record holds no box for it (it was removed) or
 * its box does not open to a key of the record's key id. The box must be signed by the record's author.
 */
export function openForwardBox(record: ForwardRecord, options: { groupId: string; me: string; box: BoxKeys; author: string }): GroupKey | undefined {
	const sealed = record.boxes[options.me];
	if (!sealed) return undefined;
	try {
		const opened = openKeyBox(fromBase64Url(sealed), { groupId: options.groupId, epoch: record.epoch, keyId: record.keyId }, options.box);
		if (opened.signer !== options.author || keyIdOf(opened.key, options.groupId, record.epoch) !== record.keyId) return undefined;
		return { keyId: record.keyId, key: opened.key };
	} catch {
		return undefined;
	}
}

/**
 * Who must lose the key: members of the epoch's record (or, with no record, anyone who ever held it) who
 * are no longer members. A non-empty answer means the next admin device that sees it rotates.
 */
export function departedHolders(roster: Roster, holders: Iterable<string> | undefined): string[] {
	const had = holders ? [...holders] : [...roster.everMember];
	return had.filter((key) => !roster.members.has(key));
}
