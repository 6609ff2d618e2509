/** How commons dates read on screen. Framework-free. */
import type { Locale } from '$lib/i18n/types';

/** An ISO date (YYYY-MM-DD) as the locale writes it; the date is a calendar day, so it is read in UTC. */
export function formatIsoDate(date: string, locale: Locale): string {
	const ms = Date.parse(`${date}T00:00:00Z`);
	if (Number.isNaN(ms)) return date;
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(ms);
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
