import { describe, expect, it } from 'vitest';
import { en, englishFeatures } from '../../../src/lib/i18n/catalogue';
import { sv, swedishFeatures } from '../../../src/lib/i18n/catalogue-sv';

const catalogues = { en, sv };
const featureCatalogues = englishFeatures.map((english, i) => ({ en: english, sv: swedishFeatures[i] ?? {} }));
import { localeFromLanguages } from '../../../src/lib/i18n/types';
import { format, i18n, t } from '../../../src/lib/i18n/index.svelte';

function placeholders(text: string): string[] {
	return [...new Set([...text.matchAll(/\{(\w+)(?:\}|, plural,)/g)].map((m) => m[1] ?? ''))].sort();
}

describe('message catalogues', () => {
	it('have the same keys in Swedish and English, feature by feature', () => {
		expect(swedishFeatures.length).toBe(englishFeatures.length);
		for (const feature of featureCatalogues) {
			expect(Object.keys(feature.sv).sort()).toEqual(Object.keys(feature.en).sort());
		}
		expect(Object.keys(catalogues.sv).sort()).toEqual(Object.keys(catalogues.en).sort());
	});

	it('never define one key in two features', () => {
		const seen = new Set<string>();
		for (const feature of featureCatalogues) {
			for (const key of Object.keys(feature.en)) {
				expect(seen.has(key), `duplicate key ${key}`).toBe(false);
				seen.add(key);
			}
		}
	});

	it('use the same placeholders in both languages and no empty texts', () => {
		for (const [key, english] of Object.entries(catalogues.en)) {
			const swedish = catalogues.sv[key as keyof typeof catalogues.sv];
			expect(swedish.trim(), key).not.toBe('');
			expect(english.trim(), key).not.toBe('');
			expect(placeholders(swedish), key).toEqual(placeholders(english));
		}
	});
});

describe('locale choice and formatting', () => {
	it('picks Swedish for any sv tag and English otherwise', () => {
		expect(localeFromLanguages(['sv-SE', 'en'])).toBe('sv');
		expect(localeFromLanguages(['en-US', 'sv'])).toBe('sv');
		expect(localeFromLanguages(['de-DE', 'en-GB'])).toBe('en');
		expect(localeFromLanguages([])).toBe('en');
	});

	it('fills placeholders and leaves unknown ones visible', () => {
		expect(format('Hi, {name}', { name: 'Ada' })).toBe('Hi, Ada');
		expect(format('{count} changes', { count: 3 })).toBe('3 changes');
		expect(format('Hi, {name}')).toBe('Hi, {name}');
		expect(format('Hi, {name}', { other: 1 })).toBe('Hi, {name}');
	});

	it('picks plural forms by Intl.PluralRules in both languages', () => {
		expect(format(en['groups.memberCount'], { count: 1 }, 'en')).toBe('1 member');
		expect(format(en['groups.memberCount'], { count: 2 }, 'en')).toBe('2 members');
		expect(format(en['groups.memberCount'], { count: 0 }, 'en')).toBe('0 members');
		expect(format(sv['talk.unread'], { count: 1 }, 'sv')).toBe('1 oläst');
		expect(format(sv['talk.unread'], { count: 3 }, 'sv')).toBe('3 olästa');
		expect(format(en['sync.pending'], { count: 1 }, 'en')).toBe('1 change not yet on the relay');
		expect(format(en['talk.groupUnread'], { count: 1, name: 'Umeå' }, 'en')).toBe('1 unread message in Umeå');
		expect(format('{n, plural, =0 {none} one {# item} other {# items}}', { n: 0 }, 'en')).toBe('none');
		expect(format('{n, plural, one {# item} other {# items}}', { n: 1200 }, 'en')).toBe('1,200 items');
	});

	it('leave no plural syntax unparsed in any message', () => {
		for (const [locale, catalogue] of Object.entries(catalogues)) {
			for (const [key, text] of Object.entries(catalogue)) {
				if (!text.includes(', plural,')) continue;
				const params = Object.fromEntries(placeholders(text).map((name) => [name, 1]));
				for (const count of [0, 1, 2, 5]) {
					for (const name of Object.keys(params)) params[name] = count;
					expect(format(text, params, locale), `${locale} ${key}`).not.toMatch(/[{}#]/);
				}
			}
		}
	});
});

describe('switching language', () => {
	it('loads the Swedish catalogue on demand and switches only once it is in', async () => {
		expect(t('nav.settings')).toBe(en['nav.settings']);
		const switching = i18n.setLocale('sv');
		expect(i18n.locale).toBe('en');
		await switching;
		expect(i18n.locale).toBe('sv');
		expect(t('nav.settings')).toBe(sv['nav.settings']);
		await i18n.setLocale('en');
		expect(t('nav.settings')).toBe(en['nav.settings']);
	});
});
