/**
 * What a relay runs on, chosen by its configuration: SQLite files in DATA_DIR (one process, the default),
 * or PostgreSQL (DATABASE_URL) shared by several processes, with Redis (REDIS_URL) carrying each room's
 * updates and presence between them.
 */
import { mkdirSync } from 'node:fs';
import { memoryAddressConnections, redisAddressConnections, type AddressConnections } from './address-connections.js';
import { createPostgresCommonsStore } from './commons/postgres.js';
import { createSqliteCommonsStore } from './commons/sqlite.js';
import type { CommonsStore } from './commons/types.js';
import type { RelayConfig } from './config.js';
import { createRedisFanout } from './fanout/redis.js';
import type { Fanout } from './fanout/types.js';
import type { Logger } from './logger.js';
import { memoryRateLimits, redisRateLimits, type RateLimits } from './rate-limits.js';
import { createPostgresStore } from './store/postgres.js';
import { createSqliteStore } from './store/sqlite.js';
import type { RoomStore } from './store/types.js';

/** Whether each service a relay needs answers; `ok` only when all do. */
export interface Health {
	ok: boolean;
	storage: 'reachable' | 'unreachable';
	/** Present when DATABASE_URL is set. */
	postgres?: 'reachable' | 'unreachable';
	/** Present when REDIS_URL is set. */
	redis?: 'reachable' | 'unreachable';
}

/** The stores and the fan-out of one relay process. */
export interface Backends {
	store: RoomStore;
	commonsStore: CommonsStore;
	/** Undefined for a single process. */
	fanout: Fanout | undefined;
	/** Per-address limits, shared by the processes when they share Redis. */
	rateLimits: RateLimits;
	/** Open connections per address, counted across the processes when they share Redis. */
	addressConnections: AddressConnections;
	health(): Promise<Health>;
	/** Closes the fan-out, then the stores. */
	close(): Promise<void>;
}

/** How long a health check waits for a service before calling it unreachable. */
const HEALTH_TIMEOUT_MS = 2_000;

function answers(check: () => Promise<boolean>): Promise<boolean> {
	return Promise.race([
		check().catch(() => false),
		new Promise<boolean>((resolve) => setTimeout(resolve, HEALTH_TIMEOUT_MS, false).unref())
	]);
}

const word = (ok: boolean) => (ok ? 'reachable' : 'unreachable');

/** Opens what the configuration names; `given` stores (tests) are used as they are. */
export async function openBackends(
	config: RelayConfig,
	logger: Logger,
	given: { store?: RoomStore; commonsStore?: CommonsStore } = {}
): Promise<Backends> {
	const { databaseUrl, redisUrl, redisPrefix: prefix } = config;
	if (!databaseUrl) mkdirSync(config.dataDir, { recursive: true });
	const commonsStore = given.commonsStore ?? (databaseUrl ? await createPostgresCommonsStore(databaseUrl) : createSqliteCommonsStore(config.dataDir));
	const store = given.store ?? (databaseUrl ? await createPostgresStore(databaseUrl) : createSqliteStore(config.dataDir));
	const fanout = redisUrl
		? await createRedisFanout(redisUrl, { prefix, onError: (error) => logger.warn({ err: error }, 'redis') })
		: undefined;
	const rateLimits = redisUrl ? await redisRateLimits(redisUrl, prefix, (error) => logger.debug({ err: error }, 'redis limits')) : memoryRateLimits();
	const addressConnections = redisUrl
		? await redisAddressConnections(redisUrl, prefix, (error) => logger.debug({ err: error }, 'redis connection counts'))
		: memoryAddressConnections();
	return {
		store,
		commonsStore,
		fanout,
		rateLimits,
		addressConnections,
		async health() {
			const [rooms, commons, redis] = await Promise.all([
				answers(() => store.healthy()),
				answers(() => commonsStore.healthy()),
				fanout ? answers(() => fanout.healthy()) : Promise.resolve(true)
			]);
			const storage = rooms && commons;
			return {
				ok: storage && redis,
				storage: word(storage),
				...(databaseUrl ? { postgres: word(storage) } : {}),
				...(fanout ? { redis: word(redis) } : {})
			};
		},
		async close() {
			await Promise.all([fanout?.close(), rateLimits.close(), addressConnections.close()]);
			await Promise.all([store.close(), commonsStore.close()]);
		}
	};
}
