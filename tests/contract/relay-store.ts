import { describe, expect, it } from 'vitest';
import type { RoomStore } from '../../sync-server/src/store/types';

/**
 * The contract every room store keeps (SQLite now; PostgreSQL for several relay processes later).
 * `setup` returns a fresh, empty store and a way to reopen the same storage after closing it.
 */
export function runRoomStoreContractTests(
	name: string,
	setup: () => Promise<{ store: RoomStore; reopen(): Promise<RoomStore>; cleanup(): Promise<void> }>
): void {
	describe(`room store contract: ${name}`, () => {
		const bytes = (...values: number[]) => new Uint8Array(values);

		it('an unknown room is empty and has no token hash', async () => {
			const { store, cleanup } = await setup();
			expect(await store.load('unknown-room')).toEqual({ tokenHash: undefined, updates: [], bytes: 0 });
			await store.close();
			await cleanup();
		});

		it('claims a room once; a second claim loses and the first hash stays', async () => {
			const { store, cleanup } = await setup();
			expect(await store.claim('room-a', bytes(1, 2, 3))).toBe(true);
			expect(await store.claim('room-a', bytes(9, 9, 9))).toBe(false);
			expect((await store.load('room-a')).tokenHash).toEqual(bytes(1, 2, 3));
			await store.close();
			await cleanup();
		});

		it('appends updates in order with increasing ids, and counts their bytes', async () => {
			const { store, cleanup } = await setup();
			const first = await store.append('room-a', bytes(1));
			const second = await store.append('room-a', bytes(2, 2));
			await store.append('room-b', bytes(3, 3, 3));
			expect(second).toBeGreaterThan(first);
			const room = await store.load('room-a');
			expect(room.updates.map((row) => row.update)).toEqual([bytes(1), bytes(2, 2)]);
			expect(room.bytes).toBe(3);
			expect(await store.size('room-a')).toEqual({ updates: 2, bytes: 3 });
			await store.close();
			await cleanup();
		});

		it('keeps appended updates across a reopen', async () => {
			const { store, reopen, cleanup } = await setup();
			await store.claim('room-a', bytes(7));
			await store.append('room-a', bytes(4, 5));
			await store.close();
			const again = await reopen();
			const room = await again.load('room-a');
			expect(room.tokenHash).toEqual(bytes(7));
			expect(room.updates.map((row) => row.update)).toEqual([bytes(4, 5)]);
			await again.close();
			await cleanup();
		});

		it('compaction replaces exactly the named rows and leaves the others', async () => {
			const { store, cleanup } = await setup();
			const a = await store.append('room-a', bytes(1));
			const b = await store.append('room-a', bytes(2));
			await store.append('room-a', bytes(3));
			await store.compact('room-a', [a, b], [bytes(1, 2)]);
			const updates = (await store.load('room-a')).updates.map((row) => Array.from(row.update)).sort();
			expect(updates).toEqual([[1, 2], [3]]);
			await store.close();
			await cleanup();
		});

		it('a compaction naming a missing row changes nothing', async () => {
			const { store, cleanup } = await setup();
			const a = await store.append('room-a', bytes(1));
			await expect(store.compact('room-a', [a, a + 1000], [bytes(9)])).rejects.toThrow();
			expect((await store.load('room-a')).updates.map((row) => row.update)).toEqual([bytes(1)]);
			await store.close();
			await cleanup();
		});

		it('deletes a room with its token hash and updates, and only that room', async () => {
			const { store, cleanup } = await setup();
			await store.claim('room-a', bytes(1));
			await store.append('room-a', bytes(1));
			await store.append('room-b', bytes(2));
			await store.delete('room-a');
			expect(await store.load('room-a')).toEqual({ tokenHash: undefined, updates: [], bytes: 0 });
			expect((await store.load('room-b')).updates).toHaveLength(1);
			await store.close();
			await cleanup();
		});

		it('answers health checks while open and refuses calls after close', async () => {
			const { store, cleanup } = await setup();
			expect(await store.healthy()).toBe(true);
			await store.close();
			await expect(store.append('room-a', bytes(1))).rejects.toThrow();
			await cleanup();
		});
	});
}
