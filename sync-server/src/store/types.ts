/**
 * The one storage boundary of the relay's rooms. A room is a list of Yjs updates (opaque bytes to the
 * relay) plus the SHA-256 of its token, which outlives the room as a tombstone once it is deleted. Appends
 * add rows; compaction replaces every row up to an id by one snapshot of the live document. SQLite
 * implements it (sqlite.ts); a PostgreSQL store for several relay processes implements the same interface
 * and runs the same contract suite (tests/contract/relay-store.ts).
 * Operations and their guarantees are described in ../../PROTOCOL.md, "Storage".
 */

/** An append refused because the room would hold more than the bytes allowed; nothing was stored. */
export class RoomFull extends Error {
	constructor(room: string) {
		super(`room ${room} would pass its byte limit`);
		this.name = 'RoomFull';
	}
}

/** A snapshot refused because the room was deleted (another relay process deleted it); nothing was stored. */
export class RoomDeleted extends Error {
	constructor(room: string) {
		super(`room ${room} was deleted`);
		this.name = 'RoomDeleted';
	}
}

/** One stored update of a room. */
export interface StoredUpdate {
	/** Increasing within a room in append order; a snapshot gets an id above every row it replaced. */
	id: number;
	update: Uint8Array;
}

/** What a room is, without its updates. */
export interface RoomInfo {
	/** SHA-256 of the room token, or undefined for a room never claimed (a deleted room keeps its hash). */
	tokenHash: Uint8Array | undefined;
	/** The room was deleted (`delete`): it holds no rows and can never be claimed again. */
	deleted: boolean;
	/** Number of stored rows. */
	updates: number;
	/** Sum of the stored update sizes. */
	bytes: number;
}

/**
 * A room's forwarding record (PROTOCOL.md, "Forwarding and freezing"): opaque bytes a member wrote when the
 * group moved to a new key. A room that has one is frozen: read-only until `deleteAt`, then deleted.
 */
export interface Forwarding {
	record: Uint8Array;
	/** When the frozen room is to be deleted (ms since the epoch). */
	deleteAt: number;
}

/** Durable storage of rooms. Every method settles; a rejected promise means nothing was changed. */
export interface RoomStore {
	/** The room's token hash and size (an unknown room has no token hash, no rows and no bytes). */
	info(room: string): Promise<RoomInfo>;
	/** The room's token hash alone (undefined for a room never claimed), reading none of its rows. */
	tokenHash(room: string): Promise<Uint8Array | undefined>;
	/** Bytes of every room's stored rows together (MAX_TOTAL_BYTES). */
	totalBytes(): Promise<number>;
	/**
	 * The room's rows in id order, in pages of about `pageBytes` (a single larger row is a page of its own),
	 * so loading a big room never holds more than one page of stored bytes besides what the caller keeps.
	 * Rows appended while the pages are read may or may not be included; rows are never repeated or skipped
	 * below the last id of the previous page. With `after`, only rows with a greater id (catching up).
	 */
	updates(room: string, pageBytes: number, after?: number): AsyncIterable<StoredUpdate[]>;
	/**
	 * Records the token hash of a new room; resolves false when the room already has one (a race lost) or was
	 * deleted, whatever the token: a name once claimed keeps its token hash for good.
	 */
	claim(room: string, tokenHash: Uint8Array): Promise<boolean>;
	/**
	 * Durably appends one update; resolves with its id once it would survive a process crash. With `maxBytes`,
	 * rejects with `RoomFull` (storing nothing) when the room's stored bytes would pass it; a store shared by
	 * several relay processes checks this atomically across them, a single process's store may leave it to
	 * the relay's own count of its rooms.
	 */
	append(room: string, update: Uint8Array, maxBytes?: number): Promise<number>;
	/**
	 * In one transaction, deletes every row of the room with an id up to and including `upTo` and stores
	 * `snapshot` as one row; rows above `upTo` stay. The caller guarantees `snapshot` contains every replaced
	 * row (the relay takes it from its in-memory document, which applies an update before storing it).
	 * Resolves with the snapshot's id, above every id the room had. Rejects with `RoomDeleted`, storing
	 * nothing, once the room is deleted: a compaction that lost the race to a deletion never brings its
	 * content back.
	 */
	replaceWithSnapshot(room: string, upTo: number, snapshot: Uint8Array): Promise<number>;
	/**
	 * Compare-and-set: stores the room's forwarding record unless it has one; resolves with the record the
	 * room holds afterwards (the given one, or the one that was first), atomically across relay processes.
	 */
	forward(room: string, record: Uint8Array, deleteAt: number): Promise<Forwarding>;
	/** The room's forwarding record, if it has one. */
	forwarding(room: string): Promise<Forwarding | undefined>;
	/** Every room with a forwarding record (frozen rooms), with its deletion time. */
	frozen(): Promise<{ room: string; deleteAt: number }[]>;
	/**
	 * Removes the room's updates and forwarding record and leaves a tombstone: the room reads as deleted, its
	 * token hash stays, and no `claim` of the name succeeds again (a room never claimed is deleted unclaimed, for good). Deleting a
	 * deleted room changes nothing. A tombstone holds no bytes of the room's content.
	 */
	delete(room: string): Promise<void>;
	/** Resolves true when the storage answers. */
	healthy(): Promise<boolean>;
	/** Flushes and closes; later calls reject. */
	close(): Promise<void>;
}
