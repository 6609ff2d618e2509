/**
 * The vault's link to the relay: the stock y-websocket provider on the outer doc, with Fieldbook's opt-in
 * extension messages (sync-server/PROTOCOL.md) and a record of what the relay is known to hold.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as broadcast from 'lib0/broadcastchannel';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import { settleAfter } from './settle';
import { UPLOAD_PIECE_BYTES, uploadPieces } from './upload';

import {
	CLOSE,
	isPermanentRefusal,
	MESSAGE_FORWARD,
	MESSAGE_SAVED_STATE,
	MESSAGE_SYNC,
	MESSAGE_SYNC_PROGRESS
} from '../../../sync-server/src/shared/protocol';

export { MESSAGE_SAVED_STATE, MESSAGE_SYNC_PROGRESS };
/** y-protocols sync subtypes that carry an update (step 2 and update). */
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;
/** Reconnect attempts back off up to this; a phone coming back online retries within seconds. */
const MAX_BACKOFF_MS = 5_000;

/** A piece of an upload: its message bytes, and the clocks its structs end at (empty for deletions only). */
interface UploadPiece {
	bytes: number;
	to: Map<number, number>;
}

/** What the link tells the vault. */
export interface RelayLinkEvents {
	/** Something the status depends on changed (connection, saved state, progress). */
	onChange(): void;
	/** The relay refused the room (a 44xx close). */
	onRefused(): void;
	/** Another member's presence changed. */
	onPresenceChange(): void;
	/** The room is frozen: the relay sent the forwarding record it holds (PROTOCOL.md, "Forwarding and freezing"). */
	onForward?(record: Uint8Array): void;
}

/** One vault's relay connection. */
export class RelayLink {
	readonly #provider: WebsocketProvider;
	readonly #relayState: { load(): Promise<Uint8Array | undefined>; save(stateVector: Uint8Array): Promise<void> };
	#savedState = new Map<number, number>();
	/** Clocks of what arrived from the relay: it broadcasts only what it stored, so these are on it too. */
	#received = new Map<number, number>();
	#progress: { received: number; total: number } | undefined;
	/**
	 * While pieces of an upload are on their way, on this connection: each piece's message bytes and the
	 * clocks the relay must say it stored before the piece counts as sent.
	 */
	#upload: { socket: WebSocket; pieces: UploadPiece[] } | undefined;
	#events: RelayLinkEvents;
	#frozen = false;
	/** The last connection's first sync finished (it stays true when a frozen room then closes the connection). */
	#readAll = false;
	/** Since when nothing has shown the relay answering (not synced, nothing received), or undefined while synced. */
	#silentSince: number | undefined = Date.now();
	/** When the link was last synced with the relay (the moment that ended), if it ever was. */
	#lastSyncedAt: number | undefined;

