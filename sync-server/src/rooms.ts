/**
 * Rooms: the relay's in-memory view of each synced document. A room is loaded from storage before anyone
 * gets a sync reply, stores every update before it is broadcast, and is freed when its last client leaves.
 * The relay never interprets the content: to it a room is a Yjs document of opaque bytes.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { CLOSE, parseDoorRoom } from './shared/protocol.js';
import { decodeAwareness, encodeAwareness, REMOTE } from './awareness.js';
import { RoomFanout } from './fanout/room-fanout.js';
import type { Fanout } from './fanout/types.js';
import { RoomDeleted, RoomFull, type Forwarding, type RoomStore } from './store/types.js';
import type { WorkBudget } from './update-cost.js';

/** Yjs could not apply an update; it was not stored. */
export class UpdateRejected extends Error {
	constructor(cause: unknown) {
		super('update rejected', { cause });
		this.name = 'UpdateRejected';
	}
}

/** A connection would hold more awareness client ids than AWARENESS_CLIENTS_PER_CONNECTION. */
export class TooManyAwarenessClients extends Error {
	constructor(readonly count: number) {
		super(`${count} awareness clients`);
		this.name = 'TooManyAwarenessClients';
	}
}

/** The room left memory (it is reloaded on the next join): the sender should reconnect. */
export class RoomClosed extends Error {
	constructor() {
		super('the room was closed; reconnect');
		this.name = 'RoomClosed';
	}
}

/** The store failed to append; the room was closed. */
export class StorageFailed extends Error {
	constructor(cause: unknown) {
		super('storage failed', { cause });
		this.name = 'StorageFailed';
	}
}

/** Compact a room that has this many stored rows, whatever their bytes (each row costs a read at load). */
export const COMPACT_AFTER_ROWS = 500;
/** Compact once stored bytes pass this multiple of the live state (deleted content and duplicates)… */
export const COMPACT_RATIO = 1.25;
/** …plus this slack, so a small room is not rewritten for a few bytes. */
export const COMPACT_SLACK_BYTES = 16 * 1024;
/** Wait this long after an append before checking, so a burst of edits finishes before the snapshot. */
const COMPACT_DELAY_MS = 2_000;
/**
 * The check encodes the live document (its cost grows with the room), so it runs at most once per this many
 * times its last duration: checking a busy big room takes at most 1/20 of a core.
 */
const COMPACT_CHECK_SPACING = 20;
/** How often the stored total (MAX_TOTAL_BYTES) is read again, for the writes of other processes. */
const TOTAL_REFRESH_MS = 60_000;
/** Rows are read from storage in pages of this size when a room loads. */
export const LOAD_PAGE_BYTES = 1024 * 1024;

/** What the compaction decision looks at. */
export interface RoomSize {
	/** Stored rows and their bytes. */
	storedRows: number;
	storedBytes: number;
	/** Size of `encodeStateAsUpdate` of the garbage-collected live document. */
	liveBytes: number;
}

/**
 * Whether a room's stored rows should be replaced by a snapshot of its live document: when they hold
 * markedly more than the live state (deleted content, superseded blobs, duplicates), or too many rows.
 */
export function compactionDue({ storedRows, storedBytes, liveBytes }: RoomSize): boolean {
	if (storedRows === 0) return false;
	if (storedRows >= COMPACT_AFTER_ROWS) return true;
	return storedBytes > liveBytes * COMPACT_RATIO + COMPACT_SLACK_BYTES;
}

/** What a room needs from a connection: a way to send bytes and to be closed. */
export interface RoomMember {
	send(message: Uint8Array): void;
	close(code: number, reason: string): void;
	/** Awareness client ids this connection introduced and holds, removed from the room when it leaves. */
	readonly awarenessClients: Set<number>;
}

