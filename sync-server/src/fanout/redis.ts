/**
 * Fan-out over Redis pub/sub (ioredis): one channel for the whole deployment, one connection that
 * publishes and one that subscribes per process. Each process publishes at most one message per turn of its
 * event loop, carrying every room's news of that turn (a group commit resolves many appends at once), and
 * reads the rooms it holds out of the others' messages, skipping the rest: Redis handles one message per
 * turn per process instead of one per update, and a process reads back its own publishes once per turn.
 * Pub/sub keeps nothing, which is fine here: every update is in PostgreSQL before it is published, and a
 * process that was cut off catches up from there (see types.ts).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { DEFAULT_REDIS_PREFIX } from '../config.js';
import type { Fanout, FanoutMessage } from './types.js';

/** The deployment's channel is named this after its prefix (REDIS_PREFIX), so a shared Redis can carry other things too. */
export const ROOMS_CHANNEL = 'rooms';

/** Message kinds on the wire (one byte each). */
const KIND = { update: 0, awareness: 1, snapshot: 2, head: 3, deleted: 4 } as const;

/** Longest wait between reconnection attempts: a restarted Redis is found again within this. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/** A turn's news is published early once it holds this many bytes (one large update still goes alone). */
const BATCH_BYTES = 512 * 1024;

/** One room's message in a batch. */
export interface RoomMessage {
	room: string;
	message: FanoutMessage;
}

function writeMessage(encoder: encoding.Encoder, { room, message }: RoomMessage): void {
	encoding.writeVarString(encoder, room);
	encoding.writeVarUint(encoder, KIND[message.kind]);
	switch (message.kind) {
		case 'update':
			encoding.writeVarUint(encoder, message.id);
			encoding.writeVarUint8Array(encoder, message.update);
			break;
		case 'awareness':
			encoding.writeVarUint8Array(encoder, message.update);
			break;
		case 'snapshot':
			encoding.writeVarUint(encoder, message.upTo);
			encoding.writeVarUint(encoder, message.id);
			break;
		case 'head':
			encoding.writeVarUint(encoder, message.id);
			break;
		case 'deleted':
			break;
	}
}

function readMessage(decoder: decoding.Decoder): FanoutMessage {
	const kind = decoding.readVarUint(decoder);
	switch (kind) {
		case KIND.update:
			return { kind: 'update', id: decoding.readVarUint(decoder), update: decoding.readVarUint8Array(decoder) };
		case KIND.awareness:
			return { kind: 'awareness', update: decoding.readVarUint8Array(decoder) };
		case KIND.snapshot:
			return { kind: 'snapshot', upTo: decoding.readVarUint(decoder), id: decoding.readVarUint(decoder) };
		case KIND.head:
			return { kind: 'head', id: decoding.readVarUint(decoder) };
		case KIND.deleted:
			return { kind: 'deleted' };
		default:
			throw new Error(`unknown fan-out message kind ${kind}`);
	}
}

