/**
 * Update bytes stored per client address per day (BYTES_PER_DAY_PER_ADDRESS). Counting every update in
 * Redis would add a round trip to each one, so each process adds up what an address stored and hands the
 * sum to the shared quota about once a second; an address found over it is refused until its day ends.
 * An address may so run past its quota by about one second of writes.
 */
import type { Quota } from './rate-limits.js';

/** How often the bytes counted here are handed to the shared quota. */
export const ADDRESS_BYTES_FLUSH_MS = 250;

export class AddressBytes {
	#quota: Quota;
	#pending = new Map<string, number>();
	#blockedUntil = new Map<string, number>();
	#timer: ReturnType<typeof setTimeout> | undefined;
	#onError: (error: unknown) => void;

	constructor(quota: Quota, onError: (error: unknown) => void) {
		this.#quota = quota;
		this.#onError = onError;
	}

	/** Whether the address may store more today (as far as this process has heard). */
	allows(address: string): boolean {
		const until = this.#blockedUntil.get(address);
		if (until === undefined) return true;
		if (until > Date.now()) return false;
		this.#blockedUntil.delete(address);
		return true;
	}

	/** Counts bytes the address stored. */
	charge(address: string, bytes: number): void {
		this.#pending.set(address, (this.#pending.get(address) ?? 0) + bytes);
		if (!this.#timer) {
			this.#timer = setTimeout(() => this.#flush(), ADDRESS_BYTES_FLUSH_MS);
			this.#timer.unref();
		}
	}

	#flush(): void {
		this.#timer = undefined;
		const pending = this.#pending;
		this.#pending = new Map();
		for (const [address, bytes] of pending) {
			this.#quota.take(address, bytes).then(
				(wait) => {
					if (wait > 0) this.#blockedUntil.set(address, Date.now() + wait * 1000);
				},
				(error: unknown) => this.#onError(error)
			);
		}
	}

	close(): void {
		clearTimeout(this.#timer);
	}
}
