import type { Locale } from '$lib/i18n/types';

/** Byte units from small to large, for human-readable storage figures. */
const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** Formats a byte count the way the locale writes it, e.g. "1.2 MB" or "1,2 MB". */
export function formatBytes(bytes: number, locale: Locale): string {
	let value = Math.max(0, bytes);
	let unit = 0;
	while (value >= 1000 && unit < UNITS.length - 1) {
		value /= 1000;
		unit++;
	}
	return new Intl.NumberFormat(locale, {
		style: 'unit',
		unit: UNITS[unit],
		unitDisplay: 'short',
		maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0
	}).format(value);
}

/** What a date shows: the time of day, the day only, both, or both with the weekday spelled out. */
export type DateStyle = 'time' | 'date' | 'dateTime' | 'long';

/** The parts each style shows; every date and time on screen is spelled through these, in both languages. */
const DATE_PARTS: Record<DateStyle, Intl.DateTimeFormatOptions> = {
	time: { hour: '2-digit', minute: '2-digit' },
	date: { year: 'numeric', month: 'short', day: 'numeric' },
	dateTime: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' },
	long: { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' }
};

/** How a moment is spelled: its style, the zone it is read in (the device's by default), whether the zone is named. */
export interface DateOptions {
	style?: DateStyle;
	timeZone?: string;
	zone?: boolean;
}

/** The app's one date formatter: the same parts for the same style everywhere, in the app's language. */
export function dateTimeFormat(locale: Locale | string, { style = 'dateTime', timeZone, zone = false }: DateOptions = {}): Intl.DateTimeFormat {
	return new Intl.DateTimeFormat(locale, { ...DATE_PARTS[style], ...(timeZone ? { timeZone } : {}), ...(zone && style !== 'date' ? { timeZoneName: 'short' } : {}) });
}

/** Formats a moment as a date and time of day (or as `options` asks) in the app's language. */
export function formatDateTime(ms: number, locale: Locale | string, options?: DateOptions): string {
	return dateTimeFormat(locale, options).format(ms);
}

/** Formats a moment as its calendar day. */
export function formatDate(ms: number, locale: Locale | string, timeZone?: string): string {
	return dateTimeFormat(locale, { style: 'date', timeZone }).format(ms);
}
