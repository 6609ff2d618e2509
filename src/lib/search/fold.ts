/**
 * How search compares words, in Swedish and English. Every word is indexed twice: as written (lowercased)
 * and folded (diacritics and Nordic letters reduced to plain Latin letters). A query word is looked up both
 * ways, the folded way with a lower weight, so "malmo" finds "Malmö" while "får" ranks "får" above "far".
 * Pure functions, framework-free.
 */

/** Letters that Unicode does not decompose into a base letter and a mark, spelled as Latin letters. */
const LETTERS: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', ð: 'd', þ: 'th', ł: 'l', đ: 'd', ı: 'i' };
const MARKS = /\p{M}+/gu;
const SPECIAL = /[øæœßðþłđı]/gu;

/** Splits text into words: runs of letters and digits (an apostrophe or hyphen splits words too). */
export const WORD = /[\p{L}\p{N}]+/gu;

/** The word as written, for the exact twin of the index: lowercased, composed (NFC). */
export function exactTerm(word: string): string {
	return word.normalize('NFC').toLowerCase();
}

/** The word folded: lowercased, marks removed (å → a, ö → o, é → e), ø → o, æ → ae, ß → ss. */
export function foldTerm(word: string): string {
	return word
		.toLowerCase()
		.normalize('NFD')
		.replace(MARKS, '')
		.replace(SPECIAL, (letter) => LETTERS[letter] ?? letter)
		.normalize('NFC');
}

/** The words of a text, in order. */
export function words(text: string): string[] {
	return text.match(WORD) ?? [];
}
