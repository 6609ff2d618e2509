/**
 * The sync core's public surface: what the UI (src/lib/state, routes) and feature modules may use.
 * Framework-free: no svelte import anywhere under src/lib/sync (STYLE.md 3).
 *
 * A group's content is one sealed vault per epoch (DESIGN.md). Inside it live inner documents, each a plain
 * `Y.Doc` in memory only. Two inner documents exist in every group under reserved ids:
 * `meta` (name, description, members) and `index` (one entry per other document, so lists render
 * without opening every document). Both are sealed like any other document.
 */
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { Roster, RosterAction, RosterEntry } from './roster';
import type { RosterLog } from './roster-log';
import type { DoorInfo, DoorLink } from './door';
import type { Refusal } from './vault';

export type { Refusal } from './vault';

/** A request to join this device made through a request link, as the join page and home show it. */
export interface JoinRequestState {
	/** The invite id. */
	id: string;
	groupId: string;
	groupName: string;
	relayUrl: string;
	expires: number;
	askedAt: number;
	/** `waiting` until an admin answers; approved requests become groups and leave this list. */
	state: 'waiting' | 'declined' | 'revoked' | 'expired';
}

/** The kinds of inner document a group holds. */
export type DocType = 'guide' | 'discussion' | 'action';

/** Reserved inner document ids. Every other doc id is 22 base64url characters (16 random bytes). */
export const META_DOC_ID = 'meta';
export const INDEX_DOC_ID = 'index';

/** One entry of the doc index (the `index` doc's `Y.Map('docs')`, docId → plain object). */
export interface DocIndexEntry {
	type: DocType;
	title: string;
	/** ms since epoch of the last change anyone made. */
	updated: number;
	/** ms since epoch when it was created (absent for documents created before this was kept). */
	created?: number;
	/** Display name of who changed it last (as their device wrote it). */
	author: string;
	/** Device key of who changed it last, when known: the roster's name for it wins over `author`. */
	authorKey?: string;
	/** ms since epoch when deleted (guides can be restored for 30 days); absent when live. */
	deleted?: number;
	/** For a discussion about one guide: that guide's doc id. */
	guideId?: string;
	/** For an action: its start, ms since epoch (lists of upcoming actions need it without opening). */
	starts?: number;
	/** For a guide copied from the commons: the entry it was copied from (lists badge copies without opening). */
	copiedFrom?: string;
	/** A new guide left without a word written: gone from every list, not even among the deleted ones. */
	discarded?: true;
	/**
	 * For a discussion: messages written, summed over each device's own count (`countSent`), for unread
	 * counts without opening the thread. Absent until a device that wrote in it records its count.
	 */
	messages?: number;
}

/** A member entry of the `meta` doc's `Y.Map('members')`, keyed by base64url device public key. */
export interface MemberEntry {
	name: string;
	publicKey: string;
	joinedAt: number;
}

/** The state of a group's (or all groups') sync, as the UI's `Sync status` shows it. */
export type SyncState = 'offline' | 'unreachable' | 'syncing' | 'savedLocal' | 'savedRelay';

/** A snapshot of sync status. */
export interface SyncStatus {
	state: SyncState;
	/** Sealed blobs written on this device that the relay has not confirmed as stored. */
	pending: number;
	/** While a first sync streams in: bytes received of expected; otherwise undefined. */
	progress?: { received: number; total: number };
	/** While this device's changes leave for the relay in pieces (after time offline): bytes sent of queued. */
	upload?: { sent: number; total: number };
	/** A problem the user must know about (storage full, relay refused the room), else undefined. */
	problem?: 'storageFull' | 'relayRefused' | 'tampered';
	/** While this device moves the group to its new key (a member was removed or left; rotation.ts). */
	moving?: true;
	/** When `unreachable`: when this device was last synced with the relay, if it was since the app started. */
	lastSyncedAt?: number;
}

/** A group as the device catalogue records it (Dexie). */
export interface GroupRecord {
	id: string;
	name: string;
	epoch: number;
	relayUrl: string;
	joinedAt: number;
	/** The group moved to a new key without a key box for this device: it was removed (read-only from then on). */
	removed?: true;
}

/**
 * What a direct invite link carries (the part after `/join#`): the group key itself, so joining works with
 * both phones offline. `direct` names the roster invite and holds its one-time signing key, whose proof lets
 * the joiner into the roster; links from before rosters (version 1) have none and join as a request.
 */
export interface Invite {
	version: 1 | 2;
	groupId: string;
	epoch: number;
	keyId: string;
	key: Uint8Array;
	relayUrl: string;
	groupName: string;
	direct?: DirectInvite;
}

/** The roster part of a direct invite. */
export interface DirectInvite {
	/** The invite id of the roster's `invite` operation (22 base64url characters). */
	id: string;
	/** The invite's one-time Ed25519 secret key (its public key is in the roster). */
	secret: Uint8Array;
	/** ms since epoch. */
	expires: number;
}

/**
 * What a request link carries: no group key, only what opens the group's door room on the relay (door.ts)
 * where the joiner asks and an admin answers.
 */
export interface RequestInvite {
	kind: 'request';
	version: 2;
	/** The invite id (22 base64url characters); also names the door room. */
	id: string;
	/** 32 random bytes; the door room's token and sealing key derive from it. */
	secret: Uint8Array;
	/** ms since epoch. */
	expires: number;
	relayUrl: string;
}

/** Someone online in a group right now, from the encrypted presence. */
export interface Presence {
	clientId: number;
	name: string;
	publicKey: string;
	/** The inner doc they have open, if any. */
	docId?: string;
}