/** One loaded room. */
export class Room {
	readonly name: string;
	/** Garbage-collected: deleted content is dropped from memory, from snapshots and from first syncs. */
	readonly doc = new Y.Doc({ gc: true });
	readonly awareness: awarenessProtocol.Awareness;
	readonly members = new Set<RoomMember>();
	/**
	 * Who introduced each awareness client id: the member (or REMOTE, another relay process) that first set a
	 * state for it. Only the owner changes or removes that state; a member owns its ids until it leaves.
	 */
	readonly awarenessOwners = new Map<number, RoomMember | typeof REMOTE>();
	/** Token hash recorded on first use. */
	tokenHash: Uint8Array | undefined;
	/** Deleted (a tombstone in the store): nobody joins it, and its name is never claimed again. */
	deleted = false;
	/** The first forwarding record: the room is frozen (read-only) until its deletion time. */
	forwarding: Forwarding | undefined;
	/** Stored rows and bytes, kept current by appends and compactions. */
	rows = 0;
	bytes = 0;
	/** Highest row id known stored: every row up to it is in `doc` (updates are applied before they are stored). */
	lastId = 0;
	/** Updates applied in memory whose storing has not finished; "saved" answers and first syncs wait for zero. */
	inflight = 0;
	/** Bytes of the updates in flight, counted against the room's byte limit with `bytes`. */
	storingBytes = 0;
	#storedWaiters: (() => void)[] = [];
	/** Set while a newcomer waits for the updates in flight: updates arriving meanwhile wait for it (see `admitted`). */
	#gate: { promise: Promise<void>; open: () => void } | undefined;
	#storing: { vector: Uint8Array; stored: boolean }[] = [];
	#savedVector: Uint8Array | undefined;
	/** When a member last sent anything (Date.now()); rooms idle longest are unloaded first over the memory budget. */
	lastActive = Date.now();
	/** Integration steps this room may still spend (ROOM_WORK_PER_SECOND), made on its first update. */
	work: WorkBudget | undefined;
	/** Rows were appended since the last compaction check. */
	dirty = false;
	/** Earliest time of the next compaction check (see COMPACT_CHECK_SPACING). */
	nextCheckAt = 0;
	#compactTimer: ReturnType<typeof setTimeout> | undefined;
	#compacting: Promise<void> | undefined;
	#pending: (() => Promise<void>) | undefined;
	#destroyed = false;

	constructor(name: string) {
		this.name = name;
		this.awareness = new awarenessProtocol.Awareness(this.doc);
		// The relay is not a participant: it holds no awareness state of its own.
		this.awareness.setLocalState(null);
		// A state of another process that timed out here (that process went away) is nobody's any more.
		this.awareness.on('update', ({ removed }: { removed: number[] }, origin: unknown) => {
			if (origin !== 'timeout') return;
			for (const client of removed) if (this.awarenessOwners.get(client) === REMOTE) this.awarenessOwners.delete(client);
		});
	}

	/**
	 * Applies an awareness update from `from`, keeping only the entries for client ids `from` introduced or
	 * that nobody holds (awareness.ts); `from` then owns the ids it set a state for and gives up those it
	 * removed. Returns the update of the kept entries to pass on, undefined when none is left. With
	 * `maxClients`, refuses (throws TooManyAwarenessClients, changing nothing) when `from` would hold more.
	 * Throws on a malformed update, changing nothing.
	 */
	admitAwareness(update: Uint8Array, from: RoomMember | typeof REMOTE, maxClients = Infinity): Uint8Array | undefined {
		const kept = decodeAwareness(update).filter((entry) => {
			const owner = this.awarenessOwners.get(entry.clientId);
			return owner === undefined || owner === from;
		});
		if (kept.length === 0) return undefined;
		if (from !== REMOTE) {
			const held = new Set(from.awarenessClients);
			for (const entry of kept) {
				if (entry.removal) held.delete(entry.clientId);
				else held.add(entry.clientId);
			}
			if (held.size > maxClients) throw new TooManyAwarenessClients(held.size);
		}
		const admitted = encodeAwareness(kept);
		awarenessProtocol.applyAwarenessUpdate(this.awareness, admitted, from);
		for (const entry of kept) {
			if (entry.removal) {
				if (this.awarenessOwners.get(entry.clientId) !== from) continue;
				this.awarenessOwners.delete(entry.clientId);
				if (from !== REMOTE) from.awarenessClients.delete(entry.clientId);
			} else if (this.awareness.getStates().has(entry.clientId)) {
				// An entry Yjs ignored (an old clock) for a client without a state introduces nothing.
				this.awarenessOwners.set(entry.clientId, from);
				if (from !== REMOTE) from.awarenessClients.add(entry.clientId);
			}
		}
		return admitted;
	}

