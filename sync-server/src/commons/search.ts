/**
 * Free-text search rules shared by the commons stores: which words of `q` count, and (for PostgreSQL) the
 * same tokens SQLite's FTS5 `unicode61 remove_diacritics 2` tokenizer makes, so both stores find the same
 * entries. PostgreSQL gets ready-made tsvector and tsquery literals: its own parser and dictionaries
 * depend on the server's locale, these do not.
 */

/** Most words of `q` that reach the index; more only slow the query without narrowing it usefully. */
export const MAX_QUERY_TERMS = 16;

/** Highest word position PostgreSQL keeps in a tsvector; later words share it (still found, ranked alike). */
const MAX_POSITION = 16_383;

/** Longest lexeme PostgreSQL accepts is 2 KB; a longer "word" is no word anyone searches for. */
const MAX_TOKEN_BYTES = 2_046;

/** The words of a query that can match: those with a letter or a digit, at most MAX_QUERY_TERMS. */
export function queryWords(text: string): string[] {
	return text
		.split(/\s+/u)
		.filter((term) => /[\p{L}\p{N}]/u.test(term))
		.slice(0, MAX_QUERY_TERMS);
}

/** Lowercased tokens of `text` without diacritics, split at everything that is not a letter or a digit (as unicode61). */
export function tokens(text: string): string[] {
	return text
		.normalize('NFKD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter((token) => token !== '' && Buffer.byteLength(token) <= MAX_TOKEN_BYTES);
}

function lexeme(token: string): string {
	return `'${token.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** Search weights of PostgreSQL: A counts most (see RANK_WEIGHTS). */
export type Weight = 'A' | 'B' | 'C' | 'D';

/**
 * A tsvector literal of weighted fields. Positions leave a gap between fields, so a phrase never matches
 * across two of them (as FTS5 phrases never cross columns).
 */
export function tsvectorLiteral(fields: [text: string, weight: Weight][]): string {
	const parts: string[] = [];
	let position = 1;
	for (const [text, weight] of fields) {
		for (const token of tokens(text)) parts.push(`${lexeme(token)}:${Math.min(position++, MAX_POSITION)}${weight}`);
		position += 2;
	}
	return parts.join(' ');
}

/**
 * A tsquery literal matching every word of `text` as FTS5 matches `"word"*`: a word that splits into several
 * tokens is a phrase, and its last token matches as a prefix. Undefined when no word can match.
 */
export function tsqueryLiteral(text: string): string | undefined {
	const words = queryWords(text)
		.map((word) => tokens(word))
		.filter((parts) => parts.length > 0)
		.map((parts) => parts.map((token, index) => (index === parts.length - 1 ? `${lexeme(token)}:*` : lexeme(token))).join(' <-> '));
	return words.length > 0 ? words.map((word) => `(${word})`).join(' & ') : undefined;
}

/**
 * ts_rank weights {D, C, B, A}, matching the SQLite bm25 weights as closely as four classes allow: title
 * (A) most, tags and summary (B), publisher and place (C), description and body (D).
 */
export const RANK_WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';
