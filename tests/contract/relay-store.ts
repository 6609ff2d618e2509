import { describe, expect, it } from 'vitest';
import { RoomDeleted, type RoomStore, type StoredUpdate } from '../../sync-server/src/store/types';

/** Every page of a room's rows, as the relay reads them when it loads a room. */
export async function pagesOf(store: RoomStore, room: string, pageBytes = 1024 * 1024): Promise<StoredUpdate[][]> {
	const pages: StoredUpdate[][] = [];
	for await (const page of store.updates(room, pageBytes)) pages.push(page);
	return pages;
}

/** Every stored update of a room, in id order. */
export async function rowsOf(store: RoomStore, room: string): Promise<Uint8Array[]> {
	return (await pagesOf(store, room)).flat().map((row) => row.update);
}

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
		const filled = (size: number, value: number) => new Uint8Array(size).fill(value);

		it('an unknown room is empty and has no token hash', async () => {
			const { store, cleanup } = await setup();
			expect(await store.info('unknown-room')).toEqual({ tokenHash: undefined, deleted: false, updates: 0, bytes: 0 });
			expect(await pagesOf(store, 'unknown-room')).toEqual([]);
			await store.close();
			await cleanup();
		});

		it('claims a room once; a second claim loses and the first hash stays', async () => {
			const { store, cleanup } = await setup();
			expect(await store.claim('room-a', bytes(1, 2, 3))).toBe(true);
			expect(await store.claim('room-a', bytes(9, 9, 9))).toBe(false);
			expect((await store.info('room-a')).tokenHash).toEqual(bytes(1, 2, 3));
			await store.close();
			await cleanup();
		});

		it('reads a token hash alone, and the bytes of every room together', async () => {
			const { store, cleanup } = await setup();
			expect(await store.tokenHash('room-a')).toBeUndefined();
			expect(await store.totalBytes()).toBe(0);
			await store.claim('room-a', bytes(4, 5, 6));
			await store.append('room-a', filled(100, 1));
			await store.append('room-b', filled(50, 2));
			expect(await store.tokenHash('room-a')).toEqual(bytes(4, 5, 6));
			expect(await store.tokenHash('room-b')).toBeUndefined();
			expect(await store.totalBytes()).toBe(150);
			await store.replaceWithSnapshot('room-a', Number.MAX_SAFE_INTEGER, filled(10, 3));
			expect(await store.totalBytes()).toBe(60);
			await store.delete('room-b');
			expect(await store.totalBytes()).toBe(10);
			await store.close();
			await cleanup();
		});

		it('appends updates in order with increasing ids, and counts their bytes', async () => {
			const { store, cleanup } = await setup();
			const first = await store.append('room-a', bytes(1));
			const second = await store.append('room-a', bytes(2, 2));
			await store.append('room-b', bytes(3, 3, 3));
			expect(second).toBeGreaterThan(first);
			expect(await rowsOf(store, 'room-a')).toEqual([bytes(1), bytes(2, 2)]);
			expect(await store.info('room-a')).toEqual({ tokenHash: undefined, deleted: false, updates: 2, bytes: 3 });
			await store.close();
			await cleanup();
		});

		it('streams a room in pages of about the asked size, in id order, each row once', async () => {
			const { store, cleanup } = await setup();
			const ids: number[] = [];
			for (let i = 0; i < 10; i++) ids.push(await store.append('room-a', filled(100, i)));
			ids.push(await store.append('room-a', filled(1000, 10)));
			await store.append('room-b', filled(100, 99));
			const pages = await pagesOf(store, 'room-a', 250);
			// 100-byte rows two to a page, then the row larger than a page alone.
			expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 2, 2, 1]);
			expect(pages.flat().map((row) => row.id)).toEqual(ids);
			expect(pages.flat().map((row) => row.update[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
			await store.close();
			await cleanup();
		});

		it('rows appended while a room is streamed are never repeated and never break the order', async () => {
			const { store, cleanup } = await setup();
			for (let i = 0; i < 4; i++) await store.append('room-a', filled(100, i));
			const seen: number[] = [];
			for await (const page of store.updates('room-a', 100)) {
				seen.push(...page.map((row) => row.id));
				if (seen.length === 1) await store.append('room-a', filled(100, 4));
			}
			expect(seen).toEqual([...seen].sort((a, b) => a - b));
			expect(new Set(seen).size).toBe(seen.length);
			expect(seen.length).toBeGreaterThanOrEqual(4);
			await store.close();
			await cleanup();
		});

		it('keeps appended updates and snapshots across a reopen', async () => {
			const { store, reopen, cleanup } = await setup();
			await store.claim('room-a', bytes(7));
			const a = await store.append('room-a', bytes(4, 5));
			await store.replaceWithSnapshot('room-a', a, bytes(6, 6, 6));
			await store.append('room-a', bytes(8));
			await store.close();
			const again = await reopen();
			expect((await again.info('room-a')).tokenHash).toEqual(bytes(7));
			expect(await rowsOf(again, 'room-a')).toEqual([bytes(6, 6, 6), bytes(8)]);
			await again.close();
			await cleanup();
		});

		it('a snapshot replaces every row up to the given id, keeps later rows, and gets a higher id', async () => {
			const { store, cleanup } = await setup();
			await store.append('room-a', bytes(1));
			const b = await store.append('room-a', bytes(2));
			const c = await store.append('room-a', bytes(3));
			const other = await store.append('room-b', bytes(9));
			const snapshot = await store.replaceWithSnapshot('room-a', b, bytes(1, 2));
			expect(snapshot).toBeGreaterThan(c);
			const rows = (await pagesOf(store, 'room-a')).flat();
			expect(rows.map((row) => row.update)).toEqual([bytes(3), bytes(1, 2)]);
			expect(rows.map((row) => row.id)).toEqual([c, snapshot]);
			expect(await store.info('room-a')).toEqual({ tokenHash: undefined, deleted: false, updates: 2, bytes: 3 });
			// Another room's rows are untouched, even with lower ids.
			expect((await pagesOf(store, 'room-b')).flat().map((row) => row.id)).toEqual([other]);
			// A second snapshot over everything leaves exactly one row.
			await store.replaceWithSnapshot('room-a', snapshot, bytes(1, 2, 3));
			expect(await rowsOf(store, 'room-a')).toEqual([bytes(1, 2, 3)]);
			await store.close();
			await cleanup();
		});

		it('a snapshot of an empty or unknown room is its only row', async () => {
			const { store, cleanup } = await setup();
			await store.replaceWithSnapshot('room-a', 0, bytes(5));
			expect(await rowsOf(store, 'room-a')).toEqual([bytes(5)]);
			await store.close();
			await cleanup();
		});

		it("deletes a room's updates and only that room, keeping its token hash as a tombstone", async () => {
			const { store, cleanup } = await setup();
			await store.claim('room-a', bytes(1));
			await store.append('room-a', bytes(1));
			await store.append('room-b', bytes(2));
			await store.delete('room-a');
			expect(await store.info('room-a')).toEqual({ tokenHash: bytes(1), deleted: true, updates: 0, bytes: 0 });
			expect(await store.totalBytes()).toBe(1);
			expect(await rowsOf(store, 'room-b')).toHaveLength(1);
			expect(await store.info('room-b')).toMatchObject({ deleted: false });
			await store.delete('room-a');
			expect(await store.info('room-a')).toEqual({ tokenHash: bytes(1), deleted: true, updates: 0, bytes: 0 });
			await store.close();
			await cleanup();
		});

		it('takes no snapshot into a deleted room: a compaction that lost the race stores nothing', async () => {
			const { store, cleanup } = await setup();
			await store.claim('room-a', bytes(1));
			const id = await store.append('room-a', filled(100, 1));
			await store.delete('room-a');
			await expect(store.replaceWithSnapshot('room-a', id, filled(100, 1))).rejects.toBeInstanceOf(RoomDeleted);
			expect(await store.info('room-a')).toEqual({ tokenHash: bytes(1), deleted: true, updates: 0, bytes: 0 });
			expect(await store.totalBytes()).toBe(0);
			await store.close();
			await cleanup();
		});

		it('never lets a deleted room be claimed again, with any token, after a reopen too', async () => {
			const { store, reopen, cleanup } = await setup();
			await store.claim('room-a', bytes(1));
			await store.delete('room-a');
			expect(await store.claim('room-a', bytes(9))).toBe(false);
			expect(await store.claim('room-a', bytes(1))).toBe(false);
			// Deleted before anyone claimed it: nobody ever does.
			await store.delete('room-never');
			expect(await store.claim('room-never', bytes(9))).toBe(false);
			expect(await store.info('room-never')).toEqual({ tokenHash: undefined, deleted: true, updates: 0, bytes: 0 });
			await store.close();
			const again = await reopen();
			expect(await again.claim('room-a', bytes(9))).toBe(false);
			expect(await again.claim('room-never', bytes(9))).toBe(false);
			expect(await again.tokenHash('room-a')).toEqual(bytes(1));
			expect(await again.info('room-a')).toMatchObject({ deleted: true });
			await again.close();
			await cleanup();
		});

		it('keeps the first forwarding record of a room (compare-and-set), across reopening', async () => {
			const { store, reopen, cleanup } = await setup();
			expect(await store.forwarding('room-a')).toBeUndefined();
			expect(await store.frozen()).toEqual([]);
			const first = await store.forward('room-a', bytes(1, 1), 1000);
			expect(first).toEqual({ record: bytes(1, 1), deleteAt: 1000 });
			expect(await store.forward('room-a', bytes(2, 2), 2000)).toEqual(first);
			expect(await store.forward('room-b', bytes(3), 3000)).toEqual({ record: bytes(3), deleteAt: 3000 });
			await store.close();
			const again = await reopen();
			expect(await again.forwarding('room-a')).toEqual(first);
			expect((await again.frozen()).sort((a, b) => a.deleteAt - b.deleteAt)).toEqual([
				{ room: 'room-a', deleteAt: 1000 },
				{ room: 'room-b', deleteAt: 3000 }
			]);
			await again.close();
			await cleanup();
		});

		it('lets exactly one of many concurrent forwarding records win', async () => {
			const { store, cleanup } = await setup();
			const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.forward('room-a', bytes(i + 1), 1000 + i)));
			const winner = results[0]!;
			for (const result of results) expect(result).toEqual(winner);
			expect(await store.forwarding('room-a')).toEqual(winner);
			await store.close();
			await cleanup();
		});

		it('deleting a frozen room removes its forwarding record with its rows', async () => {
			const { store, cleanup } = await setup();
			await store.claim('room-a', bytes(7));
			await store.append('room-a', bytes(1, 2, 3));
			await store.forward('room-a', bytes(9), 1000);
			await store.delete('room-a');
			expect(await store.forwarding('room-a')).toBeUndefined();
			expect(await store.frozen()).toEqual([]);
			expect(await rowsOf(store, 'room-a')).toEqual([]);
			await store.close();
			await cleanup();
		});

		it('answers health checks while open and refuses calls after close', async () => {
			const { store, cleanup } = await setup();
			expect(await store.healthy()).toBe(true);
			await store.close();
			await expect(store.append('room-a', bytes(1))).rejects.toThrow();
			await expect(pagesOf(store, 'room-a')).rejects.toThrow();
			await cleanup();
		});
	});
}
