import { describe, expect, it } from 'vitest';
import { firstUnread, isPendingMessage, markRelayed, markSeen, relayedAt, seenCount, unreadCount } from '../../../src/lib/discussions/markers';

function memoryStorage() {
	const map = new Map<string, string>();
	return { getItem: (key: string) => map.get(key) ?? null, setItem: (key: string, value: string) => void map.set(key, value), map };
}

describe('read markers on this device', () => {
	it('count unread past the marker, never move back, and are kept per group and doc', () => {
		const storage = memoryStorage();
		expect(unreadCount(5, seenCount(storage, 'g1', 'd1'))).toBe(5);
		expect(firstUnread(5, seenCount(storage, 'g1', 'd1'))).toBe(0);
		expect(markSeen(storage, 'g1', 'd1', 3)).toBe(true);
		expect(markSeen(storage, 'g1', 'd1', 2)).toBe(false);
		expect(seenCount(storage, 'g1', 'd1')).toBe(3);
		expect(unreadCount(5, 3)).toBe(2);
		expect(firstUnread(5, 3)).toBe(3);
		expect(firstUnread(3, 3)).toBeUndefined();
		expect(seenCount(storage, 'g1', 'd2')).toBeUndefined();
		expect(seenCount(storage, 'g2', 'd1')).toBeUndefined();
		expect([...storage.map.keys()]).toEqual(['fieldbook.read.g1.d1']);
	});

	it('survive storage that throws', () => {
		const broken = { getItem: () => { throw new Error('blocked'); }, setItem: () => { throw new Error('blocked'); } };
		expect(markSeen(broken, 'g', 'd', 2)).toBe(true);
		expect(seenCount(broken, 'g', 'd')).toBeUndefined();
	});

	it('show only my messages written since the thread was last fully on the relay as pending', () => {
		const storage = memoryStorage();
		markRelayed(storage, 'g', 'd', 1000);
		const relayed = relayedAt(storage, 'g', 'd');
		expect(isPendingMessage({ author: 'me', time: 1500 }, 'me', true, relayed)).toBe(true);
		expect(isPendingMessage({ author: 'me', time: 500 }, 'me', true, relayed)).toBe(false);
		expect(isPendingMessage({ author: 'other', time: 1500 }, 'me', true, relayed)).toBe(false);
		expect(isPendingMessage({ author: 'me', time: 1500 }, 'me', false, relayed)).toBe(false);
	});
});
