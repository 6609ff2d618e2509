/**
 * The roster: who is in a group, decided by a log of signed operations (DESIGN.md "Membership"). Pure and
 * framework-free: `evaluateRoster` reads the log in array order (the same order on every replica once
 * synced, since the log is a Y.Array) and lets an operation count only if its signer held the needed role
 * at that point. Signing and encoding of entries live here too; where the log is stored (the meta doc's
 * `Y.Array('roster')`) is the caller's business. Format in FORMAT.md "Roster".
 *
 * Rules, in one place:
 * - `create` counts only as the first counting operation; its author is the first admin. It may list the
 *   members of a group that existed before rosters (grandfathered, trust on first use).
 * - Admins create and revoke invites, approve and decline join requests, promote, demote and remove.
 * - Anyone may ask to join (`join`); a join carrying a valid proof from a direct invite's one-time key admits
 *   at once, any other join waits for an admin's `approve`. A revoked or expired invite admits nobody.
 * - Any member (or pending joiner) may `leave` and change their own `profile` (name, box key).
 * - A group never loses its last admin: the last admin cannot be demoted, and when the last admin leaves
 *   the longest-standing member becomes admin.
 * - Time: each operation says when it was written, but a device's clock is its own, so the log's clock is
 *   the running maximum of the times of counting operations: nobody can date an operation before what the
 *   log already holds (expiry checks use it).
 * - The same signed entry appearing twice (a replay) counts once.
 */
import { concat, fromBase64Url, toBase64Url, utf8 } from './bytes';
import { sign, verify as verifySignature } from './crypto';

/** The roster format this code writes and reads. */
export const ROSTER_VERSION = 1;
/** Names are bounded so a hostile entry cannot bloat every member list. */
export const MAX_NAME_LENGTH = 80;
/** Invites live at most this long. */
export const MAX_INVITE_MS = 31 * 24 * 60 * 60 * 1000;
/** The signature label: an entry signed for one group does not verify in another. */
export const ROSTER_LABEL = 'fieldbook/roster/v1';
/** The label of a direct invite's proof (signed with the invite's one-time key). */
export const DIRECT_JOIN_LABEL = 'fieldbook/direct-join/v1';

/** A member's or joiner's role. */
export type Role = 'admin' | 'member';
/** How an invite admits: a request an admin approves, or a direct invite that carries the key. */
export type InviteKind = 'request' | 'direct';

/** The operations of the log (without the common fields). */
export type RosterAction =
	| { type: 'create'; name: string; box: string; members?: { key: string; name: string }[] }
	| { type: 'invite'; invite: string; kind: InviteKind; expires: number; inviteKey?: string }
	| { type: 'revoke'; invite: string }
	| { type: 'join'; name: string; box: string; invite?: string; proof?: string }
	| { type: 'approve'; member: string }
	| { type: 'decline'; member: string }
	| { type: 'promote'; member: string }
	| { type: 'demote'; member: string }
	| { type: 'remove'; member: string }
	| { type: 'leave' }
	| { type: 'profile'; name: string; box: string };

/** An operation as signed: who (`by`, Ed25519 public key base64url) did what, when (ms). */
export type RosterOp = RosterAction & { v: typeof ROSTER_VERSION; by: string; at: number };

/** One element of the log: the operation's JSON and the author's signature over it, base64url. */
export interface RosterEntry {
	o: string;
	s: string;
}

/** A member as the roster knows them. */
export interface RosterMember {
	key: string;
	name: string;
	/** X25519 public key (base64url) for key boxes; empty for a grandfathered member until they set it. */
	box: string;
	role: Role;
	/** Log time when they were admitted. */
	joinedAt: number;
	/** The invite that admitted them, if any. */
	invite?: string;
}

/** A join waiting for an admin. */
export interface JoinRequest {
	key: string;
	name: string;
	box: string;
	invite?: string;
	at: number;
}

/** An invite as the log left it. */
export interface InviteState {
	id: string;
	kind: InviteKind;
	by: string;
	createdAt: number;
	expires: number;
	revoked: boolean;
	inviteKey?: string;
}

/** Why an operation did not count. */
export type RefusalReason =
	| 'malformed'
	| 'signature'
	| 'replay'
	| 'noGroup'
	| 'created'
	| 'notAdmin'
	| 'notMember'
	| 'unknownTarget'
	| 'unknownInvite'
	| 'revoked'
	| 'expired'
	| 'lastAdmin'
	| 'duplicate';

