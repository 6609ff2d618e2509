/**
 * Per-address rate limits that hold for the whole deployment: in this process's memory for a single relay,
 * in Redis (rate-limiter-flexible) when several processes share REDIS_URL, so an address cannot multiply
 * its allowance by the number of processes behind the load balancer.
 */
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { SlidingWindowLimiter } from './commons/limiter.js';

/** One limit of `limit` hits per window for each key. */
export interface RateLimit {
	/** Counts one hit for `key`; resolves 0 when allowed, else the whole seconds until a hit would be allowed. */
	take(key: string): Promise<number>;
}

/** A quota of `limit` points per fixed window for each key (bytes per day). */
export interface Quota {
	/** Counts `points` for `key`; resolves 0 when they fit, else the whole seconds until the window ends. */
	take(key: string, points: number): Promise<number>;
}

/** Makes the limits of one relay process. */
export interface RateLimits {
	/** The limit called `name` (a Redis key prefix), `limit` hits per `windowMs` per key. */
	limit(name: string, limit: number, windowMs: number): RateLimit;
	/** The quota called `name`, `limit` points per fixed window of `windowMs` per key. */
	quota(name: string, limit: number, windowMs: number): Quota;
	close(): Promise<void>;
}

/** Limits in this process's memory: exact sliding windows. */
export function memoryRateLimits(): RateLimits {
	return {
		limit(_name, limit, windowMs) {
			const window = new SlidingWindowLimiter(limit, windowMs);
			return { take: async (key) => window.take(key) };
		},
		quota(_name, limit, windowMs) {
			// One counter per key and window: what a key used is forgotten when its window ends.
			const used = new Map<string, { start: number; points: number }>();
			let sweptAt = 0;
			return {
				take: async (key, points) => {
					const now = Date.now();
					if (now - sweptAt >= windowMs) {
						sweptAt = now;
						for (const [k, entry] of used) if (now - entry.start >= windowMs) used.delete(k);
					}
					let entry = used.get(key);
					if (!entry || now - entry.start >= windowMs) used.set(key, (entry = { start: now, points: 0 }));
					if (entry.points + points > limit) return Math.max(1, Math.ceil((entry.start + windowMs - now) / 1000));
					entry.points += points;
					return 0;
				}
			};
		},
		close: async () => {}
	};
}

/**
 * Limits shared through Redis at `url` under keys starting with `prefix` (resolves once connected). While Redis cannot be reached each process falls back to its own
 * memory limit (rate-limiter-flexible's insurance limiter): a short outage loosens limits, it never
 * refuses every request.
 */
export async function redisRateLimits(url: string, prefix: string, onError: (error: unknown) => void = () => {}): Promise<RateLimits> {
	// Fail fast while disconnected: a queued limit check would hold up the request it guards.
	const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
	client.on('error', onError);
	await client.connect();
	return {
		limit(name, limit, windowMs) {
			const duration = Math.max(1, Math.ceil(windowMs / 1000));
			const limiter = new RateLimiterRedis({
				storeClient: client,
				keyPrefix: `${prefix}limit:${name}`,
				points: limit,
				duration,
				insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${prefix}limit:${name}`, points: limit, duration })
			});
			return {
				async take(key) {
					try {
						await limiter.consume(key);
						return 0;
					} catch (refusal) {
						if (refusal instanceof RateLimiterRes) return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
						throw refusal;
					}
				}
			};
		},
		quota(name, limit, windowMs) {
			const duration = Math.max(1, Math.ceil(windowMs / 1000));
			const limiter = new RateLimiterRedis({
				storeClient: client,
				keyPrefix: `${prefix}quota:${name}`,
				points: limit,
				duration,
				insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${prefix}quota:${name}`, points: limit, duration })
			});
			return {
				async take(key, points) {
					try {
						await limiter.consume(key, points);
						return 0;
					} catch (refusal) {
						if (refusal instanceof RateLimiterRes) return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
						throw refusal;
					}
				}
			};
		},
		async close() {
			await client.quit().catch(() => client.disconnect());
		}
	};
}
