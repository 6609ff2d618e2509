import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { memoryCommonsCache, readThrough, MAX_CACHED_LISTS, type CommonsCache } from '../../../src/lib/commons/cache';
import { CommonsError } from '../../../src/lib/commons/client';
import { indexedDbCommonsCache } from '../../../src/lib/storage/commons-cache';
import type { Entry, ListPage } from '../../../src/lib/commons/types';

const page = (title: string): ListPage => ({ entries: [{ id: title, title } as unknown as ListPage['entries'][number]], total: 1, offset: 0, limit: 20 });

function runCacheContract(name: string, make: () => CommonsCache) {
	describe(`commons offline copy (${name})`, () => {
		it('shows the fresh answer and keeps it; shows the kept copy with its time when offline', async () => {
			const cache = make();
			const fresh = await readThrough(async () => page('one'), () => cache.getList('q=a'), (value, at) => cache.putList('q=a', value, at), () => 100);
			expect(fresh).toEqual({ value: page('one'), fetchedAt: 100 });
			const offline = await readThrough(
				async () => {
					throw new CommonsError('offline', 'Failed to fetch');
				},
				() => cache.getList('q=a'),
				(value, at) => cache.putList('q=a', value, at),
				() => 200
			);
			expect(offline.value).toEqual(page('one'));
			expect(offline.fetchedAt).toBe(100);
			expect(offline.stale?.code).toBe('offline');
		});

		it('passes a refusal through and fails offline when nothing was kept', async () => {
			const cache = make();
			await cache.putEntry({ id: 'x', title: 'kept' } as unknown as Entry, 1);
			const gone = readThrough(async () => Promise.reject(new CommonsError('unpublished', 'gone', 410)), () => cache.getEntry('x'), (value, at) => cache.putEntry(value, at));
			await expect(gone).rejects.toMatchObject({ code: 'unpublished' });
			const nothing = readThrough(async () => Promise.reject(new CommonsError('offline', 'down')), () => cache.getEntry('y'), (value, at) => cache.putEntry(value, at));
			await expect(nothing).rejects.toMatchObject({ code: 'offline' });
			await cache.deleteEntry('x');
			expect(await cache.getEntry('x')).toBeUndefined();
		});

		it('forgets a hidden entry in its own copy and in every kept list', async () => {
			const cache = make();
			const two: ListPage = { entries: [{ id: 'a' }, { id: 'b' }] as unknown as ListPage['entries'], total: 7, offset: 0, limit: 20 };
			await cache.putList('q=x', two, 1);
			await cache.putList('q=y', page('c'), 2);
			await cache.putEntry({ id: 'a', title: 'kept' } as unknown as Entry, 1);
			await cache.deleteEntry('a');
			expect(await cache.getEntry('a')).toBeUndefined();
			expect((await cache.getList('q=x'))?.value).toEqual({ entries: [{ id: 'b' }], total: 6, offset: 0, limit: 20 });
			expect((await cache.getList('q=x'))?.fetchedAt).toBe(1);
			expect((await cache.getList('q=y'))?.value).toEqual(page('c'));
		});

		it(`keeps at most ${MAX_CACHED_LISTS} list queries, dropping the oldest`, async () => {
			const cache = make();
			for (let index = 0; index <= MAX_CACHED_LISTS; index++) await cache.putList(`q=${index}`, page(String(index)), index);
			expect(await cache.getList('q=0')).toBeUndefined();
			expect((await cache.getList(`q=${MAX_CACHED_LISTS}`))?.value).toEqual(page(String(MAX_CACHED_LISTS)));
		});
	});
}

runCacheContract('memory', memoryCommonsCache);
runCacheContract('IndexedDB', () => indexedDbCommonsCache(`t${Math.random()}-`, { indexedDB: new IDBFactory(), IDBKeyRange }));
