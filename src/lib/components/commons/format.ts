/** How commons dates read on screen. Framework-free. */
import type { Locale } from '$lib/i18n/types';
import type { MessageKey } from '$lib/i18n/catalogue';
import { deviceTimeZone, zonedToEpoch } from '$lib/actions/time';
import { dateTimeFormat, formatDate } from '$lib/format';

/** When a campaign runs, as its entry says: ISO dates, or wall-clock times in `timeZone`. */
export interface CampaignTimes {
	starts: string;
	ends?: string;
	timeZone?: string;
}

/**
 * A campaign's dates or times on one line: a timed campaign in the organiser's zone, plus `local` in the
 * reader's zone when that differs (so a reader abroad sees both); a dated one as its calendar days.
 */
export function campaignWhen(
	times: CampaignTimes,
	locale: Locale | string,
	t: (key: MessageKey, params?: Record<string, string>) => string,
	readerZone = deviceTimeZone()
): { text: string; local?: string } {
	const start = times.timeZone ? zonedToEpoch(times.starts, times.timeZone) : undefined;
	if (times.timeZone && start !== undefined) {
		const end = times.ends ? zonedToEpoch(times.ends, times.timeZone) : undefined;
		const range = (timeZone: string) => {
			const formatter = dateTimeFormat(locale, { timeZone, zone: true });
			return end !== undefined ? formatter.formatRange(start, end) : formatter.format(start);
		};
		const text = range(times.timeZone);
		if (times.timeZone === readerZone) return { text };
		return { text, local: t('campaign.yourTime', { time: range(readerZone) }) };
	}
	const day = (value: string) => formatIsoDate(value.slice(0, 10), locale);
	const text = times.ends
		? t('commons.dates', { starts: day(times.starts), ends: day(times.ends) })
		: t('commons.datesOpen', { starts: day(times.starts) });
	return { text };
}

/**
 * The locale for dates and times: the browser's own (en-GB writes 14:00, en-US 2:00 PM) when it is a
 * variant of the app's language, else the app's language.
 */
export function dateLocale(locale: Locale): string {
	const own = typeof navigator === 'undefined' ? undefined : navigator.language;
	return own && own.toLowerCase().split('-')[0] === locale ? own : locale;
}

/** An ISO date (YYYY-MM-DD) as the locale writes it; the date is a calendar day, so it is read in UTC. */
export function formatIsoDate(date: string, locale: Locale | string): string {
	const ms = Date.parse(`${date}T00:00:00Z`);
	if (Number.isNaN(ms)) return date;
	return formatDate(ms, locale, 'UTC');
}

/** Language names for the codes the app offers, in the reader's language. */
export function languageName(code: string, locale: Locale): string {
	try {
		return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
	} catch {
		return code;
	}
}

/** Languages offered in the filter and the publish dialog; any other code an entry carries is shown too. */
export const COMMON_LANGUAGES = ['en', 'sv', 'no', 'da', 'fi', 'de', 'fr', 'es', 'pt', 'it', 'nl', 'pl', 'ar', 'fa', 'so', 'tr', 'uk', 'ru'] as const;