/** The evaluated roster. */
export interface Roster {
	/** False for a group from before rosters (no `create` yet): authorship is not checked there. */
	created: boolean;
	members: Map<string, RosterMember>;
	pending: Map<string, JoinRequest>;
	invites: Map<string, InviteState>;
	/** Everyone who was ever admitted: their blobs written while members stay readable after they leave. */
	everMember: Set<string>;
	/** Who left or was removed, by key, with their last name. */
	former: Map<string, { name: string; how: 'left' | 'removed' }>;
	/** Who was declined, by key. */
	declined: Set<string>;
	/** The log's clock: the latest time among counting operations. */
	clock: number;
	/** Entries that did not count, by index, with why. */
	refused: { index: number; reason: RefusalReason }[];
}

/** Remembers signature checks across evaluations (each entry is verified once per session). */
export type VerifyCache = Map<string, boolean>;

function signedBytes(groupId: string, json: string): Uint8Array {
	return concat(utf8(`${ROSTER_LABEL}|${groupId}|`), utf8(json));
}

/** Signs an operation as the device `keys` (whose public key must be `op.by`). */
export function signRosterOp(groupId: string, op: RosterOp, secretKey: Uint8Array): RosterEntry {
	const o = JSON.stringify(op);
	return { o, s: toBase64Url(sign(signedBytes(groupId, o), secretKey)) };
}

/** Builds and signs an operation. */
export function rosterEntry(groupId: string, action: RosterAction, author: { publicKey: Uint8Array; secretKey: Uint8Array }, at: number): RosterEntry {
	return signRosterOp(groupId, { ...action, v: ROSTER_VERSION, by: toBase64Url(author.publicKey), at } as RosterOp, author.secretKey);
}

/** The message a direct invite's one-time key signs to admit `joiner` (base64url Ed25519 key). */
export function directJoinMessage(groupId: string, invite: string, joiner: string): Uint8Array {
	return utf8(`${DIRECT_JOIN_LABEL}|${groupId}|${invite}|${joiner}`);
}

/** The proof a direct invite's holder attaches to their join. */
export function directJoinProof(groupId: string, invite: string, joiner: string, inviteSecretKey: Uint8Array): string {
	return toBase64Url(sign(directJoinMessage(groupId, invite, joiner), inviteSecretKey));
}

const KEY = /^[A-Za-z0-9_-]{43}$/;
const ID = /^[A-Za-z0-9_-]{16,64}$/;

function isKey(value: unknown): value is string {
	return typeof value === 'string' && KEY.test(value);
}

function isName(value: unknown): value is string {
	return typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_NAME_LENGTH;
}

function isBox(value: unknown): value is string {
	return value === '' || isKey(value);
}

/** Checks an operation's shape; undefined when malformed. */
export function parseRosterOp(json: string): RosterOp | undefined {
	let op: Record<string, unknown>;
	try {
		op = JSON.parse(json) as Record<string, unknown>;
	} catch {
		return undefined;
	}
	if (!op || typeof op !== 'object' || op.v !== ROSTER_VERSION || !isKey(op.by)) return undefined;
	if (typeof op.at !== 'number' || !Number.isSafeInteger(op.at) || op.at < 0) return undefined;
	switch (op.type) {
		case 'create':
			if (!isName(op.name) || !isBox(op.box)) return undefined;
			if (op.members !== undefined) {
				if (!Array.isArray(op.members) || op.members.length > 10_000) return undefined;
				if (!op.members.every((m: { key?: unknown; name?: unknown }) => m && isKey(m.key) && isName(m.name))) return undefined;
			}
			break;
		case 'invite':
			if (typeof op.invite !== 'string' || !ID.test(op.invite) || (op.kind !== 'request' && op.kind !== 'direct')) return undefined;
			if (typeof op.expires !== 'number' || !Number.isSafeInteger(op.expires)) return undefined;
			if (op.kind === 'direct' ? !isKey(op.inviteKey) : op.inviteKey !== undefined) return undefined;
			break;
		case 'revoke':
			if (typeof op.invite !== 'string' || !ID.test(op.invite)) return undefined;
			break;
		case 'join':
			if (!isName(op.name) || !isBox(op.box)) return undefined;
			if (op.invite !== undefined && (typeof op.invite !== 'string' || !ID.test(op.invite))) return undefined;
			if (op.proof !== undefined && (typeof op.proof !== 'string' || op.invite === undefined)) return undefined;
			break;
		case 'approve':
		case 'decline':
		case 'promote':
		case 'demote':
		case 'remove':
			if (!isKey(op.member)) return undefined;
			break;
		case 'leave':
			break;
		case 'profile':
			if (!isName(op.name) || !isBox(op.box)) return undefined;
			break;
		default:
			return undefined;
	}
	return op as unknown as RosterOp;
}

