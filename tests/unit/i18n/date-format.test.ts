import { describe, expect, it } from 'vitest';
import { dateTimeFormat, formatDate, formatDateTime } from '../../../src/lib/format';

/** 25 November 2026, 13:05 UTC. */
const MOMENT = Date.UTC(2026, 10, 25, 13, 5);

describe('one date formatter for both languages', () => {
	it('spells a date and time the same way on every screen, month as a word, never 11/25/26 or 2026-11-25', () => {
		expect(formatDateTime(MOMENT, 'en', { timeZone: 'UTC' })).toBe('Nov 25, 2026, 01:05 PM');
		expect(formatDateTime(MOMENT, 'sv', { timeZone: 'UTC' })).toBe('25 nov. 2026 13:05');
		expect(formatDate(MOMENT, 'en', 'UTC')).toBe('Nov 25, 2026');
		expect(formatDate(MOMENT, 'sv', 'UTC')).toBe('25 nov. 2026');
	});

	it('names the zone when asked, and reads the moment in the zone given', () => {
		expect(formatDateTime(MOMENT, 'sv', { timeZone: 'Europe/Stockholm', zone: true })).toBe('25 nov. 2026 14:05 CET');
		expect(dateTimeFormat('en', { style: 'long', timeZone: 'Europe/Stockholm', zone: true }).format(MOMENT)).toBe('Wednesday, November 25, 2026 at 02:05 PM GMT+1');
	});
});
