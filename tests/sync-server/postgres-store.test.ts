import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { CompactionBusy, createPostgresStore } from '../../sync-server/src/store/postgres';
import { RoomFull } from '../../sync-server/src/store/types';
import { runRoomStoreContractTests } from '../contract/relay-store';
import { findPostgres, useTestDatabase } from '../helpers/postgres';

const server = await findPostgres();

describe.skipIf(!server)('PostgreSQL room store', () => {
	const database = useTestDatabase(server!);
	runRoomStoreContractTests('PostgreSQL', async () => {
		const url = await database.current.freshSchema();
		return { store: await createPostgresStore(url), reopen: () => createPostgresStore(url), cleanup: async () => {} };
	});
});

describe.skipIf(!server)('PostgreSQL room store across processes', () => {
	const database = useTestDatabase(server!);
	const twoStores = async () => {
		const url = await database.current.freshSchema();
		return [await createPostgresStore(url), await createPostgresStore(url)] as const;
	};

	it('keeps one forwarding record when two processes freeze a room at once', async () => {
		const [a, b] = await twoStores();
		try {
			for (let round = 0; round < 10; round++) {
				const room = `room-${round}`;
				const [fromA, fromB] = await Promise.all([a.forward(room, new Uint8Array([1, round]), 1000), b.forward(room, new Uint8Array([2, round]), 2000)]);
				expect(fromA).toEqual(fromB);
				expect(await a.forwarding(room)).toEqual(fromA);
			}
		} finally {
			await a.close();
			await b.close();
		}
	});

	it('gives each room contiguous ids in commit order, with appends of one turn committed together across rooms', async () => {
		const [a, b] = await twoStores();
		try {
			const appends: Promise<number>[] = [];
			for (let i = 0; i < 200; i++) {
				const store = i % 2 === 0 ? a : b;
				appends.push(store.append(`room-${i % 3}`, new Uint8Array([i % 256])));
			}
			const ids = await Promise.all(appends);
			for (const room of [0, 1, 2]) {
				const mine = ids.filter((_, i) => i % 3 === room).sort((x, y) => x - y);
				expect(mine).toEqual(Array.from({ length: mine.length }, (_, k) => k + 1));
			}
			// Within one store and room, ids follow the order of the calls.
			const fromA = ids.filter((_, i) => i % 2 === 0 && i % 3 === 0);
			expect(fromA).toEqual([...fromA].sort((x, y) => x - y));
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});

	it('keeps ids contiguous and in call order when appends keep arriving over many turns while commits run', async () => {
		const [a, b] = await twoStores();
		try {
			const appends: { store: 'a' | 'b'; room: number; id: Promise<number> }[] = [];
			for (let i = 0; i < 300; i++) {
				const store = i % 2 === 0 ? a : b;
				appends.push({ store: i % 2 === 0 ? 'a' : 'b', room: i % 3, id: store.append(`room-${i % 3}`, new Uint8Array([i % 256])) });
				if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
			}
			const ids = await Promise.all(appends.map((append) => append.id));
			for (const room of [0, 1, 2]) {
				const mine = ids.filter((_, i) => appends[i]!.room === room).sort((x, y) => x - y);
				expect(mine).toEqual(Array.from({ length: mine.length }, (_, k) => k + 1));
				for (const store of ['a', 'b']) {
					const inCallOrder = ids.filter((_, i) => appends[i]!.room === room && appends[i]!.store === store);
					expect(inCallOrder).toEqual([...inCallOrder].sort((x, y) => x - y));
				}
			}
			const rows: number[] = [];
			for await (const page of a.updates('room-0', 1024 * 1024)) rows.push(...page.map((row) => row.update[0]!));
			expect(rows).toHaveLength(100);
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});

	it('two processes claiming a new room at the same moment: exactly one token wins', async () => {
		const [a, b] = await twoStores();
		try {
			for (let round = 0; round < 20; round++) {
				const room = `race-${round}`;
				const results = await Promise.all([a.claim(room, new Uint8Array([1])), b.claim(room, new Uint8Array([2]))]);
				expect(results.filter(Boolean)).toHaveLength(1);
				const winner = results[0] ? 1 : 2;
				expect((await b.info(room)).tokenHash).toEqual(new Uint8Array([winner]));
			}
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});

	it('refuses to compact a room another process is compacting, and changes nothing', async () => {
		const url = await database.current.freshSchema();
		const store = await createPostgresStore(url);
		const holder = new pg.Client({ connectionString: url });
		await holder.connect();
		try {
			const id = await store.append('room-a', new Uint8Array([1]));
			await holder.query('BEGIN');
			await holder.query("SELECT pg_advisory_xact_lock(hashtextextended('fieldbook:compact:' || $1, 0))", ['room-a']);
			await expect(store.replaceWithSnapshot('room-a', id, new Uint8Array([9]))).rejects.toBeInstanceOf(CompactionBusy);
			await holder.query('COMMIT');
			expect(await store.info('room-a')).toMatchObject({ updates: 1, bytes: 1 });
			expect(await store.replaceWithSnapshot('room-a', id, new Uint8Array([9]))).toBe(id + 1);
		} finally {
			await holder.end();
			await store.close();
		}
	});
});

describe.skipIf(!server)('PostgreSQL room byte limit across processes', () => {
	const database = useTestDatabase(server!);

	it('admits appends from two processes only while the room stays within the limit, and again after a compaction', async () => {
		const url = await database.current.freshSchema();
		const [a, b] = [await createPostgresStore(url), await createPostgresStore(url)];
		try {
			const update = new Uint8Array(100).fill(7);
			const results = await Promise.allSettled(
				Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).append('full', update, 1_000))
			);
			const stored = results.filter((result) => result.status === 'fulfilled');
			expect(stored).toHaveLength(10);
			for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(RoomFull);
			expect((await a.info('full')).bytes).toBe(1_000);
			await expect(b.append('full', new Uint8Array(1), 1_000)).rejects.toBeInstanceOf(RoomFull);
			// Without a limit the same room takes it; a compaction frees room under the limit again.
			const last = await a.append('full', new Uint8Array(1));
			await b.replaceWithSnapshot('full', last, new Uint8Array(50));
			expect(await a.append('full', update, 1_000)).toBeGreaterThan(last);
			expect((await b.info('full')).bytes).toBe(150);
		} finally {
			await Promise.all([a.close(), b.close()]);
		}
	});
});
