/**
 * Keeps a process's loaded rooms in step with the other relay processes: publishes what this process
 * stored (after the store committed it) and its clients' presence, applies and broadcasts what others
 * stored, and reads from the store whatever the carrier lost. Room rows have contiguous ids per room in the
 * PostgreSQL store, so a missing id is noticed and read back; `lastId` of a room stays "every row up to
 * here is in the document", which compaction relies on.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { awarenessMessage, SYNC_UPDATE, syncMessage } from '../messages.js';
import type { RoomStore } from '../store/types.js';
import { REMOTE } from '../awareness.js';
import type { Fanout, FanoutMessage } from './types.js';

/** Origin of changes that came from another process: they are applied and broadcast, never published again. */
export { REMOTE };

/**
 * How long an id may stay missing before it is read from the store: updates of one room published by two
 * processes can arrive in either order, so a short wait avoids a read for what is already on its way.
 */
export const GAP_WAIT_MS = 250;

/** Rows are read back in pages of this size. */
const CATCH_UP_PAGE_BYTES = 1024 * 1024;

/** What the fan-out needs of a loaded room (rooms.ts's Room). */
export interface FanoutRoom {
	readonly name: string;
	readonly doc: Y.Doc;
	readonly awareness: awarenessProtocol.Awareness;
	/** Every row up to this id is in `doc`. */
	lastId: number;
	rows: number;
	bytes: number;
	broadcast(message: Uint8Array): void;
	/**
	 * Applies the awareness entries another process may change (client ids introduced there or by nobody);
	 * returns the update of those entries, undefined when none is left.
	 */
	admitAwareness(update: Uint8Array, from: typeof REMOTE): Uint8Array | undefined;
}

/** Per room: ids seen above `lastId` whose predecessors have not all been seen yet. */
interface Link {
	ahead: Set<number>;
	gapTimer: ReturnType<typeof setTimeout> | undefined;
	catchingUp: Promise<void> | undefined;
	stopAwareness: () => void;
}

/** The fan-out of one relay process's rooms. */
export class RoomFanout {
	#fanout: Fanout;
	#store: RoomStore;
	#logger: Logger;
	#links = new Map<FanoutRoom, Link>();
	#metrics: Metrics;
	/** The received counter of each kind, looked up once (a labelled lookup per message costs more than the count). */
	#received: Record<FanoutMessage['kind'], { inc(): void }>;
	#onDeleted: (room: FanoutRoom) => void;

