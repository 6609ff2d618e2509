/**
 * The relay's configuration: read from the environment once, validated, then passed to every module.
 * A bad value stops the process at start with a message naming the variable, never later at runtime.
 */
import { resolve } from 'node:path';
import { DEFAULT_MAX_FRAME_BYTES, DEFAULT_SYNC_FRAME_BYTES } from './shared/protocol.js';

/** Start of the Redis keys and channels when REDIS_PREFIX is not set. */
export const DEFAULT_REDIS_PREFIX = 'fieldbook:';

/** Everything the relay can be told by its environment. */
export interface RelayConfig {
	/** TCP port; 0 picks a free one (tests). */
	port: number;
	host: string;
	/** Folder of the SQLite databases (rooms, commons), used when `databaseUrl` is not set. */
	dataDir: string;
	/** PostgreSQL connection string: rooms and commons live there instead of SQLite (several processes may share it). */
	databaseUrl: string | undefined;
	/** Redis URL: updates and presence travel between the relay processes sharing `databaseUrl`. */
	redisUrl: string | undefined;
	/** Start of every Redis key and channel of this deployment (REDIS_PREFIX), so deployments can share one Redis. */
	redisPrefix: string;
	/** Folder of the built app; undefined serves no app (relay only). */
	staticDir: string | undefined;
	logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
	/** Admin token for commons moderation; undefined disables the admin endpoints. */
	commonsAdminToken: string | undefined;
	/** Bearer token that `/metrics` on the main port asks for; undefined: not served there without METRICS_PORT. */
	metricsToken: string | undefined;
	/** A separate port (on HOST) answering only `/metrics`, for a scraper on a private network; 0 picks one. */
	metricsPort: number | undefined;
	/** Other relays' origins the app may connect to (Content-Security-Policy `connect-src`), besides this one. */
	connectOrigins: string[];
	/** Believe the rightmost `X-Forwarded-For` address (TRUST_PROXY): set only behind a reverse proxy that appends it. */
	trustProxy: boolean;
	limits: RelayLimits;
	commons: CommonsLimits;
}

/** Limits of the commons API (COMMONS.md); each refusal has an error code there. */
export interface CommonsLimits {
	/** Largest payload string in UTF-8 bytes (`413 too_large`). */
	maxEntryBytes: number;
	/** Publishes, updates and unpublishes per client address per minute (`429 rate_limited`). */
	writesPerMinute: number;
	/** Reports per client address per hour (`429 rate_limited`). */
	reportsPerHour: number;
	/** Distinct client addresses whose reports hide an entry until an admin decides. */
	reportThreshold: number;
	/** How long a report counts and its salted address hash is kept (COMMONS_REPORT_WINDOW_HOURS). */
	reportWindowMs: number;
	/** Secret salt of the address hashes; undefined: a random one per process (COMMONS_REPORT_SALT). */
	reportSalt: string | undefined;
}

/** Limits that protect the relay and its rooms; each one has a named close code in protocol.ts. */
export interface RelayLimits {
	/** Largest websocket frame accepted. */
	maxFrameBytes: number;
	/** Sustained updates per second per connection (token bucket refill rate). */
	updatesPerSecond: number;
	/** Token bucket size: how many updates a connection may burst. */
	updateBurst: number;
	/** Stored bytes per room. */
	maxRoomBytes: number;
	connectionsPerRoom: number;
	connectionsPerAddress: number;
	/** New rooms one client address may create per minute. */
	roomsPerMinutePerAddress: number;
	/** Largest message of the first sync; bigger state is streamed in several frames. */
	syncFrameBytes: number;
	/** Interval of websocket pings; a connection that misses one is closed. */
	pingIntervalMs: number;
	/** Structs one update may carry, counted before it is decoded (MAX_UPDATE_STRUCTS). */
	maxUpdateStructs: number;
	/** Estimated integration steps one update may take (update-cost.ts); more closes with UPDATE_TOO_COSTLY. */
	maxUpdateWork: number;
	/** Integration steps per second one room may spend (a bucket of twice this); more closes with WORK_LIMITED. */
	roomWorkPerSecond: number;
	/** Integration steps per second every room together may spend on updates above CHEAP_UPDATE_WORK. */
	relayWorkPerSecond: number;
	/** Bytes of structs and deletions waiting for missing dependencies a room may hold. */
	maxPendingBytes: number;
	/** Stored bytes of every room together (MAX_TOTAL_BYTES); updates past it close with STORAGE_FULL. */
	maxTotalBytes: number;
	/** New rooms one client address may create per day. */
	roomsPerDayPerAddress: number;
	/** Update bytes one client address may have stored per day. */
	bytesPerDayPerAddress: number;
	/** Resident memory of the process (MEMORY_BUDGET_MB) past which idle rooms are unloaded and no room is loaded. */
	memoryBudgetBytes: number;
	/** A room whose last update or awareness message is older than this is idle (unloaded first over budget). */
	idleRoomMs: number;
	/** FROZEN_ROOM_SECONDS: how long a room with a forwarding record stays readable before it is deleted. */
	frozenRoomMs: number;
	/** Largest awareness message (MAX_AWARENESS_BYTES). */
	maxAwarenessBytes: number;
	/** Awareness client ids one connection may announce. */
	awarenessClientsPerConnection: number;
	/** Sustained awareness messages per second per connection (a bucket of twice this). */
	awarenessPerSecond: number;
	/** Open HTTP (and websocket) connections per client socket address (MAX_HTTP_CONNECTIONS_PER_ADDRESS). */
	httpConnectionsPerAddress: number;
	/** Time a client has to send a request's headers. */
	headersTimeoutMs: number;
	/** Time a client has to send a whole request, body included. */
	requestTimeoutMs: number;
}

