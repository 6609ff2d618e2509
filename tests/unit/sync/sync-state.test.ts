import { describe, expect, it } from 'vitest';
import { RELAY_UNREACHABLE_MS, syncState } from '../../../src/lib/sync/sync-status';
import { combineStatus } from '../../../src/lib/sync/workspace';

describe('the sync state a person sees', () => {
	const link = { online: true, synced: false, connecting: true };

	it('says the relay cannot be reached once it has been silent for RELAY_UNREACHABLE_MS with the phone online', () => {
		expect(RELAY_UNREACHABLE_MS).toBe(10_000);
		expect(syncState({ ...link, silentFor: 0 }, 0)).toBe('syncing');
		expect(syncState({ ...link, silentFor: RELAY_UNREACHABLE_MS - 1 }, 0)).toBe('syncing');
		expect(syncState({ ...link, silentFor: RELAY_UNREACHABLE_MS }, 0)).toBe('unreachable');
		// Not even trying to connect: still unreachable once silent that long (the socket keeps failing).
		expect(syncState({ ...link, connecting: false, silentFor: 60_000 }, 3)).toBe('unreachable');
		expect(syncState({ ...link, connecting: false, silentFor: 1_000 }, 3)).toBe('savedLocal');
	});

	it('says offline when the phone is, and never unreachable while synced or not trying', () => {
		expect(syncState({ ...link, online: false, silentFor: 60_000 }, 0)).toBe('offline');
		expect(syncState({ online: true, synced: true, connecting: true }, 0)).toBe('savedRelay');
		expect(syncState({ online: true, synced: true, connecting: true }, 2)).toBe('syncing');
		expect(syncState({ online: true, synced: false, connecting: false }, 0)).toBe('savedLocal');
	});

	it('combines groups with unreachable before syncing, keeping the oldest last sync', () => {
		const combined = combineStatus(
			[
				{ state: 'savedRelay', pending: 0 },
				{ state: 'unreachable', pending: 2, lastSyncedAt: 2_000 },
				{ state: 'unreachable', pending: 1, lastSyncedAt: 1_000 },
				{ state: 'syncing', pending: 0 }
			],
			true
		);
		expect(combined).toMatchObject({ state: 'unreachable', pending: 3, lastSyncedAt: 1_000 });
		expect(combineStatus([{ state: 'unreachable', pending: 0, lastSyncedAt: 5 }], false)).toEqual({ state: 'offline', pending: 0 });
	});
});
