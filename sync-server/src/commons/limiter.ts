/**
 * Per-address rate limits of the commons: a sliding window of hit times per client address. Exact (no
 * burst at a window edge) and small: at most `limit` times are kept per address, and idle addresses are
 * swept once per window.
 */

/** A sliding-window limit of `limit` hits per `windowMs` for each key. */
export class SlidingWindowLimiter {
	readonly #limit: number;
	readonly #windowMs: number;
	readonly #hits = new Map<string, number[]>();
	#sweptAt = 0;

	constructor(limit: number, windowMs: number) {
		this.#limit = limit;
		this.#windowMs = windowMs;
	}

	/** Counts one hit for `key`; returns 0 when allowed, else the whole seconds until a hit would be allowed. */
	take(key: string, now = Date.now()): number {
		this.#sweep(now);
		const since = now - this.#windowMs;
		const hits = (this.#hits.get(key) ?? []).filter((time) => time > since);
		if (hits.length >= this.#limit) {
			this.#hits.set(key, hits);
			return Math.max(1, Math.ceil((hits[0]! + this.#windowMs - now) / 1000));
		}
		hits.push(now);
		this.#hits.set(key, hits);
		return 0;
	}

	#sweep(now: number): void {
		if (now - this.#sweptAt < this.#windowMs) return;
		this.#sweptAt = now;
		for (const [key, hits] of this.#hits) {
			if ((hits.at(-1) ?? 0) <= now - this.#windowMs) this.#hits.delete(key);
		}
	}
}
