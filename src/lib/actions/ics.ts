/**
 * An action as an iCalendar file (RFC 5545) for calendar apps, built with ical.js. Times are written as
 * wall-clock times with the action's TZID plus a VTIMEZONE describing that zone's offsets around the
 * action (derived from the browser's zone data), so every calendar shows the moment the organisers meant.
 */
import ICAL from 'ical.js';
import type { ActionFields } from './action';
import { parseLocal, transitions, offsetMinutes, zonedToEpoch, type LocalParts } from './time';

/** Identifies the producing app in the file, as RFC 5545 requires. */
export const ICS_PRODID = '-//Fieldbook//Actions//EN';
/** The file's media type. */
export const ICS_MIME = 'text/calendar;charset=utf-8';
/** When an action has no end, calendars get this length so it is visible as a block. */
export const DEFAULT_DURATION_MS = 60 * 60 * 1000;
/** VTIMEZONE covers this much around the action, so offsets on both sides of it are described. */
const ZONE_MARGIN_MS = 366 * 86_400_000;

function icalTime(parts: LocalParts, isUtc = false): ICAL.Time {
	return ICAL.Time.fromData(
		{ year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second, isDate: false },
		isUtc ? ICAL.Timezone.utcTimezone : undefined
	);
}

function utcParts(ms: number): LocalParts {
	const d = new Date(ms);
	return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

function offsetText(minutes: number): string {
	const sign = minutes < 0 ? '-' : '+';
	const abs = Math.abs(minutes);
	return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

function observance(kind: 'standard' | 'daylight', startLocal: LocalParts, from: number, to: number): ICAL.Component {
	const component = new ICAL.Component(kind);
	component.addPropertyWithValue('dtstart', icalTime(startLocal));
	component.addPropertyWithValue('tzoffsetfrom', ICAL.UtcOffset.fromString(offsetText(from)));
	component.addPropertyWithValue('tzoffsetto', ICAL.UtcOffset.fromString(offsetText(to)));
	return component;
}

/** A VTIMEZONE for `timeZone` valid from `fromMs` to `toMs`: one observance per change of offset. */
export function vtimezone(timeZone: string, fromMs: number, toMs: number): ICAL.Component {
	const zone = new ICAL.Component('vtimezone');
	zone.addPropertyWithValue('tzid', timeZone);
	const changes = transitions(timeZone, fromMs - ZONE_MARGIN_MS, toMs + ZONE_MARGIN_MS);
	const first = offsetMinutes(fromMs - ZONE_MARGIN_MS, timeZone);
	// The offset in force before the first change, from the start of (calendar) time.
	zone.addSubcomponent(observance('standard', { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 }, first, first));
	for (const change of changes) {
		// An observance starts at the local time of the offset it replaces (RFC 5545 3.6.5).
		const start = utcParts(change.at + change.from * 60_000);
		zone.addSubcomponent(observance(change.to > change.from ? 'daylight' : 'standard', start, change.from, change.to));
	}
	return zone;
}

/** The .ics text of one action; `uid` must be stable per action (its doc id), `url` links back to it. */
export function actionToIcs(fields: ActionFields, options: { uid: string; url?: string; now?: number }): string {
	const start = zonedToEpoch(fields.starts, fields.timeZone);
	const startParts = parseLocal(fields.starts);
	if (start === undefined || !startParts) throw new Error('The action has no valid start time');
	const end = (fields.ends ? zonedToEpoch(fields.ends, fields.timeZone) : undefined) ?? start + DEFAULT_DURATION_MS;
	const endParts = fields.ends ? parseLocal(fields.ends) : undefined;

	const calendar = new ICAL.Component('vcalendar');
	calendar.addPropertyWithValue('prodid', ICS_PRODID);
	calendar.addPropertyWithValue('version', '2.0');
	calendar.addPropertyWithValue('calscale', 'GREGORIAN');
	calendar.addPropertyWithValue('method', 'PUBLISH');
	const utc = fields.timeZone === 'UTC' || fields.timeZone === 'Etc/UTC';
	if (!utc) calendar.addSubcomponent(vtimezone(fields.timeZone, start, end));

	const event = new ICAL.Component('vevent');
	event.addPropertyWithValue('uid', `${options.uid}@fieldbook`);
	event.addPropertyWithValue('dtstamp', icalTime(utcParts(options.now ?? Date.now()), true));
	const when = (name: string, parts: LocalParts | undefined, ms: number) => {
		if (utc || !parts) {
			event.addPropertyWithValue(name, icalTime(utcParts(ms), true));
			return;
		}
		const property = event.addPropertyWithValue(name, icalTime(parts));
		property.setParameter('tzid', fields.timeZone);
	};
	when('dtstart', startParts, start);
	when('dtend', endParts, end);
	event.addPropertyWithValue('summary', fields.title);
	const description = [fields.description, fields.callToAction].filter(Boolean).join('\n\n');
	if (description) event.addPropertyWithValue('description', description);
	if (fields.place) event.addPropertyWithValue('location', fields.place);
	if (options.url) event.addPropertyWithValue('url', options.url);
	calendar.addSubcomponent(event);
	return calendar.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

/** What a public campaign gives its calendar file (a commons entry of kind campaign). */
export interface CampaignEvent {
	id: string;
	title: string;
	summary: string;
	description: string;
	place: string;
	/** Wall-clock times in `timeZone`, or ISO dates when there is no zone. */
	starts: string;
	ends?: string;
	timeZone?: string;
	join: { contact?: string; url?: string };
}

function nextDay(date: string): LocalParts {
	const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000);
	return { ...utcParts(next.getTime()), hour: 0, minute: 0, second: 0 };
}

/**
 * The .ics text of a public campaign: timed campaigns as an event at the organiser's wall-clock times in
 * their zone (like an action), dated ones as all-day events over their days. `url` is the entry's page.
 */
export function campaignToIcs(campaign: CampaignEvent, options: { url: string; now?: number }): string {
	const joinText = [campaign.join.contact, campaign.join.url].filter(Boolean).join(' · ');
	const description = [campaign.summary, campaign.description, joinText].filter((text) => text?.trim()).join('\n\n');
	if (campaign.timeZone) {
		return actionToIcs(
			{ title: campaign.title, description, starts: campaign.starts, ends: campaign.ends ?? '', timeZone: campaign.timeZone, place: campaign.place, callToAction: '' },
			{ uid: `commons-${campaign.id}`, url: options.url, now: options.now }
		);
	}
	const calendar = new ICAL.Component('vcalendar');
	calendar.addPropertyWithValue('prodid', ICS_PRODID);
	calendar.addPropertyWithValue('version', '2.0');
	calendar.addPropertyWithValue('calscale', 'GREGORIAN');
	calendar.addPropertyWithValue('method', 'PUBLISH');
	const event = new ICAL.Component('vevent');
	event.addPropertyWithValue('uid', `commons-${campaign.id}@fieldbook`);
	event.addPropertyWithValue('dtstamp', icalTime(utcParts(options.now ?? Date.now()), true));
	const day = (parts: LocalParts) => ICAL.Time.fromData({ year: parts.year, month: parts.month, day: parts.day, isDate: true });
	const first = parseLocal(`${campaign.starts.slice(0, 10)}T00:00`);
	if (!first) throw new Error('The campaign has no valid start date');
	event.addPropertyWithValue('dtstart', day(first));
	// DTEND of an all-day event is the day after the last one (RFC 5545 3.6.1).
	event.addPropertyWithValue('dtend', day(nextDay((campaign.ends ?? campaign.starts).slice(0, 10))));
	event.addPropertyWithValue('summary', campaign.title);
	if (description) event.addPropertyWithValue('description', description);
	if (campaign.place) event.addPropertyWithValue('location', campaign.place);
	event.addPropertyWithValue('url', options.url);
	calendar.addSubcomponent(event);
	return calendar.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

/** A file name for the download: the title reduced to safe characters. */
export function icsFileName(title: string): string {
	const base = title
		.normalize('NFKD')
		.replace(/[^\w\s-]/g, '')
		.trim()
		.replace(/\s+/g, '-')
		.slice(0, 60)
		.toLowerCase();
	return `${base || 'action'}.ics`;
}
