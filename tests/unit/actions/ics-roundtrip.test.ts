import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { actionToIcs, icsFileName } from '../../../src/lib/actions/ics';
import type { ActionFields } from '../../../src/lib/actions/action';

const base: ActionFields = {
	title: 'Die-in at the town hall',
	description: 'Bring signs; we lie down at noon.',
	starts: '2026-06-12T12:00',
	ends: '2026-06-12T14:30',
	timeZone: 'Europe/Stockholm',
	place: 'Rådhustorget, Umeå',
	callToAction: 'Bring a friend.'
};

/** Parses with ical.js the way a calendar app would: register the file's zones, then read the event. */
function parse(text: string) {
	const calendar = new ICAL.Component(ICAL.parse(text));
	for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
	const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
	return {
		event,
		start: event.startDate.toUnixTime() * 1000,
		end: event.endDate.toUnixTime() * 1000
	};
}

describe('.ics files of actions', () => {
	it('parse back with ical.js to the right absolute times in summer time', () => {
		const text = actionToIcs(base, { uid: 'doc1', url: 'https://fieldbook.example/g/x/actions/doc1', now: Date.UTC(2026, 0, 1) });
		expect(text).toMatch(/\r\n$/);
		const { event, start, end } = parse(text);
		expect(new Date(start).toISOString()).toBe('2026-06-12T10:00:00.000Z');
		expect(new Date(end).toISOString()).toBe('2026-06-12T12:30:00.000Z');
		expect(event.startDate.zone?.tzid).toBe('Europe/Stockholm');
		expect(event.summary).toBe(base.title);
		expect(event.location).toBe(base.place);
		expect(event.description).toBe('Bring signs; we lie down at noon.\n\nBring a friend.');
		expect(event.uid).toBe('doc1@fieldbook');
	});

	it('gets the offset right on both sides of a daylight-saving change and in other zones', () => {
		const cases: [Partial<ActionFields>, string, string][] = [
			// Stockholm springs forward at 02:00 on 29 March 2026.
			[{ starts: '2026-03-29T01:30', ends: '2026-03-29T04:00' }, '2026-03-29T00:30:00.000Z', '2026-03-29T02:00:00.000Z'],
			[{ starts: '2026-12-01T18:00', ends: '', timeZone: 'America/New_York' }, '2026-12-01T23:00:00.000Z', '2026-12-02T00:00:00.000Z'],
			[{ starts: '2026-07-01T09:15', ends: '2026-07-01T10:00', timeZone: 'Asia/Kolkata' }, '2026-07-01T03:45:00.000Z', '2026-07-01T04:30:00.000Z'],
			[{ starts: '2026-07-01T09:00', ends: '2026-07-01T10:00', timeZone: 'UTC' }, '2026-07-01T09:00:00.000Z', '2026-07-01T10:00:00.000Z'],
			// Southern hemisphere: Sydney is on summer time (UTC+11) in January.
			[{ starts: '2027-01-15T19:00', ends: '2027-01-15T21:00', timeZone: 'Australia/Sydney' }, '2027-01-15T08:00:00.000Z', '2027-01-15T10:00:00.000Z']
		];
		for (const [patch, start, end] of cases) {
			const parsed = parse(actionToIcs({ ...base, ...patch }, { uid: 'x' }));
			expect([new Date(parsed.start).toISOString(), new Date(parsed.end).toISOString()]).toEqual([start, end]);
		}
	});

	it('keeps user text as text and refuses an action without a start', () => {
		const tricky = { ...base, title: 'A; B, C\nEND:VEVENT\nBEGIN:VEVENT' };
		const { event } = parse(actionToIcs(tricky, { uid: 'y' }));
		expect(event.summary).toBe(tricky.title);
		expect(() => actionToIcs({ ...base, starts: 'soon' }, { uid: 'z' })).toThrow();
		expect(icsFileName('Die-in at the town hall!')).toBe('die-in-at-the-town-hall.ics');
		expect(icsFileName('✊✊')).toBe('action.ics');
	});
});