/** An inner document opened in memory. Changes to `doc` are sealed and synced by the vault. */
export interface OpenDoc {
	readonly docId: string;
	readonly doc: Y.Doc;
	/** Presence for this document (editor carets); its states travel sealed inside the vault's awareness. */
	readonly awareness: Awareness;
	/** Seals pending local changes now instead of after the batching delay. */
	flush(): Promise<void>;
	/**
	 * Makes this the document this device's presence is published for (the screen shows it). Local caret
	 * changes in its awareness do the same, so an editor needs no call.
	 */
	focus(): void;
	/** Releases the in-memory doc (flushes first). Other holders of the same doc keep theirs. */
	close(): Promise<void>;
}

/** One group's vault, opened. */
export interface GroupVault {
	readonly id: string;
	readonly epoch: number;
	readonly relayUrl: string;
	/** Opens (decrypts) an inner doc; opening the same id twice returns the same `Y.Doc`. */
	open(docId: string): Promise<OpenDoc>;
	/** Creates a new inner doc of a type, runs `init` on it in one transaction, and indexes it. */
	create(type: DocType, init: (doc: Y.Doc) => void, entry: Pick<DocIndexEntry, 'title'> & Partial<DocIndexEntry>): Promise<OpenDoc>;
	/** Updates the doc index entry for a doc (title, deleted, starts…); `updated`/`author` are set for you. */
	touch(docId: string, patch: Partial<DocIndexEntry>): void;
	/** Records how many messages of discussion `docId` this device has written (summed into `messages`). */
	countSent(docId: string, sent: number): void;
	/**
	 * The doc index's whole entries, live (observe `indexMap` for changes). A local view of the synced
	 * per-field index (doc-index.ts): read it, write with `touch`.
	 */
	readonly indexMap: Y.Map<DocIndexEntry>;
	/** The `meta` doc: `Y.Map('meta')` {name, description, createdAt} and `Y.Map('members')`. */
	readonly meta: Y.Doc;
	/** Sync status of this group now, and a subscription; returns an unsubscribe function. */
	status(): SyncStatus;
	onStatus(listener: (status: SyncStatus) => void): () => void;
	/** Who is online in the group now, and a subscription. */
	presence(): Presence[];
	onPresence(listener: (people: Presence[]) => void): () => void;
	/** Whether a sealed blob of this doc written on this device is not yet on the relay (pending messages). */
	isPendingOnRelay(docId: string, since?: number): boolean;
	/**
	 * Creates a direct invite for this group's current epoch (valid `validForMs`, 7 days by default): writes
	 * its roster entry and returns what the link carries, the group key included.
	 */
	invite(validForMs?: number): Invite;
	/** Creates a request link (no group key in it), valid `validForMs` (7 days by default). */
	requestInvite(validForMs?: number): RequestInvite;
	/** The link of a request invite made earlier, when its secret is known. */
	requestLink(id: string): RequestInvite | undefined;
	/** The roster log of the meta doc (who is in the group, roles, invites); observe with `roster.listen`. */
	readonly roster: RosterLog;
	/** The roster evaluated now. */
	rosterNow(): Roster;
	/** Signs (as this device) and appends roster operations, sealing them at once. */
	writeRoster(items: (RosterAction | RosterEntry)[]): Promise<void>;
	/** What other devices did that this one refused or undid in this session, oldest first, and a subscription. */
	refusals(): readonly Refusal[];
	onRefusal(listener: (refusal: Refusal) => void): () => void;
}

/** The device's whole local-first world: catalogue, identity and the open vaults. */
export interface Workspace {
	/**
	 * The device's display name, Ed25519 public key and X25519 box key (both base64url); undefined until
	 * `createIdentity`.
	 */
	readonly identity: { name: string; publicKey: string; boxKey: string } | undefined;
	createIdentity(name: string): Promise<void>;
	/** Renames this device here and in the member list of every group. */
	rename(name: string): Promise<void>;
	groups(): GroupRecord[];
	onGroups(listener: (groups: GroupRecord[]) => void): () => void;
	createGroup(options: { name: string; description?: string; relayUrl: string }): Promise<GroupVault>;
	/** Adds a group from an invite; works offline (it syncs later). Returns the vault. */
	joinGroup(invite: Invite): Promise<GroupVault>;
	/** Opens (or returns the already open) vault of a group in the catalogue. */
	group(id: string): Promise<GroupVault>;
	/** Removes the group's vault and keys from this device, after writing `leave` into its roster. */
	leaveGroup(id: string): Promise<void>;
	/** Revokes an invite of a group: the roster's `revoke`, and for a request link its door at the relay. */
	revokeInvite(groupId: string, inviteId: string): Promise<void>;
	/** Connects to a request link's door (the join page reads the group's name from it); destroy it after. */
	openDoor(invite: RequestInvite): DoorLink;
	/** Asks to join through a request link's door; the request is kept until an admin answers. */
	askToJoin(invite: RequestInvite, info: DoorInfo): Promise<void>;
	/** This device's requests to join that no admin has let in yet, and a subscription. */
	joinRequests(): JoinRequestState[];
	onJoinRequests(listener: (requests: JoinRequestState[]) => void): () => void;
	/** Settings stored in the catalogue (language…). */
	getSetting(key: string): Promise<string | undefined>;
	setSetting(key: string, value: string): Promise<void>;
	/** Overall sync status across groups. */
	status(): SyncStatus;
	onStatus(listener: (status: SyncStatus) => void): () => void;
	close(): Promise<void>;
}