	constructor(options: {
		fanout: Fanout;
		store: RoomStore;
		logger: Logger;
		metrics: Metrics;
		/** Another process deleted the loaded `room` (its tombstone is stored): close its members and let it go. */
		onDeleted: (room: FanoutRoom) => void;
	}) {
		this.#metrics = options.metrics;
		const received = (kind: FanoutMessage['kind']) => options.metrics.fanoutReceived.labels({ kind });
		this.#received = {
			update: received('update'),
			awareness: received('awareness'),
			snapshot: received('snapshot'),
			head: received('head'),
			deleted: received('deleted')
		};
		this.#onDeleted = options.onDeleted;
		this.#fanout = options.fanout;
		this.#store = options.store;
		this.#logger = options.logger;
		// Anything may have been lost while the carrier was away, in both directions: a deletion too.
		this.#fanout.onResume(() => {
			for (const room of this.#links.keys()) {
				void this.#store.info(room.name).then(
					(info) => {
						if (info.deleted) return this.#onDeleted(room);
						return this.catchUp(room).then(() => this.#fanout.publish(room.name, { kind: 'head', id: room.lastId }));
					},
					(error: unknown) => this.#logger.warn({ err: error, room: room.name }, 'reading a room after the carrier came back failed')
				);
			}
		});
	}

	/** Starts receiving the room's news; called before the room is read from the store, so nothing falls between. */
	async join(room: FanoutRoom): Promise<void> {
		const onAwareness = (changes: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
			if (origin === REMOTE) return;
			const clients = [...changes.added, ...changes.updated, ...changes.removed];
			this.#fanout.publish(room.name, { kind: 'awareness', update: awarenessProtocol.encodeAwarenessUpdate(room.awareness, clients) });
		};
		room.awareness.on('update', onAwareness);
		this.#links.set(room, {
			ahead: new Set(),
			gapTimer: undefined,
			catchingUp: undefined,
			stopAwareness: () => room.awareness.off('update', onAwareness)
		});
		await this.#fanout.join(room.name, (message) => this.#deliver(room, message));
	}

	/** The room was read from the store up to `room.lastId`: ids seen meanwhile above it count from there. */
	loaded(room: FanoutRoom): void {
		this.#advance(room);
	}

	/** Stops receiving the room's news (it leaves memory). */
	async leave(room: FanoutRoom): Promise<void> {
		const link = this.#links.get(room);
		if (!link) return;
		this.#links.delete(room);
		clearTimeout(link.gapTimer);
		link.stopAwareness();
		await this.#fanout.leave(room.name);
	}

	/** This process stored `update` under `id`: tells the others, and returns the room's new `lastId`. */
	stored(room: FanoutRoom, id: number, update: Uint8Array): number {
		this.#fanout.publish(room.name, { kind: 'update', id, update });
		return this.#note(room, id);
	}

	/** This process deleted the room (its tombstone is stored): the other processes let it go too. */
	deleted(name: string): void {
		this.#fanout.publish(name, { kind: 'deleted' });
	}

	/** This process replaced the room's rows up to `upTo` by a snapshot under `id`; returns the new `lastId`. */
	compacted(room: FanoutRoom, upTo: number, id: number): number {
		this.#fanout.publish(room.name, { kind: 'snapshot', upTo, id });
		return this.#note(room, id);
	}

	/**
	 * Reads every row above `lastId` from the store and applies it (rows commit in id order per room, so
	 * afterwards every row up to the last one read is in the document). Concurrent calls share one read.
	 */
	catchUp(room: FanoutRoom): Promise<void> {
		const link = this.#links.get(room);
		if (!link) return Promise.resolve();
		link.catchingUp ??= (async () => {
			try {
				this.#metrics.fanoutCatchUps.inc();
				for await (const page of this.#store.updates(room.name, CATCH_UP_PAGE_BYTES, room.lastId)) {
					const before = Y.encodeStateVector(room.doc);
					Y.applyUpdate(room.doc, page.length === 1 ? page[0]!.update : Y.mergeUpdates(page.map((row) => row.update)), REMOTE);
					const news = Y.encodeStateAsUpdate(room.doc, before);
					if (news.byteLength > 2) room.broadcast(syncMessage(SYNC_UPDATE, news));
					for (const row of page) {
						room.lastId = Math.max(room.lastId, row.id);
						room.rows++;
						room.bytes += row.update.byteLength;
					}
				}
				this.#advance(room);
			} catch (error) {
				this.#logger.warn({ err: error, room: room.name }, 'catching up from the store failed; retrying on the next gap');
			} finally {
				link.catchingUp = undefined;
			}
		})();
		return link.catchingUp;
	}

	#deliver(room: FanoutRoom, message: FanoutMessage): void {
		this.#received[message.kind].inc();
		switch (message.kind) {
			case 'update': {
				if (message.id <= room.lastId) return;
				try {
					Y.applyUpdate(room.doc, message.update, REMOTE);
				} catch (error) {
					this.#logger.warn({ err: error, room: room.name }, 'an update from another process did not apply; reading it from the store');
					this.#scheduleCatchUp(room, 0);
					return;
				}
				room.broadcast(syncMessage(SYNC_UPDATE, message.update));
				room.rows++;
				room.bytes += message.update.byteLength;
				this.#note(room, message.id);
				return;
			}
			case 'awareness': {
				let admitted: Uint8Array | undefined;
				try {
					admitted = room.admitAwareness(message.update, REMOTE);
				} catch (error) {
					this.#logger.warn({ err: error, room: room.name }, 'an awareness update from another process did not decode');
					return;
				}
				if (admitted) room.broadcast(awarenessMessage(admitted));
				return;
			}
			case 'snapshot':
				// The snapshot holds exactly the rows up to `upTo` (and some later ones, still stored as rows).
				if (room.lastId >= message.upTo) this.#note(room, message.id);
				else this.#scheduleCatchUp(room, GAP_WAIT_MS);
				return;
			case 'head':
				if (message.id > room.lastId) this.#scheduleCatchUp(room, 0);
				return;
			case 'deleted':
				this.#onDeleted(room);
				return;
		}
	}

	/** Records that row `id` is in the document; a gap below it is read from the store unless it fills soon. */
	#note(room: FanoutRoom, id: number): number {
		const link = this.#links.get(room);
		if (!link || id <= room.lastId) return room.lastId;
		link.ahead.add(id);
		this.#advance(room);
		if (link.ahead.size > 0) this.#scheduleCatchUp(room, GAP_WAIT_MS);
		return room.lastId;
	}

	#advance(room: FanoutRoom): void {
		const link = this.#links.get(room);
		if (!link) return;
		for (const id of link.ahead) if (id <= room.lastId) link.ahead.delete(id);
		while (link.ahead.delete(room.lastId + 1)) room.lastId++;
		if (link.ahead.size === 0) {
			clearTimeout(link.gapTimer);
			link.gapTimer = undefined;
		}
	}

	#scheduleCatchUp(room: FanoutRoom, delay: number): void {
		const link = this.#links.get(room);
		if (!link || link.gapTimer) return;
		link.gapTimer = setTimeout(() => {
			link.gapTimer = undefined;
			void this.catchUp(room);
		}, delay);
		link.gapTimer.unref?.();
	}

	/** Stops every room's fan-out (the process is shutting down). */
	async close(): Promise<void> {
		await Promise.all([...this.#links.keys()].map((room) => this.leave(room)));
	}
}
