/**
 * Fan-out over Redis pub/sub (ioredis): one channel per room, one connection that publishes and one that
 * subscribes per process. Pub/sub keeps nothing, which is fine here: every update is in PostgreSQL before
 * it is published, and a process that was cut off catches up from there (see types.ts).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { DEFAULT_REDIS_PREFIX } from '../config.js';
import type { Fanout, FanoutMessage } from './types.js';

/** Room channels are named this after the deployment's prefix (REDIS_PREFIX), so a shared Redis can carry other things too. */
export const ROOM_CHANNEL = 'room:';

/** Message kinds on the wire (one byte each). */
const KIND = { update: 0, awareness: 1, snapshot: 2, head: 3, deleted: 4 } as const;

/** Longest wait between reconnection attempts: a restarted Redis is found again within this. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/** Encodes a message with the sending process's id, so the sender can skip its own. */
export function encodeFanoutMessage(origin: string, message: FanoutMessage): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, KIND[message.kind]);
	encoding.writeVarString(encoder, origin);
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
	return encoding.toUint8Array(encoder);
}

/** Decodes a message; throws on bytes that are not one. */
export function decodeFanoutMessage(bytes: Uint8Array): { origin: string; message: FanoutMessage } {
	const decoder = decoding.createDecoder(bytes);
	const kind = decoding.readVarUint(decoder);
	const origin = decoding.readVarString(decoder);
	switch (kind) {
		case KIND.update:
			return { origin, message: { kind: 'update', id: decoding.readVarUint(decoder), update: decoding.readVarUint8Array(decoder) } };
		case KIND.awareness:
			return { origin, message: { kind: 'awareness', update: decoding.readVarUint8Array(decoder) } };
		case KIND.snapshot:
			return { origin, message: { kind: 'snapshot', upTo: decoding.readVarUint(decoder), id: decoding.readVarUint(decoder) } };
		case KIND.head:
			return { origin, message: { kind: 'head', id: decoding.readVarUint(decoder) } };
		case KIND.deleted:
			return { origin, message: { kind: 'deleted' } };
		default:
			throw new Error(`unknown fan-out message kind ${kind}`);
	}
}

/** Connects to Redis at `url`; resolves once both connections are ready. Channels start with `prefix` (REDIS_PREFIX). */
export async function createRedisFanout(url: string, options: { prefix?: string; onError?: (error: unknown) => void } = {}): Promise<Fanout> {
	const origin = randomUUID();
	const channelPrefix = (options.prefix ?? DEFAULT_REDIS_PREFIX) + ROOM_CHANNEL;
	const connection = {
		retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
		// Fail at once while disconnected instead of queueing without bound: the store has everything.
		enableOfflineQueue: false,
		maxRetriesPerRequest: 1,
		lazyConnect: true
	};
	// Publishes of one turn (a group commit resolves many appends at once) leave in one write.
	const publisher = new Redis(url, { ...connection, enableAutoPipelining: true });
	// The subscriber re-subscribes itself; its commands wait for the connection instead of failing.
	const subscriber = new Redis(url, { ...connection, enableOfflineQueue: true, maxRetriesPerRequest: null });
	const rooms = new Map<string, (message: FanoutMessage) => void>();
	const resumeListeners: (() => void)[] = [];
	const report = options.onError ?? (() => {});
	let lost = false;
	let closed = false;

	for (const client of [publisher, subscriber]) {
		client.on('error', report);
		client.on('close', () => {
			if (!closed) lost = true;
		});
		client.on('ready', () => {
			if (!lost || closed) return;
			// Both connections must be back, and every room subscribed again, before catching up.
			if (publisher.status !== 'ready' || subscriber.status !== 'ready') return;
			lost = false;
			const channels = [...rooms.keys()].map((room) => channelPrefix + room);
			void (channels.length > 0 ? subscriber.subscribe(...channels) : Promise.resolve()).then(
				() => {
					for (const listener of resumeListeners) listener();
				},
				(error: unknown) => report(error)
			);
		});
	}

	subscriber.on('messageBuffer', (channel: Buffer, bytes: Buffer) => {
		const room = channel.toString().slice(channelPrefix.length);
		const deliver = rooms.get(room);
		if (!deliver) return;
		let decoded;
		try {
			decoded = decodeFanoutMessage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
		} catch (error) {
			report(error);
			return;
		}
		if (decoded.origin !== origin) deliver(decoded.message);
	});

	try {
		await Promise.all([publisher.connect(), subscriber.connect()]);
	} catch (error) {
		publisher.disconnect();
		subscriber.disconnect();
		throw error;
	}

	return {
		async join(room, deliver) {
			rooms.set(room, deliver);
			await subscriber.subscribe(channelPrefix + room);
		},
		async leave(room) {
			if (!rooms.delete(room)) return;
			await subscriber.unsubscribe(channelPrefix + room).catch(report);
		},
		publish(room, message) {
			if (closed) return;
			publisher.publish(channelPrefix + room, Buffer.from(encodeFanoutMessage(origin, message))).catch((error: unknown) => {
				lost = true;
				report(error);
			});
		},
		onResume(listener) {
			resumeListeners.push(listener);
		},
		healthy: () => publisher.ping().then((answer) => answer === 'PONG'),
		async close() {
			if (closed) return;
			closed = true;
			rooms.clear();
			await Promise.allSettled([publisher.quit(), subscriber.quit()]);
			publisher.disconnect();
			subscriber.disconnect();
		}
	};
}