/** Encodes one turn's messages, in order, with the sending process's id (so the sender can skip its own). */
export function encodeFanoutBatch(origin: string, messages: readonly RoomMessage[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarString(encoder, origin);
	encoding.writeVarUint(encoder, messages.length);
	for (const message of messages) writeMessage(encoder, message);
	return encoding.toUint8Array(encoder);
}

/** The sender of a batch (read before anything else, so a process skips its own batches at once). */
export function batchOrigin(decoder: decoding.Decoder): string {
	return decoding.readVarString(decoder);
}

/**
 * Reads a batch after its origin, calling `visit` for each message of a room `wanted` says yes to (payloads
 * are views into `bytes`); throws on bytes that are not a batch, after visiting the messages before the fault.
 */
export function readFanoutBatch(decoder: decoding.Decoder, wanted: (room: string) => boolean, visit: (room: string, message: FanoutMessage) => void): void {
	const count = decoding.readVarUint(decoder);
	for (let i = 0; i < count; i++) {
		const room = decoding.readVarString(decoder);
		const message = readMessage(decoder);
		if (wanted(room)) visit(room, message);
	}
}

/** Decodes a whole batch (tests and tools); throws on bytes that are not one. */
export function decodeFanoutBatch(bytes: Uint8Array): { origin: string; messages: RoomMessage[] } {
	const decoder = decoding.createDecoder(bytes);
	const origin = batchOrigin(decoder);
	const messages: RoomMessage[] = [];
	readFanoutBatch(
		decoder,
		() => true,
		(room, message) => messages.push({ room, message })
	);
	return { origin, messages };
}

/** Connects to Redis at `url`; resolves once both connections are ready. The channel starts with `prefix` (REDIS_PREFIX). */
export async function createRedisFanout(url: string, options: { prefix?: string; onError?: (error: unknown) => void } = {}): Promise<Fanout> {
	const origin = randomUUID();
	const channel = (options.prefix ?? DEFAULT_REDIS_PREFIX) + ROOMS_CHANNEL;
	const connection = {
		retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
		// Fail at once while disconnected instead of queueing without bound: the store has everything.
		enableOfflineQueue: false,
		maxRetriesPerRequest: 1,
		lazyConnect: true
	};
	const publisher = new Redis(url, connection);
	// The subscriber re-subscribes itself; its commands wait for the connection instead of failing.
	const subscriber = new Redis(url, { ...connection, enableOfflineQueue: true, maxRetriesPerRequest: null });
	const rooms = new Map<string, (message: FanoutMessage) => void>();
	const resumeListeners: (() => void)[] = [];
	const report = options.onError ?? (() => {});
	let lost = false;
	let closed = false;
	/** This turn's messages, published together once the turn ends (or once they reach BATCH_BYTES). */
	let batch: RoomMessage[] = [];
	let batchBytes = 0;

	function send(): void {
		const messages = batch;
		batch = [];
		batchBytes = 0;
		if (closed || messages.length === 0) return;
		const bytes = encodeFanoutBatch(origin, messages);
		publisher.publish(channel, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).catch((error: unknown) => {
			lost = true;
			report(error);
		});
	}

	for (const client of [publisher, subscriber]) {
		client.on('error', report);
		client.on('close', () => {
			if (!closed) lost = true;
		});
		client.on('ready', () => {
			if (!lost || closed) return;
			// Both connections must be back, and the channel subscribed again, before catching up.
			if (publisher.status !== 'ready' || subscriber.status !== 'ready') return;
			lost = false;
			subscriber.subscribe(channel).then(
				() => {
					for (const listener of resumeListeners) listener();
				},
				(error: unknown) => report(error)
			);
		});
	}

	const wanted = (room: string) => rooms.has(room);
	const visit = (room: string, message: FanoutMessage) => rooms.get(room)!(message);
	subscriber.on('messageBuffer', (_channel: Buffer, bytes: Buffer) => {
		if (rooms.size === 0) return;
		try {
			const decoder = decoding.createDecoder(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
			if (batchOrigin(decoder) === origin) return;
			readFanoutBatch(decoder, wanted, visit);
		} catch (error) {
			report(error);
		}
	});

	try {
		await Promise.all([publisher.connect(), subscriber.connect()]);
		await subscriber.subscribe(channel);
	} catch (error) {
		publisher.disconnect();
		subscriber.disconnect();
		throw error;
	}

	return {
		async join(room, deliver) {
			// The channel is subscribed for as long as the process runs: from here on the room's news arrives.
			rooms.set(room, deliver);
		},
		async leave(room) {
			rooms.delete(room);
		},
		publish(room, message) {
			if (closed) return;
			if (batch.length === 0) setImmediate(send);
			batch.push({ room, message });
			batchBytes += message.kind === 'update' || message.kind === 'awareness' ? message.update.byteLength : 0;
			if (batchBytes >= BATCH_BYTES) send();
		},
		onResume(listener) {
			resumeListeners.push(listener);
		},
		healthy: () => publisher.ping().then((answer) => answer === 'PONG'),
		async close() {
			if (closed) return;
			send();
			closed = true;
			rooms.clear();
			await Promise.allSettled([publisher.quit(), subscriber.quit()]);
			publisher.disconnect();
			subscriber.disconnect();
		}
	};
}