function verified(groupId: string, entry: RosterEntry, by: string, cache: VerifyCache | undefined): boolean {
	const cacheKey = `${entry.s}|${entry.o}`;
	const known = cache?.get(cacheKey);
	if (known !== undefined) return known;
	let ok = false;
	try {
		ok = verifySignature(fromBase64Url(entry.s), signedBytes(groupId, entry.o), fromBase64Url(by));
	} catch {
		ok = false;
	}
	cache?.set(cacheKey, ok);
	return ok;
}

function isEntry(value: unknown): value is RosterEntry {
	return !!value && typeof value === 'object' && typeof (value as RosterEntry).o === 'string' && typeof (value as RosterEntry).s === 'string';
}

/** An empty roster (nothing evaluated yet). */
export function emptyRoster(): Roster {
	return {
		created: false,
		members: new Map(),
		pending: new Map(),
		invites: new Map(),
		everMember: new Set(),
		former: new Map(),
		declined: new Set(),
		clock: 0,
		refused: []
	};
}

function admins(roster: Roster): RosterMember[] {
	return [...roster.members.values()].filter((member) => member.role === 'admin');
}

/** Whether an invite admits at log time `at`: known, not revoked, not expired. */
function inviteProblem(invite: InviteState | undefined, at: number): RefusalReason | undefined {
	if (!invite) return 'unknownInvite';
	if (invite.revoked) return 'revoked';
	if (at >= invite.expires) return 'expired';
	return undefined;
}

function admit(roster: Roster, member: RosterMember): void {
	roster.members.set(member.key, member);
	roster.everMember.add(member.key);
	roster.pending.delete(member.key);
	roster.former.delete(member.key);
	roster.declined.delete(member.key);
}

/** When the last admin is gone and members remain, the longest-standing member becomes admin. */
function keepAnAdmin(roster: Roster): void {
	if (admins(roster).length > 0 || roster.members.size === 0) return;
	const heir = [...roster.members.values()].sort((a, b) => a.joinedAt - b.joinedAt || (a.key < b.key ? -1 : 1))[0]!;
	heir.role = 'admin';
}

