/** The locales Fieldbook ships; every catalogue must cover both with the same keys. */
export const locales = ['en', 'sv'] as const;

/** One of the shipped locales. */
export type Locale = (typeof locales)[number];


/** Narrows an unknown string to a shipped locale. */
export function isLocale(value: unknown): value is Locale {
	return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/** Picks the locale a browser asks for: Swedish for any `sv*` tag, otherwise English. */
export function localeFromLanguages(languages: readonly string[]): Locale {
	return languages.some((tag) => tag.toLowerCase().startsWith('sv')) ? 'sv' : 'en';
}
