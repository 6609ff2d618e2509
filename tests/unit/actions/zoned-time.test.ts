import { describe, expect, it } from 'vitest';
import { epochToLocal, isTimeZone, parseLocal, transitions, zonedToEpoch } from '../../../src/lib/actions/time';

describe('wall-clock times in a named zone', () => {
	it('convert to absolute moments and back', () => {
		expect(new Date(zonedToEpoch('2026-01-10T18:00', 'Europe/Stockholm')!).toISOString()).toBe('2026-01-10T17:00:00.000Z');
		expect(new Date(zonedToEpoch('2026-07-10T18:00', 'Europe/Stockholm')!).toISOString()).toBe('2026-07-10T16:00:00.000Z');
		expect(epochToLocal(Date.UTC(2026, 6, 10, 16), 'Europe/Stockholm')).toBe('2026-07-10T18:00');
		expect(epochToLocal(Date.UTC(2026, 6, 10, 16), 'America/Los_Angeles')).toBe('2026-07-10T09:00');
	});

	it('resolve the skipped and the repeated hour the way RFC 5545 does', () => {
		// 02:30 does not exist on 29 March 2026 in Stockholm: read with the offset before the change.
		expect(new Date(zonedToEpoch('2026-03-29T02:30', 'Europe/Stockholm')!).toISOString()).toBe('2026-03-29T01:30:00.000Z');
		// 02:30 happens twice on 25 October 2026: the first one.
		expect(new Date(zonedToEpoch('2026-10-25T02:30', 'Europe/Stockholm')!).toISOString()).toBe('2026-10-25T00:30:00.000Z');
	});

	it('reject malformed times and unknown zones', () => {
		expect(parseLocal('2026-02-30T10:00')).toBeUndefined();
		expect(parseLocal('2026-02-10 10:00')).toBeUndefined();
		expect(zonedToEpoch('2026-02-10T10:00', 'Mars/Olympus')).toBeUndefined();
		expect(isTimeZone('Europe/Stockholm')).toBe(true);
		expect(isTimeZone('')).toBe(false);
	});

	it('find the daylight-saving changes of a year to the minute', () => {
		const year = transitions('Europe/Stockholm', Date.UTC(2026, 0, 1), Date.UTC(2026, 11, 31));
		expect(year.map((t) => [new Date(t.at).toISOString(), t.from, t.to])).toEqual([
			['2026-03-29T01:00:00.000Z', 60, 120],
			['2026-10-25T01:00:00.000Z', 120, 60]
		]);
		expect(transitions('Asia/Tokyo', Date.UTC(2026, 0, 1), Date.UTC(2026, 11, 31))).toEqual([]);
	});
});