/** Applies one parsed, verified operation; returns why it did not count, or undefined when it did. */
function apply(roster: Roster, groupId: string, op: RosterOp): RefusalReason | undefined {
	const at = Math.max(op.at, roster.clock);
	if (op.type === 'create') {
		if (roster.created) return 'created';
		roster.created = true;
		for (const legacy of op.members ?? []) {
			if (legacy.key !== op.by) admit(roster, { key: legacy.key, name: legacy.name.trim(), box: '', role: 'member', joinedAt: at });
		}
		admit(roster, { key: op.by, name: op.name.trim(), box: op.box, role: 'admin', joinedAt: at });
		return undefined;
	}
	if (!roster.created) return 'noGroup';
	const author = roster.members.get(op.by);
	const isAdmin = author?.role === 'admin';
	switch (op.type) {
		case 'invite': {
			if (!isAdmin) return 'notAdmin';
			if (roster.invites.has(op.invite)) return 'duplicate';
			if (op.expires <= at || op.expires - at > MAX_INVITE_MS) return 'malformed';
			roster.invites.set(op.invite, {
				id: op.invite,
				kind: op.kind,
				by: op.by,
				createdAt: at,
				expires: op.expires,
				revoked: false,
				...(op.inviteKey ? { inviteKey: op.inviteKey } : {})
			});
			return undefined;
		}
		case 'revoke': {
			if (!isAdmin) return 'notAdmin';
			const invite = roster.invites.get(op.invite);
			if (!invite) return 'unknownInvite';
			if (invite.revoked) return 'revoked';
			invite.revoked = true;
			return undefined;
		}
		case 'join': {
			if (author) return 'duplicate';
			const request: JoinRequest = { key: op.by, name: op.name.trim(), box: op.box, at, ...(op.invite ? { invite: op.invite } : {}) };
			if (op.proof !== undefined) {
				const invite = roster.invites.get(op.invite!);
				const problem = inviteProblem(invite, at);
				if (problem) return problem;
				if (invite!.kind !== 'direct' || !invite!.inviteKey) return 'unknownInvite';
				let proven = false;
				try {
					proven = verifySignature(fromBase64Url(op.proof), directJoinMessage(groupId, invite!.id, op.by), fromBase64Url(invite!.inviteKey));
				} catch {
					proven = false;
				}
				if (!proven) return 'signature';
				admit(roster, { key: op.by, name: request.name, box: request.box, role: 'member', joinedAt: at, invite: invite!.id });
				return undefined;
			}
			roster.pending.set(op.by, request);
			roster.declined.delete(op.by);
			return undefined;
		}
		case 'approve': {
			if (!isAdmin) return 'notAdmin';
			const request = roster.pending.get(op.member);
			if (!request) return roster.members.has(op.member) ? 'duplicate' : 'unknownTarget';
			if (request.invite !== undefined) {
				const problem = inviteProblem(roster.invites.get(request.invite), at);
				if (problem) return problem;
			}
			admit(roster, { key: request.key, name: request.name, box: request.box, role: 'member', joinedAt: at, ...(request.invite ? { invite: request.invite } : {}) });
			return undefined;
		}
		case 'decline': {
			if (!isAdmin) return 'notAdmin';
			if (!roster.pending.delete(op.member)) return 'unknownTarget';
			roster.declined.add(op.member);
			return undefined;
		}
		case 'promote': {
			if (!isAdmin) return 'notAdmin';
			const target = roster.members.get(op.member);
			if (!target) return 'unknownTarget';
			if (target.role === 'admin') return 'duplicate';
			target.role = 'admin';
			return undefined;
		}
		case 'demote': {
			if (!isAdmin) return 'notAdmin';
			const target = roster.members.get(op.member);
			if (!target) return 'unknownTarget';
			if (target.role !== 'admin') return 'duplicate';
			if (admins(roster).length <= 1) return 'lastAdmin';
			target.role = 'member';
			return undefined;
		}
		case 'remove': {
			if (!isAdmin) return 'notAdmin';
			const target = roster.members.get(op.member);
			if (!target || op.member === op.by) return 'unknownTarget';
			roster.members.delete(op.member);
			roster.former.set(op.member, { name: target.name, how: 'removed' });
			return undefined;
		}
		case 'leave': {
			const pending = roster.pending.get(op.by);
			if (!author && !pending) return 'notMember';
			roster.members.delete(op.by);
			roster.pending.delete(op.by);
			if (author) roster.former.set(op.by, { name: author.name, how: 'left' });
			keepAnAdmin(roster);
			return undefined;
		}
		case 'profile': {
			const pending = roster.pending.get(op.by);
			if (author) {
				author.name = op.name.trim();
				if (op.box) author.box = op.box;
			} else if (pending) {
				pending.name = op.name.trim();
				if (op.box) pending.box = op.box;
			} else {
				return 'notMember';
			}
			return undefined;
		}
	}
}

/**
 * Evaluates a roster log in array order. `entries` are the log's elements as stored (anything malformed is
 * refused, never thrown); `cache` remembers signature checks between evaluations of a growing log.
 */
export function evaluateRoster(groupId: string, entries: readonly unknown[], cache?: VerifyCache): Roster {
	const roster = emptyRoster();
	const seen = new Set<string>();
	entries.forEach((entry, index) => {
		const refuse = (reason: RefusalReason) => roster.refused.push({ index, reason });
		if (!isEntry(entry)) return refuse('malformed');
		const op = parseRosterOp(entry.o);
		if (!op) return refuse('malformed');
		if (!verified(groupId, entry, op.by, cache)) return refuse('signature');
		if (seen.has(entry.s)) return refuse('replay');
		seen.add(entry.s);
		const reason = apply(roster, groupId, op);
		if (reason) return refuse(reason);
		roster.clock = Math.max(roster.clock, op.at);
	});
	return roster;
}

/** Whether a device may author sealed blobs in the group: ever admitted, or the group predates rosters. */
export function mayAuthor(roster: Roster, key: string): boolean {
	return !roster.created || roster.everMember.has(key);
}

/** Whether an invite can be used now (`now`: this device's clock, for the UI and the door). */
export function inviteUsable(invite: InviteState | undefined, now: number): boolean {
	return !!invite && !invite.revoked && now < invite.expires;
}

/** The display name of a device key, from the roster (members, pending, former), or undefined. */
export function rosterName(roster: Roster, key: string): string | undefined {
	return roster.members.get(key)?.name ?? roster.pending.get(key)?.name ?? roster.former.get(key)?.name;
}

/**
 * Who last changed a document, for lists: the roster's name for the device its index entry names (the
 * `touched` key, which only that device may write), the name the entry carries only when the roster does not
 * know the device.
 */
export function changedBy(roster: Roster, entry: { author: string; authorKey?: string }): string {
	return (entry.authorKey && rosterName(roster, entry.authorKey)) || entry.author;
}
