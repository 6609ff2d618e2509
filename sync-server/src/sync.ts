/**
 * The `/sync/<room>` endpoint: websocket upgrades (room name, token, and connection limits checked before a
 * client joins) and `DELETE /sync/<room>` for a door room's revoke token; no token deletes a group room.
 * Rooms and connections live in their own modules.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { memoryAddressConnections, type AddressConnections } from './address-connections.js';
import { clientAddress } from './client-address.js';
import type { RelayLimits } from './config.js';
import { Connection } from './connection.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { CLOSE, parseDoorRoom, ROOM_PATTERN, TOKEN_PATTERN, type CloseReason } from './shared/protocol.js';
import { Rooms } from './rooms.js';
import type { Fanout } from './fanout/types.js';
import { memoryRateLimits, type RateLimits } from './rate-limits.js';
import type { RoomStore } from './store/types.js';
import { WorkBudget } from './update-cost.js';
import { AddressBytes } from './quotas.js';

/** The path prefix of rooms. */
export const SYNC_PREFIX = '/sync/';
/** The window of the room-creation rate limit. */
const ROOM_CREATION_WINDOW_MS = 60_000;
/** The window of the per-day limits (rooms and bytes per address). */
const DAY_MS = 24 * 3_600_000;
/** How often the memory budget is checked (idle rooms unloaded while over it). */
const MEMORY_CHECK_MS = 2_000;

/** How often frozen rooms are checked for deletion: every minute, or four times per grace period when shorter. */
function frozenSweepMs(frozenRoomMs: number): number {
	return Math.max(250, Math.min(60_000, frozenRoomMs / 4));
}

/** Whether the process is past MEMORY_BUDGET_MB (resident memory, what the host runs out of). */
function overMemoryBudget(limits: RelayLimits): boolean {
	return process.memoryUsage.rss() > limits.memoryBudgetBytes;
}

