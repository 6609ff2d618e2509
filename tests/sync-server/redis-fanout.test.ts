import { afterEach, describe, expect, it } from 'vitest';
import { createRedisFanout, decodeFanoutBatch, encodeFanoutBatch, type RoomMessage } from '../../sync-server/src/fanout/redis';
import type { Fanout, FanoutMessage } from '../../sync-server/src/fanout/types';
import { findRedis, startRedis } from '../helpers/redis';

const redisUrl = await findRedis();

describe('fan-out messages', () => {
	it('encode and decode every kind, several rooms in one batch, in order', () => {
		const messages: RoomMessage[] = [
			{ room: 'room-a', message: { kind: 'update', id: 42, update: new Uint8Array([1, 2, 3]) } },
			{ room: 'room-b', message: { kind: 'awareness', update: new Uint8Array([9]) } },
			{ room: 'room-a', message: { kind: 'snapshot', upTo: 7, id: 8 } },
			{ room: 'room-c', message: { kind: 'head', id: 2 ** 40 } },
			{ room: 'room-b', message: { kind: 'deleted' } }
		];
		expect(decodeFanoutBatch(encodeFanoutBatch('origin-1', messages))).toEqual({ origin: 'origin-1', messages });
		expect(() => decodeFanoutBatch(new Uint8Array([1, 65, 1, 1, 66, 9]))).toThrow();
	});
});

describe.skipIf(!redisUrl)('Redis fan-out', () => {
	const opened: Fanout[] = [];
	afterEach(async () => {
		await Promise.all(opened.splice(0).map((fanout) => fanout.close()));
	});

	it("delivers a room's messages to the other processes that joined it, never back to the sender", async () => {
		const [a, b, c] = await Promise.all([0, 1, 2].map(() => createRedisFanout(redisUrl!)));
		opened.push(a!, b!, c!);
		const room = `room-${Date.now()}`;
		const atA: FanoutMessage[] = [];
		const atB: FanoutMessage[] = [];
		const atC: FanoutMessage[] = [];
		await a!.join(room, (message) => atA.push(message));
		await b!.join(room, (message) => atB.push(message));
		await c!.join(`${room}-other`, (message) => atC.push(message));
		const sent: FanoutMessage[] = Array.from({ length: 50 }, (_, id) => ({ kind: 'update', id, update: new Uint8Array([id]) }));
		for (const message of sent) a!.publish(room, message);
		b!.publish(room, { kind: 'head', id: 99 });
		await expect.poll(() => atB.length).toBe(50);
		expect(atB).toEqual(sent);
		await expect.poll(() => atA).toEqual([{ kind: 'head', id: 99 }]);
		expect(atC).toEqual([]);
		await b!.leave(room);
		a!.publish(room, { kind: 'head', id: 100 });
		b!.publish(room, { kind: 'head', id: 101 });
		await expect.poll(() => atA.length).toBe(2);
		expect(atB).toHaveLength(50);
		expect(await a!.healthy()).toBe(true);
	});

	it('keeps deployments with different REDIS_PREFIX apart on one Redis', async () => {
		const [a, b, c, d] = await Promise.all(
			['deployment-a:', 'deployment-a:', 'deployment-b:', 'deployment-b:'].map((prefix) => createRedisFanout(redisUrl!, { prefix }))
		);
		opened.push(a!, b!, c!, d!);
		const room = `room-${Date.now()}`;
		const atB: FanoutMessage[] = [];
		const atD: FanoutMessage[] = [];
		await b!.join(room, (message) => atB.push(message));
		await d!.join(room, (message) => atD.push(message));
		a!.publish(room, { kind: 'head', id: 1 });
		await expect.poll(() => atB).toEqual([{ kind: 'head', id: 1 }]);
		// Redis ran A's publish before C's: had it reached D, it would come first.
		c!.publish(room, { kind: 'head', id: 2 });
		await expect.poll(() => atD.length).toBe(1);
		expect(atD).toEqual([{ kind: 'head', id: 2 }]);
		expect(atB).toEqual([{ kind: 'head', id: 1 }]);
	});

	it('tells each process when Redis is back after a restart, and carries messages again', async () => {
		const redis = await startRedis();
		try {
			const [a, b] = await Promise.all([createRedisFanout(redis.url), createRedisFanout(redis.url)]);
			opened.push(a!, b!);
			let resumedA = 0;
			let resumedB = 0;
			a!.onResume(() => resumedA++);
			b!.onResume(() => resumedB++);
			const atB: FanoutMessage[] = [];
			await b!.join('room-r', (message) => atB.push(message));
			await redis.stop();
			a!.publish('room-r', { kind: 'head', id: 1 });
			await redis.start();
			await expect.poll(() => [resumedA, resumedB], { timeout: 30_000 }).toEqual([1, 1]);
			a!.publish('room-r', { kind: 'head', id: 2 });
			await expect.poll(() => atB).toEqual([{ kind: 'head', id: 2 }]);
		} finally {
			await redis.close();
		}
	});
});