	/** A member leaves: the states of the client ids it held are removed; returns the update saying so. */
	releaseAwareness(member: RoomMember): Uint8Array | undefined {
		const clients = [...member.awarenessClients].filter((client) => this.awarenessOwners.get(client) === member);
		member.awarenessClients.clear();
		for (const client of clients) this.awarenessOwners.delete(client);
		if (clients.length === 0) return undefined;
		awarenessProtocol.removeAwarenessStates(this.awareness, clients, null);
		return awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients);
	}

	/**
	 * Resolves when nothing applied in memory is still being stored, so what a first sync sends from the
	 * document is all durable (clients count what the relay sends them as held by the relay).
	 */
	whenStored(): Promise<void> {
		if (this.inflight === 0) return Promise.resolve();
		// Hold back new updates until these are stored, so a steady stream of writes cannot keep the
		// newcomer waiting: the wait is bounded by the commit of what is in flight now.
		if (!this.#gate) {
			let open!: () => void;
			const promise = new Promise<void>((resolve) => (open = resolve));
			this.#gate = { promise, open };
		}
		return new Promise((resolve) => this.#storedWaiters.push(resolve));
	}

	/**
	 * Undefined when an update may be applied now; while a newcomer waits for the updates in flight, resolves
	 * once they are stored and the newcomer's sync has been planned.
	 */
	admitted(): Promise<void> | undefined {
		return this.#gate?.promise;
	}

	get destroyed(): boolean {
		return this.#destroyed;
	}

	/** Marks one in-flight update as settled (stored or failed). */
	settled(): void {
		this.inflight--;
		if (this.inflight === 0) {
			for (const resolve of this.#storedWaiters.splice(0)) resolve();
			this.#openGate();
		}
	}

	/** Lets held-back updates in, after the newcomers' continuations (queued just before) have run. */
	#openGate(): void {
		const gate = this.#gate;
		if (!gate) return;
		this.#gate = undefined;
		setImmediate(gate.open);
	}

	/**
	 * Applies an update that is about to be stored (throws when Yjs rejects it, changing nothing); the returned
	 * function marks it stored, or given up when storing failed (the room is dropped then). The
	 * state vector right after each apply is kept until every earlier update is stored too, so `savedVector`
	 * can answer during a steady stream instead of waiting for a moment when nothing is in flight.
	 */
	storing(update: Uint8Array): () => void {
		// Nothing in flight: everything in the document is stored (remote updates are stored before they come).
		if (this.#storing.length === 0) this.#savedVector = Y.encodeStateVector(this.doc);
		Y.applyUpdate(this.doc, update);
		const entry = { vector: Y.encodeStateVector(this.doc), stored: false };
		this.#storing.push(entry);
		return () => {
			entry.stored = true;
			while (this.#storing[0]?.stored) this.#savedVector = this.#storing.shift()!.vector;
		};
	}

	/** The state vector of what is stored: the whole document when nothing is in flight. */
	savedVector(): Uint8Array {
		return this.#storing.length === 0 || !this.#savedVector ? Y.encodeStateVector(this.doc) : this.#savedVector;
	}

	/** Sends a message to every member but one. */
	broadcast(message: Uint8Array, except?: RoomMember): void {
		for (const member of this.members) if (member !== except) member.send(message);
	}

	/** Runs `check` after COMPACT_DELAY_MS (or later, see COMPACT_CHECK_SPACING) unless one is waiting or running. */
	scheduleCompaction(check: () => Promise<void>): void {
		if (this.#compactTimer || this.#compacting || this.#destroyed) return;
		this.#pending = check;
		const delay = Math.max(COMPACT_DELAY_MS, this.nextCheckAt - Date.now());
		this.#compactTimer = setTimeout(() => this.#run(), delay);
		this.#compactTimer.unref?.();
	}

	#run(): void {
		clearTimeout(this.#compactTimer);
		this.#compactTimer = undefined;
		const check = this.#pending;
		this.#pending = undefined;
		if (!check) return;
		this.#compacting = check().finally(() => {
			this.#compacting = undefined;
			// Appends that arrived during the check get their own check.
			if (this.dirty && !this.#destroyed) this.scheduleCompaction(check);
		});
	}

	/**
	 * Waits for a running compaction. With `runPending`, a waiting check runs now (a room leaving memory is
	 * compacted before it goes); without, it is dropped (the room is being deleted or the relay stops).
	 */
	async settle(runPending = false): Promise<void> {
		if (runPending && this.#compactTimer) this.#run();
		clearTimeout(this.#compactTimer);
		this.#compactTimer = undefined;
		this.#pending = undefined;
		await this.#compacting;
	}

	destroy(): void {
		this.#destroyed = true;
		for (const resolve of this.#storedWaiters.splice(0)) resolve();
		this.#gate?.open();
		this.#gate = undefined;
		clearTimeout(this.#compactTimer);
		this.awareness.destroy();
		this.doc.destroy();
	}
}

/** The loaded rooms of one relay; loads each room at most once at a time. */
export class Rooms {
	#rooms = new Map<string, Promise<Room>>();
	#store: RoomStore;
	#metrics: Metrics;
	#logger: Logger;

	#fanout: RoomFanout | undefined;
	/** Stored bytes of every room (MAX_TOTAL_BYTES): read from the store, then kept by this process's writes. */
	#totalBytes = 0;
	#totalTimer: ReturnType<typeof setInterval>;

	constructor(options: { store: RoomStore; metrics: Metrics; logger: Logger; fanout?: Fanout }) {
		this.#store = options.store;
		this.#metrics = options.metrics;
		this.#logger = options.logger;
		// Other processes sharing the store write too: read the sum again now and then.
		this.#refreshTotal();
		this.#totalTimer = setInterval(() => this.#refreshTotal(), TOTAL_REFRESH_MS);
		this.#totalTimer.unref();
		if (options.fanout) {
			this.#fanout = new RoomFanout({
				fanout: options.fanout,
				store: options.store,
				logger: options.logger,
				metrics: options.metrics,
				onDeleted: (room) => void this.#deletedElsewhere(room as Room)
			});
		}
	}

	/**
	 * The room, loaded from its stored updates (concurrent callers share one load). With other relay processes,
	 * a room already in memory first reads what they stored that has not arrived yet, so a newcomer's first
	 * sync holds everything committed.
	 */
	get(name: string): Promise<Room> {
		let room = this.#rooms.get(name);
		if (!room) {
			room = this.#load(name);
			this.#rooms.set(name, room);
			room.catch(() => this.#rooms.delete(name));
			return room;
		}
		const fanout = this.#fanout;
		return fanout ? room.then(async (loaded) => (await fanout.catchUp(loaded), loaded)) : room;
	}

	#refreshTotal(): void {
		this.#store.totalBytes().then(
			(bytes) => (this.#totalBytes = bytes),
			(error: unknown) => this.#logger.warn({ err: error }, 'reading the stored total failed')
		);
	}

	/** Stored bytes of every room together, as this process knows them. */
	get totalBytes(): number {
		return this.#totalBytes;
	}

	/** Whether the room is in memory (or being loaded). */
	isLoaded(name: string): boolean {
		return this.#rooms.has(name);
	}

	/**
	 * Over the memory budget: closes the members of rooms nobody wrote to for `idleMs` with `code`, so those
	 * rooms leave memory (compacted first when due); resolves with how many rooms were closed.
	 */
	async unloadIdle(idleMs: number, code: number): Promise<number> {
		const before = Date.now() - idleMs;
		let unloaded = 0;
		for (const pending of [...this.#rooms.values()]) {
			const room = await pending.catch(() => undefined);
			if (!room || room.lastActive > before || room.members.size === 0) continue;
			for (const member of [...room.members]) member.close(code, 'memory budget');
			unloaded++;
		}
		return unloaded;
	}

	/** The room if it is in memory now. */
	async peek(name: string): Promise<Room | undefined> {
		return this.#rooms.get(name);
	}

	get loaded(): number {
		return this.#rooms.size;
	}

	async #load(name: string): Promise<Room> {
		const [info, forwarding] = await Promise.all([this.#store.info(name), this.#store.forwarding(name)]);
		const room = new Room(name);
		room.tokenHash = info.tokenHash;
		room.deleted = info.deleted;
		room.forwarding = forwarding;
		try {
			// Hear the other processes before reading, so nothing they store meanwhile falls in between.
			await this.#fanout?.join(room);
			// Page by page: memory holds the live (garbage-collected) document and one page of stored rows.
			for await (const page of this.#store.updates(name, LOAD_PAGE_BYTES)) {
				// One merged apply per page is much faster than thousands of small ones.
				Y.applyUpdate(room.doc, page.length === 1 ? page[0]!.update : Y.mergeUpdates(page.map((row) => row.update)));
				for (const row of page) {
					room.rows++;
					room.bytes += row.update.byteLength;
					room.lastId = Math.max(room.lastId, row.id);
				}
			}
		} catch (error) {
			await this.#fanout?.leave(room);
			room.destroy();
			throw error;
		}
		this.#fanout?.loaded(room);
		this.#metrics.rooms.set(this.#rooms.size);
		if (room.rows > 1 || room.bytes > COMPACT_SLACK_BYTES) {
			// Whatever the room's history, check it once: it may hold deleted content stored before this relay compacted.
			room.dirty = true;
			room.scheduleCompaction(() => this.compact(room));
		}
		return room;
	}

	/** Frees a room's memory once nobody is connected (its stored state stays, compacted if due). */
	async release(room: Room): Promise<void> {
		if (room.members.size > 0) return;
		if ((await this.#rooms.get(room.name)) !== room) return;
		await room.settle(true);
		if (room.members.size > 0) return;
		if ((await this.#rooms.get(room.name)?.catch(() => undefined)) !== room) return;
		this.#rooms.delete(room.name);
		void this.#fanout?.leave(room);
		room.destroy();
		this.#metrics.rooms.set(this.#rooms.size);
	}

	/**
	 * Accepts an update from a member: applies it (a throw means Yjs rejected it and nothing was stored), then
	 * stores it; resolves once it is durable. If storing fails the room is dropped from memory, so what it
	 * holds never runs ahead of what is stored.
	 */
	async accept(room: Room, update: Uint8Array, options: { maxBytes?: number; from?: RoomMember } = {}): Promise<void> {
		for (let wait = room.admitted(); wait; wait = room.admitted()) await wait;
		if (room.destroyed) throw new RoomClosed();
		// Counted with what is being stored, so two updates of one turn cannot both pass the limit.
		if (options.maxBytes !== undefined && room.bytes + room.storingBytes + update.byteLength > options.maxBytes) throw new RoomFull(room.name);
		room.inflight++;
		let stored: () => void;
		try {
			stored = room.storing(update);
		} catch (error) {
			room.settled();
			throw new UpdateRejected(error);
		}
		const end = this.#metrics.persistSeconds.startTimer();
		let id: number;
		room.storingBytes += update.byteLength;
		try {
			id = await this.#store.append(room.name, update, options.maxBytes);
		} catch (error) {
			room.storingBytes -= update.byteLength;
			room.settled();
			if (error instanceof RoomFull) {
				// Another process filled the room meanwhile. The document here already holds the update, so it is
				// reloaded from storage: the sender is refused, the others reconnect and find what was stored.
				this.#logger.info({ room: room.name }, 'the room filled up on another process; reloading it');
				await this.#drop(room, CLOSE.GOING_AWAY, options.from);
				throw error;
			}
			this.#logger.error({ err: error, room: room.name }, 'storing an update failed; closing the room');
			await this.#drop(room, CLOSE.STORAGE_FAILED);
			throw new StorageFailed(error);
		}
		room.storingBytes -= update.byteLength;
		end();
		this.#metrics.updatesPersisted.inc();
		this.#totalBytes += update.byteLength;
		room.rows++;
		room.bytes += update.byteLength;
		// Stored, so the other processes may hear of it; with them, lastId only passes ids whose rows are all here.
		room.lastId = this.#fanout ? this.#fanout.stored(room, id, update) : Math.max(room.lastId, id);
		stored();
		room.settled();
		room.dirty = true;
		room.scheduleCompaction(() => this.compact(room));
	}

	/** Closes the room's members (but `except`, which its caller closes) and frees the room. */
	async #drop(room: Room, code: number, except?: RoomMember): Promise<void> {
		for (const member of [...room.members]) if (member !== except) member.close(code, code === CLOSE.STORAGE_FAILED ? 'storage failed' : 'room reloading');
		room.members.clear();
		if ((await this.#rooms.get(room.name)?.catch(() => undefined)) === room) this.#rooms.delete(room.name);
		void this.#fanout?.leave(room);
		room.destroy();
		this.#metrics.rooms.set(this.#rooms.size);
	}

	/**
	 * Replaces the room's stored rows by one snapshot of its live document when `compactionDue` says so, in
	 * one storage transaction. Safe beside appends: the snapshot is taken synchronously together with `lastId`,
	 * and every row up to `lastId` is already in the document; rows stored later keep their own rows.
	 */
	async compact(room: Room): Promise<void> {
		if (!room.dirty) return;
		room.dirty = false;
		const started = performance.now();
		const snapshot = Y.encodeStateAsUpdate(room.doc);
		const upTo = room.lastId;
		const before = { rows: room.rows, bytes: room.bytes };
		room.nextCheckAt = Date.now() + (performance.now() - started) * COMPACT_CHECK_SPACING;
		if (!compactionDue({ storedRows: room.rows, storedBytes: room.bytes, liveBytes: snapshot.byteLength })) return;
		try {
			const id = await this.#store.replaceWithSnapshot(room.name, upTo, snapshot);
			this.#totalBytes += snapshot.byteLength - before.bytes;
			// Rows appended while the snapshot was written stay; count them on top of the snapshot.
			room.rows = 1 + (room.rows - before.rows);
			room.bytes = snapshot.byteLength + (room.bytes - before.bytes);
			room.lastId = this.#fanout ? this.#fanout.compacted(room, upTo, id) : Math.max(room.lastId, id);
			this.#metrics.compactions.inc();
		} catch (error) {
			// Deleted by another relay process meanwhile: the fan-out lets the room go.
			if (error instanceof RoomDeleted) return;
			room.dirty = true;
			this.#logger.warn({ err: error, room: room.name }, 'compaction failed; the rows are unchanged');
		}
	}

	/**
	 * Stores a forwarding record unless the room has one (compare-and-set in the store, across processes) and
	 * freezes the room; resolves with the record it holds afterwards, which every member is sent when the
	 * room froze just now. Updates still being stored finish first, so nothing the relay confirmed is lost.
	 */
	async forward(room: Room, record: Uint8Array, graceMs: number): Promise<Forwarding> {
		if (room.forwarding) return room.forwarding;
		await room.whenStored();
		const forwarding = await this.#store.forward(room.name, record, Date.now() + graceMs);
		if (room.forwarding) return room.forwarding;
		room.forwarding = forwarding;
		this.#metrics.rotations.inc();
		this.#logger.info({ room: room.name }, 'room frozen by a forwarding record');
		return forwarding;
	}

	/**
	 * Deletes the frozen rooms whose grace period has passed (closing their members with ROOM_DELETED);
	 * resolves with how many rooms stay frozen.
	 */
	async sweepFrozen(now: number, code: number): Promise<{ frozen: number; deleted: number }> {
		let frozen = 0;
		let deleted = 0;
		for (const { room, deleteAt } of await this.#store.frozen()) {
			if (deleteAt > now) {
				frozen++;
				continue;
			}
			await this.delete(room, code);
			deleted++;
			this.#logger.info({ room }, 'frozen room deleted after its grace period');
		}
		return { frozen, deleted };
	}

	/**
	 * Deletes a room: closes its members with `code`, removes its updates and leaves its tombstone in the store
	 * (RoomStore.delete), so the room is never joined or claimed again.
	 */
	async delete(name: string, code: number): Promise<void> {
		const room = await this.#rooms.get(name)?.catch(() => undefined);
		const bytes = room ? room.bytes : (await this.#store.info(name)).bytes;
		if (room) {
			for (const member of [...room.members]) member.close(code, 'room deleted');
			room.members.clear();
			await room.settle();
			this.#rooms.delete(name);
			void this.#fanout?.leave(room);
			room.destroy();
			this.#metrics.rooms.set(this.#rooms.size);
		}
		await this.#store.delete(name);
		this.#totalBytes = Math.max(0, this.#totalBytes - bytes);
		this.#fanout?.deleted(name);
	}

	/** Another relay process deleted a room loaded here: its members are closed as if deleted here. */
	async #deletedElsewhere(room: Room): Promise<void> {
		room.deleted = true;
		const code = parseDoorRoom(room.name) ? CLOSE.DOOR_REVOKED : CLOSE.ROOM_DELETED;
		for (const member of [...room.members]) member.close(code, 'room deleted');
		room.members.clear();
		await room.settle();
		if ((await this.#rooms.get(room.name)?.catch(() => undefined)) === room) this.#rooms.delete(room.name);
		void this.#fanout?.leave(room);
		room.destroy();
		this.#metrics.rooms.set(this.#rooms.size);
		this.#logger.info({ room: room.name }, 'room deleted by another relay process');
	}

	/** Closes every member (server shutdown) and waits for running compactions. */
	async closeAll(code: number): Promise<void> {
		clearInterval(this.#totalTimer);
		const rooms = await Promise.all([...this.#rooms.values()].map((room) => room.catch(() => undefined)));
		for (const room of rooms) {
			if (!room) continue;
			for (const member of [...room.members]) member.close(code, 'server shutting down');
			await room.settle();
			room.destroy();
		}
		this.#rooms.clear();
		await this.#fanout?.close();
	}
}
