/**
 * The boundary between relay processes: a carrier of each room's news to the other processes holding that
 * room. Redis implements it (redis.ts). The carrier may lose messages (it is not storage): the store is the
 * truth, every stored update has a per-room id, and a process that misses ids reads them from the store.
 */

/** What one process tells the others about a room. */
export type FanoutMessage =
	/** An update the sender stored under `id` (stored before it is published). */
	| { kind: 'update'; id: number; update: Uint8Array }
	/** An awareness update (presence is not stored). */
	| { kind: 'awareness'; update: Uint8Array }
	/** The sender's rows up to `upTo` were replaced by a snapshot stored under `id`. */
	| { kind: 'snapshot'; upTo: number; id: number }
	/** The room has rows up to `id`; a process that lacks some reads them from the store. */
	| { kind: 'head'; id: number }
	/** The sender deleted the room (its tombstone is stored): the others close its members and let it go. */
	| { kind: 'deleted' };

/** Carries room messages between the relay processes of one deployment. */
export interface Fanout {
	/** Starts delivering the room's messages from other processes (never the sender's own). */
	join(room: string, deliver: (message: FanoutMessage) => void): Promise<void>;
	/** Stops delivering the room's messages. */
	leave(room: string): Promise<void>;
	/** Sends to the other processes holding the room; never throws (a lost message is caught up from the store). */
	publish(room: string, message: FanoutMessage): void;
	/**
	 * Called after the carrier was lost and is back (and every joined room is subscribed again): anything
	 * sent meanwhile may be lost in both directions, so each room catches up from the store and says its head.
	 */
	onResume(listener: () => void): void;
	/** Resolves true when the carrier answers. */
	healthy(): Promise<boolean>;
	/** Stops delivering and disconnects. */
	close(): Promise<void>;
}
