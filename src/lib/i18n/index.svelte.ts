import type { Catalogue, MessageKey } from './catalogue';
import { publicEnglish } from './catalogue-public';
import { isLocale, localeFromLanguages, type Locale } from './types';

export { locales, isLocale, type Locale } from './types';
export type { MessageKey } from './catalogue';

/** Where the chosen language is kept: a UI preference, not group content, so plain localStorage is fine. */
const STORAGE_KEY = 'fieldbook.lang';

/**
 * A plural choice in a message, a subset of ICU: `{count, plural, one {# member} other {# members}}`. Each
 * branch is plain text, `#` (the number) and `{name}` placeholders; `=0`-style exact branches win first.
 */
const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{(?:[^{}]|\{\w+\})*\})+)\s*\}/g;
const PLURAL_BRANCH = /(=\d+|zero|one|two|few|many|other)\s*\{((?:[^{}]|\{\w+\})*)\}/g;

const pluralRules = new Map<string, Intl.PluralRules>();

function pluralRule(locale: string): Intl.PluralRules {
	let rule = pluralRules.get(locale);
	if (!rule) pluralRules.set(locale, (rule = new Intl.PluralRules(locale)));
	return rule;
}

/**
 * Fills `{name}` placeholders and picks plural branches by the locale's `Intl.PluralRules`; unknown
 * placeholders stay visible so a missing parameter is noticed.
 */
export function format(template: string, params?: Record<string, string | number>, locale: string = 'en'): string {
	if (!params) return template;
	const chosen = template.replace(PLURAL, (whole, name: string, body: string) => {
		if (!(name in params)) return whole;
		const count = Number(params[name]);
		const branches = new Map([...body.matchAll(PLURAL_BRANCH)].map((m) => [m[1]!, m[2]!]));
		const branch = branches.get(`=${count}`) ?? branches.get(pluralRule(locale).select(count)) ?? branches.get('other') ?? '';
		return branch.replace(/#/g, new Intl.NumberFormat(locale).format(count));
	});
	return chosen.replace(/\{(\w+)\}/g, (whole, name: string) =>
		name in params ? String(params[name]) : whole
	);
}

/** Fetches a language's whole catalogue; each is a chunk of its own (English shares most with the shell). */
async function loadCatalogue(locale: Locale): Promise<Catalogue> {
	if (locale === 'en') return (await import('./catalogue')).en;
	return (await import('./catalogue-sv')).sv;
}

/**
 * The app's language: browser default, persisted choice, `?lang=` override; keeps `<html lang>` in step.
 * The chosen language's catalogue is loaded before the first render (the root layout awaits `ready`).
 */
class I18n {
	#locale = $state<Locale>('en');
	#catalogue = $state.raw<Partial<Catalogue>>(publicEnglish);
	/** Whether every message of the language is in (not only the shell's English and what screens included). */
	#complete = $state(false);
	/** The language most recently asked for, so a slower earlier load never overrides a later choice. */
	#wanted: Locale = 'en';
	/** Settles when the starting language's messages are in; the root layout waits for it. */
	readonly ready: Promise<void> = Promise.resolve();

	constructor() {
		if (typeof window === 'undefined') return;
		const fromUrl = new URLSearchParams(window.location.search).get('lang');
		let stored: string | null = null;
		try {
			stored = window.localStorage.getItem(STORAGE_KEY);
		} catch {
			// Storage can be blocked (private mode); the browser default still works.
		}
		if (isLocale(fromUrl)) {
			this.#locale = fromUrl;
			this.#persist(fromUrl);
		} else if (isLocale(stored)) this.#locale = stored;
		else this.#locale = localeFromLanguages(navigator.languages ?? [navigator.language]);
		document.documentElement.lang = this.#locale;
		if (this.#locale !== 'en') this.ready = this.#use(this.#locale);
	}

	/** The current locale. */
	get locale(): Locale {
		return this.#locale;
	}

	/** Switches language once its messages are loaded, remembers it on this device and updates `<html lang>`. */
	async setLocale(locale: Locale): Promise<void> {
		this.#persist(locale);
		await this.#use(locale);
		if (this.#wanted !== locale) return;
		this.#locale = locale;
		if (typeof document !== 'undefined') document.documentElement.lang = locale;
	}

	/** Whether every message of the language is in. */
	get completed(): boolean {
		return this.#complete;
	}

	/**
	 * Loads every message of the language; until then only the shell's English ones are in (`catalogue-public`).
	 * The root layout awaits it before any screen but the public ones (first start, the commons).
	 */
	async complete(): Promise<void> {
		await this.ready;
		if (!this.#complete) await this.#use(this.#locale);
	}

	/**
	 * Adds a public screen's own English messages (bundled with that screen) while only the shell's are in,
	 * so the screen shows without loading the whole language; a complete catalogue has them already.
	 */
	include(messages: Partial<Catalogue>): void {
		if (!this.#complete) this.#catalogue = { ...this.#catalogue, ...messages };
	}

	/** The message for `key` in the current locale, with placeholders filled; a key not loaded shows as itself. */
	t = (key: MessageKey, params?: Record<string, string | number>): string =>
		format(this.#catalogue[key] ?? key, params, this.#locale);

	async #use(locale: Locale): Promise<void> {
		this.#wanted = locale;
		let catalogue: Partial<Catalogue>;
		let complete = true;
		try {
			catalogue = await loadCatalogue(locale);
		} catch {
			// The chunk could not be fetched (offline before it was ever cached): the messages already in (English
			// at least) keep the app usable.
			catalogue = this.#catalogue;
			complete = this.#complete;
		}
		if (this.#wanted !== locale) return;
		this.#catalogue = catalogue;
		this.#complete = complete;
	}

	#persist(locale: Locale): void {
		try {
			window.localStorage.setItem(STORAGE_KEY, locale);
		} catch {
			// Not persisted, but the switch still applies to this visit.
		}
	}
}

/** The app-wide language state. */
export const i18n = new I18n();

/** Shorthand for `i18n.t`, reactive in templates because it reads the locale rune. */
export const t = i18n.t;
