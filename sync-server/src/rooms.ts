/**
 * Rooms: the relay's in-memory view of each synced document. A room is loaded from storage before anyone
 * gets a sync reply, stores every update before it is broadcast, and is freed when its last client leaves.
 * The relay never interprets the content: to it a room is a Yjs document of opaque bytes.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { CLOSE } from './protocol.js';
import type { RoomStore, StoredUpdate } from './store/types.js';

/** Yjs could not apply an update; it was not stored. */
export class UpdateRejected extends Error {
	constructor(cause: unknown) {
		super('update rejected', { cause });
		this.name = 'UpdateRejected';
	}
}

/** The store failed to append; the room was closed. */
export class StorageFailed extends Error {
	constructor(cause: unknown) {
		super('storage failed', { cause });
		this.name = 'StorageFailed';
	}
}

/** Compact a room once this many rows were appended since it was loaded or last compacted. */
export const COMPACT_AFTER_ROWS = 500;
/** Wait this long after the trigger, so a burst of edits finishes before the merge runs. */
const COMPACT_DELAY_MS = 2_000;

/** What a room needs from a connection: a way to send bytes and to be closed. */
export interface RoomMember {
	send(message: Uint8Array): void;
	close(code: number, reason: string): void;
	/** Awareness client ids this connection announced, removed from the room when it leaves. */
	readonly awarenessClients: Set<number>;
}

/** One loaded room. */
export class Room {
	readonly name: string;
	readonly doc = new Y.Doc();
	readonly awareness: awarenessProtocol.Awareness;
	readonly members = new Set<RoomMember>();
	/** Token hash recorded on first use. */
	tokenHash: Uint8Array | undefined;
	/** Stored bytes, kept current by appends and compactions. */
	bytes = 0;
	/** Rows appended since load or the last compaction. */
	rowsSinceCompaction = 0;
	/** Updates applied in memory whose storing has not finished; "saved" answers wait for zero. */
	inflight = 0;
	#compactTimer: ReturnType<typeof setTimeout> | undefined;
	#compacting: Promise<void> | undefined;

	constructor(name: string) {
		this.name = name;
		this.awareness = new awarenessProtocol.Awareness(this.doc);
		// The relay is not a participant: it holds no awareness state of its own.
		this.awareness.setLocalState(null);
	}

	/** Sends a message to every member but one. */
	broadcast(message: Uint8Array, except?: RoomMember): void {
		for (const member of this.members) if (member !== except) member.send(message);
	}