/** A configuration problem, naming the variable. */
export class ConfigError extends Error {
	constructor(variable: string, problem: string) {
		super(`${variable}: ${problem}`);
		this.name = 'ConfigError';
	}
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Record<string, string | undefined>;

const HOUR_MS = 3_600_000;

/** A yes/no variable: unset, empty, `0` or `false` is no; `1` or `true` is yes; anything else stops the start. */
function flag(env: Env, name: string): boolean {
	const raw = env[name]?.trim().toLowerCase();
	if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
	if (raw === '1' || raw === 'true') return true;
	throw new ConfigError(name, 'must be 1, true, 0 or false');
}

/** Several relay processes sharing PostgreSQL must hash addresses alike, so they share the salt. */
function reportSalt(env: Env): string | undefined {
	const salt = env.COMMONS_REPORT_SALT?.trim() || undefined;
	if (salt !== undefined && salt.length < 16) throw new ConfigError('COMMONS_REPORT_SALT', 'must be at least 16 characters');
	return salt;
}

function integer(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
	const value = Number(raw);
	if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
	return value;
}

/**
 * RELAY_ORIGINS: other relays (space or comma separated) whose groups devices on this app may sync with.
 * Each http(s) origin also allows its websocket twin, the way the app connects.
 */
function relayOrigins(raw: string | undefined): string[] {
	const origins: string[] = [];
	for (const item of (raw ?? '').split(/[\s,]+/).filter(Boolean)) {
		let url: URL;
		try {
			url = new URL(item);
		} catch {
			throw new ConfigError('RELAY_ORIGINS', `"${item}" is not a URL`);
		}
		if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) throw new ConfigError('RELAY_ORIGINS', `"${item}" is not http(s) or ws(s)`);
		const secure = url.protocol === 'https:' || url.protocol === 'wss:';
		origins.push(`${secure ? 'https' : 'http'}://${url.host}`, `${secure ? 'wss' : 'ws'}://${url.host}`);
	}
	return origins;
}

/** A URL variable with one of `protocols`, or undefined when unset. */
function serviceUrl(env: Env, name: string, protocols: string[]): string | undefined {
	const raw = env[name]?.trim();
	if (!raw) return undefined;
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new ConfigError(name, 'is not a URL');
	}
	if (!protocols.includes(url.protocol)) throw new ConfigError(name, `expected a ${protocols.map((p) => `${p}//`).join(' or ')} URL`);
	return raw;
}

/** REDIS_PREFIX: letters, digits and `:_.-`, at most 64 characters; `fieldbook:` when unset. */
function redisPrefix(env: Env): string {
	const raw = env.REDIS_PREFIX;
	if (raw === undefined) return DEFAULT_REDIS_PREFIX;
	const prefix = raw.trim();
	if (!/^[A-Za-z0-9:_.-]{1,64}$/.test(prefix)) throw new ConfigError('REDIS_PREFIX', 'expected 1 to 64 letters, digits or ":_.-"');
	return prefix;
}