	constructor(options: {
		relayUrl: string;
		room: string;
		token: string;
		outer: Y.Doc;
		/** The relay's last saved state vector as loaded at start. */
		savedState: Uint8Array | undefined;
		relayState: { load(): Promise<Uint8Array | undefined>; save(stateVector: Uint8Array): Promise<void> };
		connect: boolean;
		WebSocket?: typeof WebSocket;
		events: RelayLinkEvents;
	}) {
		const { events, outer } = options;
		this.#events = events;
		this.#relayState = options.relayState;
		if (options.savedState) this.#savedState = Y.decodeStateVector(options.savedState);
		const base = options.relayUrl.replace(/^http/, 'ws').replace(/\/+$/, '') + '/sync';
		const provider = new WebsocketProvider(base, options.room, outer, {
			params: { token: options.token, saved: '1' },
			connect: options.connect,
			...(options.WebSocket ? { WebSocketPolyfill: options.WebSocket } : {}),
			maxBackoffTime: MAX_BACKOFF_MS
		});
		this.#provider = provider;
		provider.messageHandlers[MESSAGE_SAVED_STATE] = (_encoder, decoder) => {
			const stateVector = decoding.readVarUint8Array(decoder);
			this.#savedState = Y.decodeStateVector(stateVector);
			void this.#relayState.save(stateVector).catch(() => undefined);
			if (this.#upload && this.#upload.pieces.every((piece) => this.#stored(piece))) this.#upload = undefined;
			events.onChange();
		};
		provider.messageHandlers[MESSAGE_FORWARD] = (_encoder, decoder) => {
			const record = decoding.readVarUint8Array(decoder);
			this.#frozen = true;
			events.onForward?.(record);
			events.onChange();
		};
		provider.messageHandlers[MESSAGE_SYNC_PROGRESS] = (_encoder, decoder) => {
			const total = decoding.readVarUint(decoder);
			this.#progress = total > 0 ? { received: 0, total } : undefined;
			this.#heard();
			events.onChange();
		};
		const syncHandler = provider.messageHandlers[MESSAGE_SYNC]!;
		provider.messageHandlers[MESSAGE_SYNC] = (encoder, decoder, p, emitSynced, type) => {
			if (emitSynced) this.#heard();
			if (this.#progress && !provider.synced) {
				this.#progress = { ...this.#progress, received: this.#progress.received + decoder.arr.byteLength };
				events.onChange();
			}
			// The relay's sync step 1 asks for everything it lacks: answered in bounded pieces, not one frame.
			if (emitSynced && this.#answerStep1(encoder, decoder)) return;
			// y-websocket passes emitSynced only for websocket messages; other tabs' (BroadcastChannel) do not
			// prove anything about the relay.
			if (emitSynced) this.#noteReceived(decoder);
			// Retried as the provider's own, so nothing parked is sent back up (settle.ts says why it is needed).
			settleAfter(outer, provider, () => syncHandler(encoder, decoder, p, emitSynced, type));
		};
		// Local transactions above a piece (a compaction of a large document) leave in pieces too.
		const stockUpdateHandler = provider._updateHandler;
		outer.off('update', stockUpdateHandler);
		provider._updateHandler = (update: Uint8Array, origin: unknown) => {
			if (origin === provider || update.byteLength <= UPLOAD_PIECE_BYTES) return stockUpdateHandler(update, origin);
			const from = new Map(Y.decodeStateVector(Y.encodeStateVector(outer)));
			for (const [client, clock] of Y.parseUpdateMeta(update).from) from.set(client, clock);
			this.#sendPieces(uploadPieces(outer, from), syncProtocol.messageYjsUpdate);
		};
		outer.on('update', provider._updateHandler);
		provider.on('status', ({ status }: { status: string }) => {
			// An upload ends with its connection; a new one answers the relay's state vector afresh.
			if (status !== 'connected') this.#upload = undefined;
			if (status === 'connecting') this.#readAll = false;
			this.#noteSynced();
			events.onChange();
		});
		provider.on('sync', (synced: boolean) => {
			if (synced) this.#progress = undefined;
			if (synced) this.#readAll = true;
			this.#noteSynced();
			events.onChange();
		});
		provider.on('connection-close', (event: CloseEvent | null) => {
			// A frozen room refuses writes by design: the vault moves to the new epoch instead.
			if (event?.code === CLOSE.ROOM_FROZEN) this.#frozen = true;
			else if (event && isPermanentRefusal(event.code)) events.onRefused();
			this.#noteSynced();
			events.onChange();
		});
		// Only others' states need opening; our own change (origin 'local') leaves theirs as they were.
		provider.awareness.on('change', (_changes: unknown, origin: unknown) => {
			if (origin !== 'local') events.onPresenceChange();
		});
	}

	/**
	 * Records the clocks of an update the relay sent, read from the message itself: the doc may already hold
	 * it (another tab, or the other member in the same process, passed it over BroadcastChannel first), and
	 * then no 'update' event fires, yet the relay's copy is news, and the relay sends no saved state for
	 * another member's writes. Reading only the doc's events left such a blob "pending" for good.
	 */
	#noteReceived(decoder: decoding.Decoder): void {
		const peek = decoding.createDecoder(decoder.arr);
		peek.pos = decoder.pos;
		const subtype = decoding.readVarUint(peek);
		if (subtype !== SYNC_STEP_2 && subtype !== SYNC_UPDATE) return;
		let meta: ReturnType<typeof Y.parseUpdateMeta>;
		try {
			meta = Y.parseUpdateMeta(decoding.readVarUint8Array(peek));
		} catch {
			return; // y-protocols reports the malformed message itself
		}
		for (const [client, clock] of meta.to) {
			if (clock > (this.#received.get(client) ?? 0)) this.#received.set(client, clock);
		}
	}

	/**
	 * Answers a sync step 1 from the relay with what it lacks, cut into pieces below the frame limit: all but
	 * the last leave as update messages at once, the last is the step 2 reply the stock handler would have
	 * written. Returns false (leaving the message unread) for any other sync message.
	 */
	#answerStep1(encoder: encoding.Encoder, decoder: decoding.Decoder): boolean {
		const peek = decoding.clone(decoder);
		if (decoding.readVarUint(peek) !== syncProtocol.messageYjsSyncStep1) return false;
		const stateVector = Y.decodeStateVector(decoding.readVarUint8Array(peek));
		const pieces = uploadPieces(this.#provider.doc, stateVector);
		const last = pieces.pop()!;
		this.#sendPieces(pieces, syncProtocol.messageYjsUpdate);
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
		encoding.writeVarUint8Array(encoder, last);
		// The step 2 reply leaves right after this handler: it is part of the upload too.
		if (pieces.length > 0) this.#track(last, encoding.length(encoder));
		decoder.pos = peek.pos;
		return true;
	}

	/** Sends updates as sync messages of their own, to the relay and to this device's other tabs. */
	#sendPieces(pieces: Uint8Array[], syncType: number): void {
		if (pieces.length === 0) return;
		const provider = this.#provider;
		const socket = provider.ws;
		const open = provider.wsconnected && socket !== null && socket.readyState === socket.OPEN;
		for (const piece of pieces) {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			encoding.writeVarUint(encoder, syncType);
			encoding.writeVarUint8Array(encoder, piece);
			const message = encoding.toUint8Array(encoder);
			if (open) {
				socket.send(message);
				this.#track(piece, message.byteLength);
			}
			if (provider.bcconnected) broadcast.publish(provider.bcChannel, message, provider);
		}
	}

	/** Counts a piece sent on the current connection into the upload, until the relay says it stored it. */
	#track(piece: Uint8Array, bytes: number): void {
		const socket = this.#provider.ws;
		if (!socket) return;
		if (this.#upload?.socket !== socket) this.#upload = { socket, pieces: [] };
		let to = new Map<number, number>();
		try {
			to = Y.parseUpdateMeta(piece).to;
		} catch {
			// Not an update this code made: counted as stored with the pieces before it.
		}
		this.#upload.pieces.push({ bytes, to });
		this.#events.onChange();
	}

	/** Whether the relay's saved state covers a piece. */
	#stored(piece: UploadPiece): boolean {
		for (const [client, clock] of piece.to) if ((this.#savedState.get(client) ?? 0) < clock) return false;
		return true;
	}

	/**
	 * An upload's progress: the bytes of the pieces the relay said it stored (its saved-state answers) of all
	 * sent on this connection. A piece without structs (the delete set) counts once those before it do.
	 */
	get upload(): { sent: number; total: number } | undefined {
		const upload = this.#upload;
		if (!upload) return undefined;
		let sent = 0;
		let total = 0;
		let stored = true;
		for (const piece of upload.pieces) {
			total += piece.bytes;
			stored = piece.to.size === 0 ? stored : this.#stored(piece);
			if (stored) sent += piece.bytes;
		}
		return { sent, total };
	}

	/** The room's awareness, where sealed presence states travel. */
	get awareness(): Awareness {
		return this.#provider.awareness;
	}

	/** Connected and through the first sync. */
	get synced(): boolean {
		return this.#provider.wsconnected && this.#provider.synced;
	}

	/** Records when being synced with the relay began or ended. */
	#noteSynced(): void {
		if (this.synced) {
			this.#silentSince = undefined;
			this.#lastSyncedAt = undefined;
		} else if (this.#silentSince === undefined) {
			this.#silentSince = Date.now();
			this.#lastSyncedAt = this.#silentSince;
		}
	}

	/** The relay answered (a first sync streaming in): it is reachable, however long the sync takes. */
	#heard(): void {
		if (!this.synced) this.#silentSince = Date.now();
	}

	/**
	 * Since when the link has wanted the relay and heard nothing from it (undefined while synced, or when it is
	 * not trying to connect, or the room is frozen): the vault says the relay cannot be reached after a while.
	 */
	get silentSince(): number | undefined {
		if (this.synced || !this.#provider.shouldConnect || this.#frozen) return undefined;
		return this.#silentSince;
	}

	/** When the link was last synced with the relay: now while it is, else the moment that ended (if ever). */
	get lastSyncedAt(): number | undefined {
		return this.synced ? Date.now() : this.#lastSyncedAt;
	}

	/** Connected or connecting. */
	get connecting(): boolean {
		return this.#provider.wsconnected || this.#provider.wsconnecting;
	}

	/** First-sync progress while it streams in. */
	get progress(): { received: number; total: number } | undefined {
		return this.#provider.synced ? undefined : this.#progress;
	}

	/** The relay's last saved-state answer. */
	get savedState(): Map<number, number> {
		return this.#savedState;
	}

	/** What the relay is known to hold: its last saved-state answer, plus everything it sent us since. */
	onRelay(): Map<number, number> {
		const known = new Map(this.#savedState);
		for (const [client, clock] of this.#received) if (clock > (known.get(client) ?? 0)) known.set(client, clock);
		return known;
	}

	/**
	 * Whether this device holds everything the room held at its last first sync: synced now, or synced before a
	 * frozen room closed the connection (it refuses the writes every reconnecting member sends).
	 */
	get caughtUp(): boolean {
		return this.#provider.synced || (this.#frozen && this.#readAll);
	}

	/** Whether the relay said this room is frozen (a forwarding record, or a write refused with ROOM_FROZEN). */
	get frozen(): boolean {
		return this.#frozen;
	}

	/**
	 * Sends a forwarding record (the relay keeps the first one a room receives and freezes the room); false when
	 * not connected. The relay answers every member with the record it kept (`onForward`).
	 */
	forward(record: Uint8Array): boolean {
		const ws = this.#provider.ws;
		if (!ws || !this.#provider.wsconnected || ws.readyState !== ws.OPEN) return false;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_FORWARD);
		encoding.writeVarUint8Array(encoder, record);
		ws.send(encoding.toUint8Array(encoder));
		return true;
	}

	/** Reconnects now, instead of waiting for the backoff. */
	reconnect(): void {
		if (!this.#provider.wsconnected && !this.#provider.wsconnecting) this.#provider.connect();
	}

	disconnect(): void {
		this.#provider.disconnect();
	}

	destroy(): void {
		this.#upload = undefined;
		this.#provider.destroy();
	}
}