	scheduleCompaction(run: () => Promise<void>): void {
		if (this.#compactTimer || this.#compacting) return;
		this.#compactTimer = setTimeout(() => {
			this.#compactTimer = undefined;
			this.#compacting = run().finally(() => (this.#compacting = undefined));
		}, COMPACT_DELAY_MS);
		this.#compactTimer.unref?.();
	}

	/** Waits for a running compaction (before the room is deleted or the store closed). */
	async settle(): Promise<void> {
		clearTimeout(this.#compactTimer);
		this.#compactTimer = undefined;
		await this.#compacting;
	}

	destroy(): void {
		clearTimeout(this.#compactTimer);
		this.awareness.destroy();
		this.doc.destroy();
	}
}

/**
 * Groups consecutive small rows into runs whose merged size stays under `limit`, so compaction and the
 * first sync both work in bounded pieces. A row larger than `limit` is a run of its own.
 */
export function boundedRuns(updates: StoredUpdate[], limit: number): StoredUpdate[][] {
	const runs: StoredUpdate[][] = [];
	let current: StoredUpdate[] = [];
	let size = 0;
	for (const row of updates) {
		if (current.length > 0 && size + row.update.byteLength > limit) {
			runs.push(current);
			current = [];
			size = 0;
		}
		current.push(row);
		size += row.update.byteLength;
	}
	if (current.length > 0) runs.push(current);
	return runs;
}

/** The loaded rooms of one relay; loads each room at most once at a time. */
export class Rooms {
	#rooms = new Map<string, Promise<Room>>();
	#store: RoomStore;
	#metrics: Metrics;
	#logger: Logger;
	#frameLimit: number;

	constructor(options: { store: RoomStore; metrics: Metrics; logger: Logger; frameLimit: number }) {
		this.#store = options.store;
		this.#metrics = options.metrics;
		this.#logger = options.logger;
		this.#frameLimit = options.frameLimit;
	}

	/** The room, loaded with every stored update (concurrent callers share one load). */
	get(name: string): Promise<Room> {
		let room = this.#rooms.get(name);
		if (!room) {
			room = this.#load(name);
			this.#rooms.set(name, room);
			room.catch(() => this.#rooms.delete(name));
		}
		return room;
	}

	/** The room if it is in memory now. */
	async peek(name: string): Promise<Room | undefined> {
		return this.#rooms.get(name);
	}

	get loaded(): number {
		return this.#rooms.size;
	}

	async #load(name: string): Promise<Room> {
		const stored = await this.#store.load(name);
		const room = new Room(name);
		room.tokenHash = stored.tokenHash;
		room.bytes = stored.bytes;
		if (stored.updates.length > 0) {
			// One merged apply is much faster than thousands of small ones.
			Y.applyUpdate(room.doc, Y.mergeUpdates(stored.updates.map((row) => row.update)));
		}
		this.#metrics.rooms.set(this.#rooms.size);
		if (stored.updates.length > COMPACT_AFTER_ROWS) room.scheduleCompaction(() => this.compact(room));
		return room;
	}

	/** Frees a room's memory once nobody is connected (its stored state stays). */
	async release(room: Room): Promise<void> {
		if (room.members.size > 0) return;
		if ((await this.#rooms.get(room.name)) !== room) return;
		await room.settle();
		if (room.members.size > 0) return;
		this.#rooms.delete(room.name);
		room.destroy();
		this.#metrics.rooms.set(this.#rooms.size);
	}

	/**
	 * Accepts an update from a member: applies it (a throw means Yjs rejected it and nothing was stored), then
	 * stores it; resolves once it is durable. If storing fails the room is dropped from memory, so what it
	 * holds never runs ahead of what is stored.
	 */
	async accept(room: Room, update: Uint8Array): Promise<void> {
		room.inflight++;
		try {
			Y.applyUpdate(room.doc, update);
		} catch (error) {
			room.inflight--;
			throw new UpdateRejected(error);
		}
		const end = this.#metrics.persistSeconds.startTimer();
		try {
			await this.#store.append(room.name, update);
		} catch (error) {
			room.inflight--;
			this.#logger.error({ err: error, room: room.name }, 'storing an update failed; closing the room');
			await this.#drop(room, CLOSE.STORAGE_FAILED);
			throw new StorageFailed(error);
		}
		end();
		room.inflight--;
		this.#metrics.updatesPersisted.inc();
		room.bytes += update.byteLength;
		room.rowsSinceCompaction++;
		if (room.rowsSinceCompaction >= COMPACT_AFTER_ROWS) room.scheduleCompaction(() => this.compact(room));
	}

	async #drop(room: Room, code: number): Promise<void> {
		for (const member of [...room.members]) member.close(code, 'storage failed');
		room.members.clear();
		if ((await this.#rooms.get(room.name)?.catch(() => undefined)) === room) this.#rooms.delete(room.name);
		room.destroy();
		this.#metrics.rooms.set(this.#rooms.size);
	}

	/** The stored rows of a room, for the first sync of a member. */
	rows(room: Room): Promise<StoredUpdate[]> {
		return this.#store.load(room.name).then((stored) => stored.updates);
	}

	/**
	 * Merges runs of small rows into single rows of at most the frame limit. Each run is replaced in its own
	 * transaction, so appends never wait for a whole-room rewrite; rows appended meanwhile are untouched.
	 */
	async compact(room: Room): Promise<void> {
		try {
			const stored = await this.#store.load(room.name);
			let saved = 0;
			for (const run of boundedRuns(stored.updates, this.#frameLimit)) {
				if (run.length < 2) continue;
				const merged = Y.mergeUpdates(run.map((row) => row.update));
				await this.#store.compact(
					room.name,
					run.map((row) => row.id),
					[merged]
				);
				saved += run.reduce((sum, row) => sum + row.update.byteLength, 0) - merged.byteLength;
				// Yield between runs so the room keeps answering while a big room compacts.
				await new Promise((resolve) => setImmediate(resolve));
			}
			room.bytes -= saved;
			room.rowsSinceCompaction = 0;
			this.#metrics.compactions.inc();
		} catch (error) {
			this.#logger.warn({ err: error, room: room.name }, 'compaction failed; the rows are unchanged');
		}
	}

	/** Deletes a room: closes its members with `code`, removes its storage. */
	async delete(name: string, code: number): Promise<void> {
		const room = await this.#rooms.get(name)?.catch(() => undefined);
		if (room) {
			for (const member of [...room.members]) member.close(code, 'room deleted');
			room.members.clear();
			await room.settle();
			this.#rooms.delete(name);
			room.destroy();
			this.#metrics.rooms.set(this.#rooms.size);
		}
		await this.#store.delete(name);
	}

	/** Closes every member (server shutdown) and waits for running compactions. */
	async closeAll(code: number): Promise<void> {
		const rooms = await Promise.all([...this.#rooms.values()].map((room) => room.catch(() => undefined)));
		for (const room of rooms) {
			if (!room) continue;
			for (const member of [...room.members]) member.close(code, 'server shutting down');
			await room.settle();
			room.destroy();
		}
		this.#rooms.clear();
	}
}