/** Parses and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): RelayConfig {
	const host = env.HOST?.trim() || '127.0.0.1';
	const logLevel = env.LOG_LEVEL?.trim() || 'info';
	if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
		throw new ConfigError('LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
	}
	const adminToken = env.COMMONS_ADMIN_TOKEN?.trim() || undefined;
	if (adminToken !== undefined && adminToken.length < 16) {
		throw new ConfigError('COMMONS_ADMIN_TOKEN', 'must be at least 16 characters');
	}
	const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
	if (metricsToken !== undefined && metricsToken.length < 16) {
		throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters');
	}
	const metricsPort = env.METRICS_PORT?.trim() ? integer(env, 'METRICS_PORT', 0, 0, 65535) : undefined;
	const staticDir = env.STATIC_DIR === '' ? undefined : resolve(env.STATIC_DIR ?? 'build');
	const databaseUrl = serviceUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
	const redisUrl = serviceUrl(env, 'REDIS_URL', ['redis:', 'rediss:']);
	// Processes that fan out to each other must share their rooms; per-process SQLite files cannot.
	if (redisUrl && !databaseUrl) throw new ConfigError('REDIS_URL', 'needs DATABASE_URL (several processes share rooms in PostgreSQL)');
	return {
		port: integer(env, 'PORT', 8787, 0, 65535),
		host,
		dataDir: resolve(env.DATA_DIR?.trim() || 'data'),
		databaseUrl,
		redisUrl,
		redisPrefix: redisPrefix(env),
		staticDir,
		logLevel: logLevel as RelayConfig['logLevel'],
		commonsAdminToken: adminToken,
		metricsToken,
		metricsPort,
		connectOrigins: relayOrigins(env.RELAY_ORIGINS),
		trustProxy: flag(env, 'TRUST_PROXY'),
		limits: {
			maxFrameBytes: integer(env, 'MAX_FRAME_BYTES', DEFAULT_MAX_FRAME_BYTES, 1024),
			updatesPerSecond: integer(env, 'UPDATES_PER_SECOND', 50, 1),
			updateBurst: integer(env, 'UPDATE_BURST', 200, 1),
			maxRoomBytes: integer(env, 'MAX_ROOM_BYTES', 200 * 1024 * 1024, 1024),
			connectionsPerRoom: integer(env, 'MAX_CONNECTIONS_PER_ROOM', 200, 1),
			connectionsPerAddress: integer(env, 'MAX_CONNECTIONS_PER_ADDRESS', 5000, 1),
			roomsPerMinutePerAddress: integer(env, 'ROOMS_PER_MINUTE_PER_ADDRESS', 30, 1),
			syncFrameBytes: integer(env, 'SYNC_FRAME_BYTES', DEFAULT_SYNC_FRAME_BYTES, 1024),
			pingIntervalMs: integer(env, 'PING_INTERVAL_MS', 30_000, 100),
			maxUpdateStructs: integer(env, 'MAX_UPDATE_STRUCTS', 5_000, 100),
			maxUpdateWork: integer(env, 'MAX_UPDATE_WORK', 4_000_000, 1000),
			roomWorkPerSecond: integer(env, 'ROOM_WORK_PER_SECOND', 4_000_000, 1000),
			relayWorkPerSecond: integer(env, 'RELAY_WORK_PER_SECOND', 12_000_000, 1000),
			maxPendingBytes: integer(env, 'MAX_PENDING_BYTES', 4 * 1024 * 1024, 1024),
			maxTotalBytes: integer(env, 'MAX_TOTAL_BYTES', 20 * 1024 * 1024 * 1024, 1024),
			roomsPerDayPerAddress: integer(env, 'ROOMS_PER_DAY_PER_ADDRESS', 200, 1),
			bytesPerDayPerAddress: integer(env, 'BYTES_PER_DAY_PER_ADDRESS', 1024 * 1024 * 1024, 1024),
			memoryBudgetBytes: integer(env, 'MEMORY_BUDGET_MB', 1536, 16) * 1024 * 1024,
			idleRoomMs: integer(env, 'IDLE_ROOM_SECONDS', 300, 1) * 1000,
			frozenRoomMs: integer(env, 'FROZEN_ROOM_SECONDS', 30 * 24 * 3600, 1) * 1000,
			maxAwarenessBytes: integer(env, 'MAX_AWARENESS_BYTES', 16 * 1024, 256),
			awarenessClientsPerConnection: integer(env, 'AWARENESS_CLIENTS_PER_CONNECTION', 16, 1),
			awarenessPerSecond: integer(env, 'AWARENESS_PER_SECOND', 10, 1),
			httpConnectionsPerAddress: integer(env, 'MAX_HTTP_CONNECTIONS_PER_ADDRESS', 256, 1),
			headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 100),
			requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 100)
		},
		commons: {
			maxEntryBytes: integer(env, 'COMMONS_MAX_ENTRY_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
			writesPerMinute: integer(env, 'COMMONS_WRITES_PER_MINUTE', 30, 1),
			reportsPerHour: integer(env, 'COMMONS_REPORTS_PER_HOUR', 20, 1),
			reportThreshold: integer(env, 'COMMONS_REPORT_THRESHOLD', 3, 1),
			reportWindowMs: integer(env, 'COMMONS_REPORT_WINDOW_HOURS', 7 * 24, 1, 366 * 24) * HOUR_MS,
			reportSalt: reportSalt(env)
		}
	};
}
