/**
 * The one storage boundary of the relay's rooms. A room is an append-only list of Yjs updates (opaque
 * bytes to the relay) plus the SHA-256 of its token. SQLite implements it (sqlite.ts); a PostgreSQL store
 * for several relay processes would implement the same interface and run the same contract suite
 * (tests/contract/relay-store.ts).
 */

/** One stored update of a room. */
export interface StoredUpdate {
	/** Increasing within a room; compaction replaces a run of rows by fewer rows. */
	id: number;
	update: Uint8Array;
}

/** What a room holds. */
export interface StoredRoom {
	/** SHA-256 of the room token, or undefined for a room never seen. */
	tokenHash: Uint8Array | undefined;
	/** Updates in the order they were appended. */
	updates: StoredUpdate[];
	/** Sum of the stored update sizes. */
	bytes: number;
}

/** Durable storage of rooms. Every method settles; a rejected promise means nothing was changed. */
export interface RoomStore {
	/** The whole room (an unknown room has no token hash and no updates). */
	load(room: string): Promise<StoredRoom>;
	/** Records the token hash of a new room; resolves false when the room already has one (a race lost). */
	claim(room: string, tokenHash: Uint8Array): Promise<boolean>;
	/** Durably appends one update; resolves with its id once it would survive a process crash. */
	append(room: string, update: Uint8Array): Promise<number>;
	/** Atomically replaces exactly the rows `ids` by `merged` (Yjs updates commute, so their position does not matter). */
	compact(room: string, ids: number[], merged: Uint8Array[]): Promise<void>;
	/** Removes the room, its updates and its token hash. */
	delete(room: string): Promise<void>;
	/** Row count and bytes of a room. */
	size(room: string): Promise<{ updates: number; bytes: number }>;
	/** Resolves true when the storage answers. */
	healthy(): Promise<boolean>;
	/** Flushes and closes; later calls reject. */
	close(): Promise<void>;
}
