/**
 * The offline search index: MiniSearch over what this device can read (guides, discussion messages, actions,
 * kept commons entries), in memory only. Nothing of it is ever written to storage: it is rebuilt from the
 * decrypted documents each visit and kept current as they change. Framework-free.
 *
 * Ranking (pure, tested in tests/unit/search): every field is indexed twice, as written and folded
 * (fold.ts). A query word matches the written twin with full weight and the folded twin with
 * FOLDED_WEIGHT, both as a prefix and with small typos, and every query word must match somewhere.
 */
import MiniSearch, { type Query, type SearchResult } from 'minisearch';
import { WORD, exactTerm, foldTerm, words } from './fold';

/** What a hit is, in the order the results screen groups them. */
export const SEARCH_KINDS = ['guide', 'discussion', 'action', 'commons'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** One searchable thing: a guide, a thread's title, one message, an action or a kept commons entry. */
export interface SearchDoc {
	/** Unique across groups, e.g. `<groupId>/<docId>` or `<groupId>/<docId>/<messageId>`. */
	id: string;
	kind: SearchKind;
	/** The group it belongs to (empty for the commons). */
	groupId: string;
	groupName: string;
	title: string;
	/** What the hit is called on screen when not its title (a message shows its thread's title). */
	label?: string;
	tags: string[];
	/** The searchable text in blocks (a guide's paragraphs, a message, an action's description and place). */
	blocks: string[];
	/** Where opening it goes; a guide hit adds the block it matched in. */
	href: string;
	/** ms since epoch of its last change, for display. */
	time: number;
	/** The document it belongs to (a message belongs to its thread), so a changed document replaces all of its hits. */
	source: string;
}

/** A piece of a snippet; `match` pieces are the words the query found. */
export interface SnippetPart {
	text: string;
	match: boolean;
}

/** A search result as the screen shows it. */
export interface SearchHit {
	doc: SearchDoc;
	score: number;
	/** Where to open it: at the matching block of a guide, the message of a thread. */
	href: string;
	snippet: SnippetPart[];
}

/** Weight of a match through folding relative to a match as written: "får" finds "far" too, ranked lower. */
export const FOLDED_WEIGHT = 0.5;
/** Field weights: a word in the title or a tag counts more than one in the text. */
export const FIELD_WEIGHTS = { title: 4, tags: 3, text: 1 } as const;
/** Allowed typos as a fraction of the word's length (MiniSearch rounds: one typo from 3 letters, two from 8). */
export const FUZZY = 0.2;
/** Most hits returned per query; a query that matches more should be narrowed. */
export const MAX_HITS = 60;
/** Characters of context on each side of the first match in a snippet. */
export const SNIPPET_CONTEXT = 50;
/** Most query words used; more only slow the search. */
export const MAX_QUERY_WORDS = 8;

type Field = keyof typeof FIELD_WEIGHTS;
const FIELDS = Object.keys(FIELD_WEIGHTS) as Field[];
const FOLDED = (field: Field) => `${field}Folded`;
const EXACT_FIELDS: string[] = FIELDS;
const FOLDED_FIELDS = FIELDS.map(FOLDED);

function fieldText(doc: SearchDoc, field: Field): string {
	if (field === 'title') return doc.title;
	if (field === 'tags') return doc.tags.join(' ');
	return doc.blocks.join('\n');
}

function boosts(fields: string[], weight: number): Record<string, number> {
	return Object.fromEntries(fields.map((field, index) => [field, FIELD_WEIGHTS[FIELDS[index]!] * weight]));
}

/** The MiniSearch query for what someone typed: every word must match, as written or folded. */
export function buildQuery(text: string): Query | undefined {
	const typed = words(text).slice(0, MAX_QUERY_WORDS);
	if (typed.length === 0) return undefined;
	const same = (term: string) => [term];
	return {
		combineWith: 'AND',
		queries: typed.map((word) => ({
			combineWith: 'OR',
			queries: [
				{ queries: [exactTerm(word)], fields: EXACT_FIELDS, boost: boosts(EXACT_FIELDS, 1), tokenize: same, processTerm: (term: string) => term },
				{ queries: [foldTerm(word)], fields: FOLDED_FIELDS, boost: boosts(FOLDED_FIELDS, FOLDED_WEIGHT), tokenize: same, processTerm: (term: string) => term }
			]
		}))
	};
}

/** Whether a word of the text is one of the index terms a result matched (as written or folded). */
function isMatch(word: string, terms: ReadonlySet<string>): boolean {
	return terms.has(exactTerm(word)) || terms.has(foldTerm(word));
}

/** The index of the first block with a matched word, or -1. */
export function matchingBlock(blocks: readonly string[], terms: ReadonlySet<string>): number {
	return blocks.findIndex((block) => words(block).some((word) => isMatch(word, terms)));
}

/** A short excerpt around the first matched word, every matched word in it marked. */
export function snippet(text: string, terms: ReadonlySet<string>, context = SNIPPET_CONTEXT): SnippetPart[] {
	const flat = text.replace(/\s+/g, ' ').trim();
	let first = -1;
	for (const found of flat.matchAll(WORD)) {
		if (isMatch(found[0], terms)) {
			first = found.index;
			break;
		}
	}
	if (first < 0) return flat ? [{ text: flat.length > 2 * context ? `${flat.slice(0, 2 * context).trimEnd()}…` : flat, match: false }] : [];
	// Cut at word boundaries so no word shows half.
	let start = Math.max(0, first - context);
	if (start > 0) start = flat.indexOf(' ', start) + 1 || start;
	let end = Math.min(flat.length, first + 2 * context);
	if (end < flat.length) end = flat.lastIndexOf(' ', end) > first ? flat.lastIndexOf(' ', end) : end;
	const excerpt = flat.slice(start, end);
	const parts: SnippetPart[] = [];
	let at = 0;
	for (const found of excerpt.matchAll(WORD)) {
		if (!isMatch(found[0], terms)) continue;
		if (found.index > at) parts.push({ text: excerpt.slice(at, found.index), match: false });
		parts.push({ text: found[0], match: true });
		at = found.index + found[0].length;
	}
	if (at < excerpt.length) parts.push({ text: excerpt.slice(at), match: false });
	if (start > 0) parts.unshift({ text: '…', match: false });
	if (end < flat.length) parts.push({ text: '…', match: false });
	return parts;
}

/** Where a hit opens: a guide at its matching block (`?block=n`), anything else at its own address. */
export function hitHref(doc: SearchDoc, terms: ReadonlySet<string>): string {
	if (doc.kind !== 'guide') return doc.href;
	const block = matchingBlock(doc.blocks, terms);
	return block < 0 ? doc.href : `${doc.href}?block=${block}`;
}

/** Hits grouped by kind, in SEARCH_KINDS order, best first within a kind; kinds without hits are left out. */
export function groupHits(hits: readonly SearchHit[]): { kind: SearchKind; hits: SearchHit[] }[] {
	return SEARCH_KINDS.map((kind) => ({ kind, hits: hits.filter((hit) => hit.doc.kind === kind) })).filter((group) => group.hits.length > 0);
}

/** The in-memory index. Add or replace a document's hits with `set`, drop them with `remove`. */
export class SearchIndex {
	#search = new MiniSearch<SearchDoc>({
		fields: [...EXACT_FIELDS, ...FOLDED_FIELDS],
		storeFields: [],
		extractField: (doc, field) => (field === 'id' ? doc.id : fieldText(doc, (field.endsWith('Folded') ? field.slice(0, -'Folded'.length) : field) as Field)),
		tokenize: (text) => words(text),
		processTerm: (term, field) => (field?.endsWith('Folded') ? foldTerm(term) : exactTerm(term)),
		searchOptions: { prefix: true, fuzzy: FUZZY }
	});
	#docs = new Map<string, SearchDoc>();
	#bySource = new Map<string, Set<string>>();

	/** How many searchable things the index holds. */
	get size(): number {
		return this.#docs.size;
	}

	/** Replaces every hit of `source` with `docs` (an empty list removes them). */
	set(source: string, docs: readonly SearchDoc[]): void {
		this.remove(source);
		if (docs.length === 0) return;
		const ids = new Set<string>();
		for (const doc of docs) {
			if (this.#docs.has(doc.id)) continue;
			this.#docs.set(doc.id, doc);
			ids.add(doc.id);
		}
		this.#search.addAll(docs.filter((doc) => ids.has(doc.id)));
		this.#bySource.set(source, ids);
	}

	/** Drops every hit of a source (a deleted document, a group left). */
	remove(source: string): void {
		const ids = this.#bySource.get(source);
		if (!ids) return;
		for (const id of ids) {
			this.#search.discard(id);
			this.#docs.delete(id);
		}
		this.#bySource.delete(source);
	}

	/** Drops every source whose id starts with `prefix` (all of a group's documents). */
	removeWhere(prefix: string): void {
		for (const source of [...this.#bySource.keys()]) if (source.startsWith(prefix)) this.remove(source);
	}

	/** The best hits for what someone typed, best first. */
	search(text: string, limit = MAX_HITS): SearchHit[] {
		const query = buildQuery(text);
		if (!query) return [];
		return this.#search
			.search(query)
			.slice(0, limit)
			.map((result: SearchResult) => {
				const doc = this.#docs.get(result.id as string)!;
				const terms = new Set(result.terms);
				const block = doc.kind === 'guide' ? matchingBlock(doc.blocks, terms) : -1;
				const text = block >= 0 ? doc.blocks[block]! : doc.blocks.join(' ') || doc.title;
				return { doc, score: result.score, href: hitHref(doc, terms), snippet: snippet(text, terms) };
			});
	}
}
