/**
 * One client's websocket in a room: decodes y-websocket messages, enforces the per-connection limits,
 * streams the first sync in bounded frames and tells opted-in clients what the relay has stored.
 * Anything malformed closes this connection only, with a named code and a logged reason.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import type { RelayLimits } from './config.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import {
	CLOSE,
	MAX_FORWARD_BYTES,
	MESSAGE_AWARENESS,
	MESSAGE_FORWARD,
	MESSAGE_QUERY_AWARENESS,
	MESSAGE_SAVED_STATE,
	MESSAGE_SYNC,
	MESSAGE_SYNC_PROGRESS,
	type CloseReason
} from './shared/protocol.js';
import { encodeDeleteSet, encodeFrame, planFrames } from './frames.js';
import { awarenessMessage, forwardMessage, SYNC_STEP_1, SYNC_STEP_2, SYNC_UPDATE, syncMessage } from './messages.js';
import { RoomClosed, StorageFailed, TooManyAwarenessClients, UpdateRejected, type Room, type RoomMember, type Rooms } from './rooms.js';
import { RoomFull } from './store/types.js';
import type { AddressBytes } from './quotas.js';
import { CHEAP_UPDATE_WORK, countStructs, pendingBytes, updateCost, WorkBudget } from './update-cost.js';

/** Batch "saved" answers: one per burst of updates is enough for the client's status. */
const SAVED_STATE_DELAY_MS = 30;

/** Why a message was refused, with the close code to use. */
class Refusal extends Error {
	constructor(
		readonly reason: CloseReason,
		message: string
	) {
		super(message);
	}
}

/** Options shared by every connection of a relay. */
export interface ConnectionContext {
	rooms: Rooms;
	limits: RelayLimits;
	metrics: Metrics;
	logger: Logger;
	/** Integration steps every room together may spend on costly updates (RELAY_WORK_PER_SECOND). */
	work: WorkBudget;
	/** Update bytes stored per client address per day (BYTES_PER_DAY_PER_ADDRESS). */
	addressBytes: AddressBytes;
}

/** A websocket joined to a room. */
export class Connection implements RoomMember {
	readonly awarenessClients = new Set<number>();
	/** False until a pong answers the last ping. */
	alive = true;
	#ws: WebSocket;
	#room: Room;
	#context: ConnectionContext;
	#savedExtension: boolean;
	#queue: Promise<void> = Promise.resolve();
	#tokens: number;
	#refilledAt = Date.now();
	#savedTimer: ReturnType<typeof setTimeout> | undefined;
	#closed = false;
	#onClosed: () => void;
	#address: string;
	#awarenessTokens: number;
	#awarenessAt = Date.now();

