import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { campaignToIcs } from '../../../src/lib/actions/ics';
import { campaignWhen } from '../../../src/lib/components/commons/format';
import { en, type MessageKey } from '../../../src/lib/i18n/catalogue';

const t = (key: MessageKey, params: Record<string, string> = {}) => en[key].replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
const base = { id: 'x'.repeat(22), title: 'Die-in', summary: 'Lie down', description: 'Bring signs', place: 'Lund', join: { contact: 'Signal' } };

function event(text: string) {
	const calendar = new ICAL.Component(ICAL.parse(text));
	for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
	return new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
}

describe('campaign times', () => {
	it('spells a timed campaign in its zone, and in the reader’s zone when that differs', () => {
		const times = { starts: '2026-12-05T14:00', ends: '2026-12-05T16:00', timeZone: 'Europe/Stockholm' };
		const there = campaignWhen(times, 'en-GB', t, 'Europe/Stockholm');
		expect(there.text).toMatch(/14:00.*16:00/);
		expect(there.local).toBeUndefined();
		const abroad = campaignWhen(times, 'en-GB', t, 'America/New_York');
		expect(abroad.local).toMatch(/Your time: .*08:00.*10:00/);
	});

	it('spells a dated campaign as its days', () => {
		const day = (d: number) => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(2026, 11, d));
		expect(campaignWhen({ starts: '2026-12-01', ends: '2026-12-03' }, 'en-GB', t).text).toBe(`${day(1)} – ${day(3)}`);
		expect(campaignWhen({ starts: '2026-12-01' }, 'en-GB', t).text).toBe(`From ${day(1)}, ongoing`);
	});

	it('writes a timed campaign as an event at the organiser’s instants', () => {
		const found = event(campaignToIcs({ ...base, starts: '2026-12-05T14:00', ends: '2026-12-05T16:00', timeZone: 'Europe/Stockholm' }, { url: 'https://x/commons/1' }));
		expect(new Date(found.startDate.toUnixTime() * 1000).toISOString()).toBe('2026-12-05T13:00:00.000Z');
		expect(new Date(found.endDate.toUnixTime() * 1000).toISOString()).toBe('2026-12-05T15:00:00.000Z');
		expect(found.description).toBe('Lie down\n\nBring signs\n\nSignal');
	});

	it('writes a dated campaign as all-day events over its days', () => {
		const found = event(campaignToIcs({ ...base, starts: '2026-12-01', ends: '2026-12-03' }, { url: 'https://x/commons/1' }));
		expect(found.startDate.isDate).toBe(true);
		expect(found.startDate.toString()).toBe('2026-12-01');
		expect(found.endDate.toString()).toBe('2026-12-04');
	});
});
