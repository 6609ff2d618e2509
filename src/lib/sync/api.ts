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
	/** Display name of who changed it last. */
	author: string;
	/** ms since epoch when deleted (guides can be restored for 30 days); absent when live. */
	deleted?: number;
	/** For a discussion about one guide: that guide's doc id. */
	guideId?: string;
	/** For an action: its start, ms since epoch (lists of upcoming actions need it without opening). */
	starts?: number;
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
export type SyncState = 'offline' | 'syncing' | 'savedLocal' | 'savedRelay';

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
}

/** A group as the device catalogue records it (Dexie). */
export interface GroupRecord {
	id: string;
	name: string;
	epoch: number;
	relayUrl: string;
	joinedAt: number;
}

/** What an invite link carries (the part after `/join#`). */
export interface Invite {
	version: 1;
	groupId: string;
	epoch: number;
	keyId: string;
	key: Uint8Array;
	relayUrl: string;
	groupName: string;
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
	/** The invite for this group's current epoch. */
	invite(): Invite;
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
	/** Removes the group's vault and keys from this device. */
	leaveGroup(id: string): Promise<void>;
	/** Settings stored in the catalogue (language…). */
	getSetting(key: string): Promise<string | undefined>;
	setSetting(key: string, value: string): Promise<void>;
	/** Overall sync status across groups. */
	status(): SyncStatus;
	onStatus(listener: (status: SyncStatus) => void): () => void;
	close(): Promise<void>;
}