	constructor(ws: WebSocket, room: Room, context: ConnectionContext, options: { saved: boolean; address: string; onClosed: () => void }) {
		this.#ws = ws;
		this.#room = room;
		this.#context = context;
		this.#savedExtension = options.saved;
		this.#tokens = context.limits.updateBurst;
		this.#awarenessTokens = 2 * context.limits.awarenessPerSecond;
		this.#address = options.address;
		this.#onClosed = options.onClosed;
		ws.on('message', (data, isBinary) => this.#receive(data, isBinary));
		ws.on('pong', () => (this.alive = true));
		ws.on('close', () => this.#cleanup());
		ws.on('error', (error) => {
			context.logger.debug({ err: error, room: room.name }, 'socket error');
			this.#cleanup();
		});
	}

	/** Joins the room and opens the sync: the forwarding record of a frozen room, the relay's state vector and who is here. */
	start(): void {
		this.#room.members.add(this);
		if (this.#room.forwarding) this.send(forwardMessage(this.#room.forwarding.record));
		this.send(syncMessage(SYNC_STEP_1, Y.encodeStateVector(this.#room.doc)));
		const clients = [...this.#room.awareness.getStates().keys()];
		if (clients.length > 0) this.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.#room.awareness, clients)));
	}

	send(message: Uint8Array, done?: (error?: Error) => void): void {
		if (this.#closed || this.#ws.readyState !== this.#ws.OPEN) {
			done?.(new Error('closed'));
			return;
		}
		this.#context.metrics.bytesOut.inc(message.byteLength);
		this.#ws.send(message, done);
	}

	close(code: number, reason: string): void {
		if (this.#closed) return;
		this.#ws.close(code, reason);
		this.#cleanup();
	}

	/** Ends a connection that stopped answering pings. */
	terminate(): void {
		this.#ws.terminate();
		this.#cleanup();
	}

	#refuse(reason: CloseReason, detail: string): void {
		this.#context.metrics.refusals.inc({ reason });
		this.#context.logger.info({ room: this.#room.name, reason, detail }, 'connection closed by the relay');
		this.close(CLOSE[reason], reason);
	}

	#receive(data: unknown, isBinary: boolean): void {
		if (this.#closed) return;
		if (!isBinary) {
			this.#refuse('BAD_MESSAGE', 'text frame');
			return;
		}
		// Copy out of ws's pooled buffer: the decoder must never see bytes beyond this frame.
		const chunks = Array.isArray(data) ? data : [data];
		const message = new Uint8Array(Buffer.concat(chunks.map((chunk) => Buffer.from(chunk as ArrayBuffer))));
		this.#context.metrics.bytesIn.inc(message.byteLength);
		this.#room.lastActive = Date.now();
		// Messages of one connection are handled strictly in order: an update is stored before the next is read.
		this.#queue = this.#queue.then(() => this.#handle(message)).catch((error: unknown) => {
			if (error instanceof Refusal) this.#refuse(error.reason, error.message);
			else if (error instanceof UpdateRejected) this.#refuse('BAD_UPDATE', String(error.cause));
			else if (error instanceof StorageFailed) this.#refuse('STORAGE_FAILED', String(error.cause));
			else if (error instanceof RoomFull) this.#refuse('ROOM_TOO_LARGE', error.message);
			else if (error instanceof RoomClosed) this.#refuse('GOING_AWAY', error.message);
			else this.#refuse('BAD_MESSAGE', error instanceof Error ? error.message : String(error));
		});
	}

	#takeToken(): void {
		const { updatesPerSecond, updateBurst } = this.#context.limits;
		const now = Date.now();
		this.#tokens = Math.min(updateBurst, this.#tokens + ((now - this.#refilledAt) / 1000) * updatesPerSecond);
		this.#refilledAt = now;
		if (this.#tokens < 1) throw new Refusal('RATE_LIMITED', 'update rate above the limit');
		this.#tokens -= 1;
	}

	/** Awareness has its own bucket (AWARENESS_PER_SECOND): presence never eats the budget of edits. */
	#takeAwarenessToken(): void {
		const { awarenessPerSecond } = this.#context.limits;
		const now = Date.now();
		this.#awarenessTokens = Math.min(2 * awarenessPerSecond, this.#awarenessTokens + ((now - this.#awarenessAt) / 1000) * awarenessPerSecond);
		this.#awarenessAt = now;
		if (this.#awarenessTokens < 1) throw new Refusal('RATE_LIMITED', 'awareness rate above the limit');
		this.#awarenessTokens -= 1;
	}

	async #handle(message: Uint8Array): Promise<void> {
		if (this.#closed) return;
		const decoder = decoding.createDecoder(message);
		const type = decoding.readVarUint(decoder);
		switch (type) {
			case MESSAGE_SYNC: {
				const subtype = decoding.readVarUint(decoder);
				const payload = decoding.readVarUint8Array(decoder);
				if (subtype === SYNC_STEP_1) {
					// Validate the state vector before streaming anything against it.
					Y.decodeStateVector(payload);
					await this.#firstSync(payload);
				} else if (subtype === SYNC_STEP_2 || subtype === SYNC_UPDATE) {
					this.#takeToken();
					await this.#update(payload);
				} else {
					throw new Refusal('BAD_MESSAGE', `unknown sync message ${subtype}`);
				}
				return;
			}
			case MESSAGE_AWARENESS: {
				this.#takeAwarenessToken();
				const update = decoding.readVarUint8Array(decoder);
				if (update.byteLength > this.#context.limits.maxAwarenessBytes) throw new Refusal('AWARENESS_TOO_LARGE', `${update.byteLength} bytes`);
				// A frozen room is read-only: presence in it is not passed on.
				if (!this.#room.forwarding) this.#applyAwareness(update);
				return;
			}
			case MESSAGE_FORWARD: {
				this.#takeToken();
				const record = decoding.readVarUint8Array(decoder);
				if (record.byteLength === 0 || record.byteLength > MAX_FORWARD_BYTES) throw new Refusal('BAD_MESSAGE', `forwarding record of ${record.byteLength} bytes`);
				if (this.#room.forwarding) {
					// A later record loses: its sender is told which one the room holds.
					this.send(forwardMessage(this.#room.forwarding.record));
					return;
				}
				const forwarding = await this.#context.rooms.forward(this.#room, record, this.#context.limits.frozenRoomMs);
				this.#room.broadcast(forwardMessage(forwarding.record));
				return;
			}
			case MESSAGE_QUERY_AWARENESS: {
				const clients = [...this.#room.awareness.getStates().keys()];
				this.send(awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(this.#room.awareness, clients)));
				return;
			}
			default:
				throw new Refusal('UNKNOWN_MESSAGE', `message type ${type}`);
		}
	}

	/** Applies the entries this connection may set (client ids it introduced, or new ones) and passes them on. */
	#applyAwareness(update: Uint8Array): void {
		let admitted: Uint8Array | undefined;
		try {
			admitted = this.#room.admitAwareness(update, this, this.#context.limits.awarenessClientsPerConnection);
		} catch (error) {
			if (error instanceof TooManyAwarenessClients) throw new Refusal('AWARENESS_TOO_LARGE', error.message);
			throw error;
		}
		if (admitted) this.#room.broadcast(awarenessMessage(admitted), this);
	}

	async #update(update: Uint8Array): Promise<void> {
		let decoded: ReturnType<typeof Y.decodeUpdate>;
		const { maxUpdateStructs } = this.#context.limits;
		let structs: number;
		try {
			structs = countStructs(update, maxUpdateStructs);
		} catch (error) {
			throw new UpdateRejected(error);
		}
		if (structs > maxUpdateStructs) throw new Refusal('UPDATE_TOO_COSTLY', `more than ${maxUpdateStructs} structs`);
		try {
			// A full parse rejects malformed updates before anything touches the room.
			decoded = Y.decodeUpdate(update);
		} catch (error) {
			throw new UpdateRejected(error);
		}
		// Every client opens with a step 2 of what it has; an empty one changes nothing and is not stored.
		if (decoded.structs.length === 0 && decoded.ds.clients.size === 0) {
			this.#scheduleSavedState();
			return;
		}
		// A frozen room takes nothing new; what it already holds (a reader's opening step 2) changes nothing.
		if (this.#room.forwarding) {
			if (!Y.snapshotContainsUpdate(Y.snapshot(this.#room.doc), update)) throw new Refusal('ROOM_FROZEN', 'write to a frozen room');
			return;
		}
		const { limits } = this.#context;
		if (this.#room.bytes + update.byteLength > limits.maxRoomBytes) {
			throw new Refusal('ROOM_TOO_LARGE', `room would hold ${this.#room.bytes + update.byteLength} bytes`);
		}
		// Bounded work on the one thread every room shares (update-cost.ts, PROTOCOL.md "Work per update").
		const waiting = pendingBytes(this.#room.doc);
		if (waiting > limits.maxPendingBytes) throw new Refusal('UPDATE_TOO_COSTLY', `${waiting} bytes wait for missing dependencies`);
		const cost = updateCost(this.#room.doc, decoded, limits.maxUpdateWork);
		if (cost > limits.maxUpdateWork) throw new Refusal('UPDATE_TOO_COSTLY', `integration estimated above ${cost} steps`);
		if (this.#context.rooms.totalBytes + update.byteLength > limits.maxTotalBytes) {
			throw new Refusal('STORAGE_FULL', `every room together would hold ${this.#context.rooms.totalBytes + update.byteLength} bytes`);
		}
		if (!this.#context.addressBytes.allows(this.#address)) throw new Refusal('ADDRESS_QUOTA', 'bytes per address per day');
		this.#room.work ??= new WorkBudget(limits.roomWorkPerSecond);
		if (!this.#room.work.take(cost)) throw new Refusal('WORK_LIMITED', `room work budget (${cost} steps)`);
		if (cost > CHEAP_UPDATE_WORK && !this.#context.work.take(cost)) throw new Refusal('WORK_LIMITED', `relay work budget (${cost} steps)`);
		await this.#context.rooms.accept(this.#room, update, { maxBytes: limits.maxRoomBytes, from: this });
		this.#context.addressBytes.charge(this.#address, update.byteLength);
		this.#room.broadcast(syncMessage(SYNC_UPDATE, update), this);
		this.#scheduleSavedState();
	}

	#scheduleSavedState(): void {
		if (!this.#savedExtension || this.#savedTimer) return;
		this.#savedTimer = setTimeout(() => {
			this.#savedTimer = undefined;
			// Only claim what is stored (the room's saved vector never covers an update still being written).
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SAVED_STATE);
			encoding.writeVarUint8Array(encoder, this.#room.savedVector());
			this.send(encoding.toUint8Array(encoder));
		}, SAVED_STATE_DELAY_MS);
	}

	/**
	 * Answers the client's state vector with everything it lacks, from the room's in-memory document: update
	 * messages of about SYNC_FRAME_BYTES each (frames.ts), then the closing step 2 with the delete set. Each
	 * frame is encoded only when the previous one has left, so a slow phone gets a steady stream (and its
	 * silence timer keeps resetting) while the relay holds one frame per newcomer.
	 */
	async #firstSync(stateVector: Uint8Array): Promise<void> {
		await this.#room.whenStored();
		if (this.#closed) return;
		const doc = this.#room.doc;
		const plan = planFrames(doc, Y.decodeStateVector(stateVector), this.#context.limits.syncFrameBytes);
		if (this.#savedExtension) {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC_PROGRESS);
			encoding.writeVarUint(encoder, plan.bytes);
			this.send(encoding.toUint8Array(encoder));
		}
		for (const frame of plan.frames) {
			if (this.#closed) return;
			await new Promise<void>((resolve) => this.send(syncMessage(SYNC_UPDATE, encodeFrame(doc, frame)), () => resolve()));
		}
		if (this.#closed) return;
		// Taken now, not when planning: deletions made while the frames streamed are included.
		this.send(syncMessage(SYNC_STEP_2, encodeDeleteSet(doc)));
		this.#scheduleSavedState();
	}

	#cleanup(): void {
		if (this.#closed) return;
		this.#closed = true;
		clearTimeout(this.#savedTimer);
		this.#room.members.delete(this);
		const removal = this.#room.releaseAwareness(this);
		if (removal) this.#room.broadcast(awarenessMessage(removal));
		this.#onClosed();
	}
}