function hashToken(token: string): Uint8Array {
	return new Uint8Array(createHash('sha256').update(token).digest());
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
	return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

/**
 * The token hash a door room revoked before anyone joined it is claimed with: no token hashes to it. A revoked
 * door is also deleted (a tombstone), so it can never be opened (or claimed afresh) again.
 */
const REVOKED_DOOR = new Uint8Array(32).fill(0xff);

/** Whether `token` is the revoke token of a door room whose name carries `inviteId` (door rooms, protocol.ts). */
function revokes(inviteId: string, token: string): boolean {
	const hash = Buffer.from(hashToken(token).subarray(0, 16)).toString('base64url');
	return TOKEN_PATTERN.test(token) && hash.length === inviteId.length && timingSafeEqual(Buffer.from(hash), Buffer.from(inviteId));
}

/** The room name of a `/sync/<room>` path, or undefined when the path is not one. */
export function roomOf(pathname: string): string | undefined {
	if (!pathname.startsWith(SYNC_PREFIX)) return undefined;
	return pathname.slice(SYNC_PREFIX.length);
}

/** Creates the sync endpoint over a room store. */
export function createSync(options: {
	store: RoomStore;
	limits: RelayLimits;
	metrics: Metrics;
	logger: Logger;
	/** Other relay processes sharing the store (REDIS_URL); undefined for one process. */
	fanout?: Fanout;
	/** Where room creations per address are counted; this process's memory when absent. */
	rateLimits?: RateLimits;
	/** Where open connections per address are counted; this process's memory when absent. */
	addressConnections?: AddressConnections;
	/** TRUST_PROXY: per-address limits use the rightmost X-Forwarded-For address. */
	trustProxy?: boolean;
}) {
	const { store, limits, metrics, logger } = options;
	const rooms = new Rooms({ store, metrics, logger, fanout: options.fanout });
	const rateLimits = options.rateLimits ?? memoryRateLimits();
	const roomCreations = rateLimits.limit('room-creations', limits.roomsPerMinutePerAddress, ROOM_CREATION_WINDOW_MS);
	const roomCreationsPerDay = rateLimits.limit('room-creations-day', limits.roomsPerDayPerAddress, DAY_MS);
	const addressBytes = new AddressBytes(rateLimits.quota('bytes-day', limits.bytesPerDayPerAddress, DAY_MS), (error) =>
		logger.warn({ err: error }, 'counting bytes per address failed')
	);
	const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes, perMessageDeflate: false });
	const work = new WorkBudget(limits.relayWorkPerSecond);
	const connections = new Set<Connection>();
	const addressConnections = options.addressConnections ?? memoryAddressConnections();
	let closing = false;

	function refuse(ws: WebSocket, reason: CloseReason, detail: string, room?: string): void {
		metrics.refusals.inc({ reason });
		logger.info({ reason, detail, room }, 'connection refused');
		ws.close(CLOSE[reason], reason);
	}

	async function join(ws: WebSocket, url: URL, address: string, takeEarly: () => [unknown, boolean][]): Promise<void> {
		const name = roomOf(url.pathname) ?? '';
		if (!ROOM_PATTERN.test(name)) return refuse(ws, 'BAD_ROOM', 'room name');
		const token = url.searchParams.get('token') ?? '';
		if (!TOKEN_PATTERN.test(token)) return refuse(ws, 'BAD_TOKEN', 'token format', name);
		const door = parseDoorRoom(name);
		if (door && Date.now() >= door.expires) return refuse(ws, 'DOOR_EXPIRED', 'door past its expiry', name);
		if (!(await addressConnections.acquire(address, limits.connectionsPerAddress))) return refuse(ws, 'ADDRESS_BUSY', 'connections per address', name);
		let counted = true;
		const uncount = () => {
			if (!counted) return;
			counted = false;
			addressConnections.release(address);
		};
		ws.once('close', uncount);
		if (ws.readyState !== ws.OPEN) return uncount();

		// Past the memory budget no room is loaded; rooms already in memory still take newcomers.
		if (!rooms.isLoaded(name) && overMemoryBudget(limits)) {
			uncount();
			return refuse(ws, 'MEMORY_FULL', 'memory budget', name);
		}
		let room;
		try {
			room = await rooms.get(name);
		} catch (error) {
			logger.error({ err: error, room: name }, 'loading a room failed');
			uncount();
			return refuse(ws, 'STORAGE_FAILED', 'load', name);
		}
		if (ws.readyState !== ws.OPEN) {
			uncount();
			void rooms.release(room);
			return;
		}
		const tokenHash = hashToken(token);
		if (room.forwarding && Date.now() >= room.forwarding.deleteAt) {
			// Past its grace period (the sweep has not come by yet): deleted now, and nobody reads it. Like any
			// deleted room, only its token holders learn that it is gone.
			const holder = room.tokenHash !== undefined && sameHash(room.tokenHash, tokenHash);
			uncount();
			await rooms.delete(name, CLOSE.ROOM_DELETED);
			metrics.frozenDeleted.inc();
			return holder ? refuse(ws, 'ROOM_DELETED', 'frozen room past its grace period', name) : refuse(ws, 'BAD_TOKEN', 'token mismatch', name);
		}
		if (door && (room.deleted || (room.tokenHash && sameHash(room.tokenHash, REVOKED_DOOR)))) {
			uncount();
			void rooms.release(room);
			return refuse(ws, 'DOOR_REVOKED', 'door revoked', name);
		}
		if (room.deleted) {
			// Its token holders learn that it is gone; any other token is refused as on every claimed room.
			const holder = room.tokenHash !== undefined && sameHash(room.tokenHash, tokenHash);
			uncount();
			void rooms.release(room);
			return holder ? refuse(ws, 'ROOM_DELETED', 'room deleted', name) : refuse(ws, 'BAD_TOKEN', 'token mismatch', name);
		}
		if (!room.tokenHash) {
			if ((await roomCreations.take(address)) > 0) {
				uncount();
				void rooms.release(room);
				return refuse(ws, 'ROOM_CREATION_LIMITED', 'rooms per minute', name);
			}
			if ((await roomCreationsPerDay.take(address)) > 0) {
				uncount();
				void rooms.release(room);
				return refuse(ws, 'ROOM_CREATION_LIMITED', 'rooms per day', name);
			}
			// Trust on first use: the first token a room sees is its token from now on.
			if (!(await store.claim(name, tokenHash))) room.tokenHash = await store.tokenHash(name);
			else room.tokenHash = tokenHash;
		}
		if (!room.tokenHash || !sameHash(room.tokenHash, tokenHash)) {
			uncount();
			void rooms.release(room);
			return refuse(ws, 'BAD_TOKEN', 'token mismatch', name);
		}
		if (room.members.size >= limits.connectionsPerRoom) {
			uncount();
			return refuse(ws, 'ROOM_BUSY', 'connections per room', name);
		}
		// Synchronous from here to the replay: no message can arrive in between and be lost or doubled.
		const early = takeEarly();
		const connection = new Connection(
			ws,
			room,
			{ rooms, limits, metrics, logger, work, addressBytes },
			{
				saved: url.searchParams.get('saved') === '1',
				address,
				onClosed: () => {
					connections.delete(connection);
					metrics.connections.set(connections.size);
					uncount();
					void rooms.release(room);
				}
			}
		);
		connections.add(connection);
		metrics.connections.set(connections.size);
		connection.start();
		for (const [data, isBinary] of early) ws.emit('message', data, isBinary);
	}

	// Liveness: a connection that did not answer the previous ping is gone (phones drop off without a FIN).
	const pinger = setInterval(() => {
		for (const connection of connections) {
			if (!connection.alive) {
				connection.terminate();
				continue;
			}
			connection.alive = false;
		}
		for (const client of wss.clients) client.ping();
	}, limits.pingIntervalMs);
	pinger.unref();

	// Over the memory budget, rooms nobody wrote to for IDLE_ROOM_SECONDS leave memory (their members are
	// closed with MEMORY_FULL and reconnect later); the rooms in use stay.
	const memoryCheck = setInterval(() => {
		if (!overMemoryBudget(limits)) return;
		rooms.unloadIdle(limits.idleRoomMs, CLOSE.MEMORY_FULL).then(
			(count) => {
				if (count > 0) logger.warn({ rooms: count }, 'over the memory budget: idle rooms unloaded');
			},
			(error: unknown) => logger.error({ err: error }, 'unloading idle rooms failed')
		);
	}, MEMORY_CHECK_MS);
	memoryCheck.unref();

	// Frozen rooms are deleted once their grace period (FROZEN_ROOM_SECONDS) has passed, checked every minute
	// (more often for a short period); the gauge counts those still waiting.
	let sweeping: Promise<void> | undefined;
	const sweep = setInterval(() => {
		sweeping ??= rooms
			.sweepFrozen(Date.now(), CLOSE.ROOM_DELETED)
			.then(
				({ frozen, deleted }) => {
					metrics.frozenRooms.set(frozen);
					metrics.frozenDeleted.inc(deleted);
				},
				(error: unknown) => logger.error({ err: error }, 'deleting frozen rooms failed')
			)
			.finally(() => (sweeping = undefined));
	}, frozenSweepMs(limits.frozenRoomMs));
	sweep.unref();

	return {
		/** Takes over an HTTP upgrade for a `/sync/` path; returns false for other paths. */
		handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
			if (!url.pathname.startsWith(SYNC_PREFIX)) return false;
			if (closing) {
				socket.destroy();
				return true;
			}
			const address = clientAddress(req, options.trustProxy ?? false);
			wss.handleUpgrade(req, socket, head, (ws) => {
				// Until the room is joined, early messages would be lost: hold them and replay after join.
				const early: [unknown, boolean][] = [];
				const hold = (data: unknown, isBinary: boolean) => early.push([data, isBinary]);
				ws.on('message', hold);
				ws.on('error', () => ws.terminate());
				const takeEarly = () => {
					ws.off('message', hold);
					return early.splice(0);
				};
				join(ws, url, address, takeEarly)
					.catch((error: unknown) => {
						logger.error({ err: error }, 'join failed');
						if (ws.readyState === ws.OPEN) ws.close(CLOSE.STORAGE_FAILED, 'STORAGE_FAILED');
					})
					.finally(() => ws.off('message', hold));
			});
			return true;
		},

		/**
		 * `DELETE /sync/<room>`; returns false for other requests. Only a door room is deleted this way, with its
		 * revoke token (its room token is in every request link, and the revoke token hashes to the invite id its
		 * name carries, so no other room can be named by it); the door is claimed by REVOKED_DOOR if nobody joined
		 * it yet and deleted, for good. Every other room answers 405 whatever the token, so the answer says nothing
		 * about whether it exists: a group room is deleted only by the relay itself.
		 */
		async handleDelete(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
			if (req.method !== 'DELETE' || !url.pathname.startsWith(SYNC_PREFIX)) return false;
			const name = roomOf(url.pathname) ?? '';
			const send = (status: number, body: unknown) => {
				res.statusCode = status;
				res.setHeader('Content-Type', 'application/json; charset=utf-8');
				res.end(JSON.stringify(body));
			};
			const door = ROOM_PATTERN.test(name) ? parseDoorRoom(name) : undefined;
			if (!door) {
				logger.debug({ room: name }, 'delete refused');
				res.setHeader('Allow', 'GET');
				return (send(405, { error: 'method_not_allowed' }), true);
			}
			const token = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
			// Depends on the name and the token alone: a known and an unknown door answer alike.
			if (!revokes(door.inviteId, token)) {
				metrics.refusals.inc({ reason: 'BAD_TOKEN' });
				return (send(401, { error: 'bad_token' }), true);
			}
			await store.claim(name, REVOKED_DOOR);
			await rooms.delete(name, CLOSE.DOOR_REVOKED);
			const loaded = await rooms.peek(name).catch(() => undefined);
			if (loaded) loaded.deleted = true;
			logger.info({ room: name }, 'door revoked');
			send(200, { revoked: true });
			return true;
		},

		/** Open connections (for metrics and tests). */
		get connectionCount(): number {
			return connections.size;
		},

		/** Rooms held in memory. */
		get loadedRooms(): number {
			return rooms.loaded;
		},

		/** Stops accepting, closes every connection with "going away", waits for compactions. */
		async close(): Promise<void> {
			closing = true;
			clearInterval(pinger);
			clearInterval(memoryCheck);
			clearInterval(sweep);
			await sweeping;
			addressBytes.close();
			await rooms.closeAll(CLOSE.GOING_AWAY);
			for (const client of wss.clients) client.terminate();
			wss.close();
		}
	};
}
