/**
 * The vault's sync status: what the relay lacks, the state a person sees, and a throttled reporter so
 * listeners hear each change once.
 */
import type * as Y from 'yjs';
import type { SyncStatus } from './api';

/** The status is recomputed at most this often. */
export const STATUS_INTERVAL_MS = 100;

/** Counts the elements of a Y.Array the relay's state vector does not cover (items of one client can be merged). */
export function uncovered(array: Y.Array<Uint8Array>, relay: Map<number, number>): number {
	let count = 0;
	for (let item = array._start; item !== null; item = item.right) {
		if (item.deleted) continue;
		const known = relay.get(item.id.client) ?? 0;
		const end = item.id.clock + item.length;
		if (end > known) count += end - Math.max(item.id.clock, known);
	}
	return count;
}

/**
 * How long the relay may stay silent, with the phone online, before the status says it cannot be reached:
 * long enough for a reconnect on a slow network, short enough that nobody mistakes it for normal.
 */
export const RELAY_UNREACHABLE_MS = 10_000;

/**
 * The state a person sees, from the network, the connection and what is still pending. `silentFor` is how
 * long the link has wanted the relay and heard nothing (undefined while synced or not trying).
 */
export function syncState(link: { online: boolean; synced: boolean; connecting: boolean; silentFor?: number }, pending: number): SyncStatus['state'] {
	if (!link.online) return 'offline';
	if (!link.synced && link.silentFor !== undefined && link.silentFor >= RELAY_UNREACHABLE_MS) return 'unreachable';
	if (link.synced) return pending === 0 ? 'savedRelay' : 'syncing';
	if (link.connecting) return 'syncing';
	return 'savedLocal';
}

function sameStatus(a: SyncStatus | undefined, b: SyncStatus): boolean {
	return (
		a !== undefined &&
		a.state === b.state &&
		a.pending === b.pending &&
		a.lastSyncedAt === b.lastSyncedAt &&
		a.problem === b.problem &&
		a.progress?.received === b.progress?.received &&
		a.upload?.sent === b.upload?.sent &&
		a.upload?.total === b.upload?.total
	);
}

/**
 * Tells listeners the status soon after something changed: at most once per STATUS_INTERVAL_MS, since
 * counting what the relay lacks walks every blob of the vault, and only when it differs from the last one.
 */
export class StatusReporter {
	readonly #compute: () => SyncStatus;
	#listeners = new Set<(status: SyncStatus) => void>();
	#queued = false;
	#last: SyncStatus | undefined;
	#stopped = false;

	constructor(compute: () => SyncStatus) {
		this.#compute = compute;
	}

	listen(listener: (status: SyncStatus) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Re-evaluates the status soon. */
	queue(): void {
		if (this.#queued || this.#stopped) return;
		this.#queued = true;
		setTimeout(() => {
			this.#queued = false;
			if (this.#stopped) return;
			const status = this.#compute();
			if (sameStatus(this.#last, status)) return;
			this.#last = status;
			for (const listener of this.#listeners) listener(status);
		}, STATUS_INTERVAL_MS);
	}

	stop(): void {
		this.#stopped = true;
	}
}
