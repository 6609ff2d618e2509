import { describe, expect, it } from 'vitest';
import { exactTerm, foldTerm, words } from '../../../src/lib/search/fold';
import { SearchIndex, groupHits, snippet, type SearchDoc } from '../../../src/lib/search/index';

function doc(id: string, fields: Partial<SearchDoc>): SearchDoc {
	return { id, source: id, kind: 'guide', groupId: 'g', groupName: 'Group', title: '', tags: [], blocks: [], href: `/x/${id}`, time: 0, ...fields };
}

function ids(index: SearchIndex, query: string): string[] {
	return index.search(query).map((hit) => hit.doc.id);
}

describe('folding', () => {
	it('lowercases and removes Swedish and other diacritics only in the folded form', () => {
		expect(exactTerm('MALMÖ')).toBe('malmö');
		expect(foldTerm('MALMÖ')).toBe('malmo');
		expect(foldTerm('Åre')).toBe('are');
		expect(foldTerm('Växjö')).toBe('vaxjo');
		expect(foldTerm('café')).toBe('cafe');
		expect(foldTerm('Tromsø')).toBe('tromso');
		expect(foldTerm('Ærø')).toBe('aero');
		expect(foldTerm('straße')).toBe('strasse');
		// A decomposed å (a + ring) folds like a composed one, and reads as å when written.
		expect(exactTerm('a\u030a')).toBe('å');
		expect(foldTerm('a\u030a')).toBe('a');
	});

	it('splits words on punctuation and keeps letters of every script', () => {
		expect(words('Möte i Göteborg: 14:00, "kom!"')).toEqual(['Möte', 'i', 'Göteborg', '14', '00', 'kom']);
	});
});

describe('ranking', () => {
	const index = new SearchIndex();
	index.set('far', [doc('far', { blocks: ['Min far kommer också'] })]);
	index.set('får', [doc('får', { blocks: ['Vi får inte glömma skyltarna'] })]);
	index.set('malmö', [doc('malmö', { title: 'Blockad i Malmö' })]);
	index.set('ör', [doc('ör', { blocks: ['Öresundsbron stängs'] })]);
	index.set('åre', [doc('åre', { tags: ['åre', 'fjäll'] })]);

	it('finds a word typed without its diacritics', () => {
		expect(ids(index, 'malmo')).toEqual(['malmö']);
		expect(ids(index, 'MALMÖ')).toEqual(['malmö']);
		expect(ids(index, 'oresund')).toEqual(['ör']);
		expect(ids(index, 'are')).toContain('åre');
	});

	it('ranks the word as written above the same letters without diacritics', () => {
		expect(ids(index, 'får')).toEqual(['får', 'far']);
		expect(ids(index, 'far')).toEqual(['far', 'får']);
		expect(ids(index, 'Får')[0]).toBe('får');
	});

	it('matches prefixes and small typos', () => {
		expect(ids(index, 'malm')).toEqual(['malmö']);
		expect(ids(index, 'öresun')).toEqual(['ör']);
		expect(ids(index, 'skyltarnna')).toEqual(['får']);
	});

	it('needs every word, and ranks a title above the text', () => {
		const two = new SearchIndex();
		two.set('a', [doc('a', { title: 'Legal support', blocks: ['Call the lawyer'] })]);
		two.set('b', [doc('b', { title: 'Banners', blocks: ['Legal observers watch'] })]);
		expect(ids(two, 'legal')).toEqual(['a', 'b']);
		expect(ids(two, 'legal lawyer')).toEqual(['a']);
		expect(ids(two, '  ,, ')).toEqual([]);
	});

	it('replaces and removes a document with its changes', () => {
		const live = new SearchIndex();
		live.set('t', [doc('t', { blocks: ['first words'] }), doc('t/m1', { source: 't', blocks: ['hello Lund'] })]);
		expect(ids(live, 'lund')).toEqual(['t/m1']);
		live.set('t', [doc('t', { blocks: ['first words'] }), doc('t/m1', { source: 't', blocks: ['hello Kiruna'] })]);
		expect(ids(live, 'lund')).toEqual([]);
		expect(ids(live, 'kiruna')).toEqual(['t/m1']);
		live.remove('t');
		expect(live.size).toBe(0);
		expect(ids(live, 'kiruna')).toEqual([]);
	});

	it('opens a guide at the block that matched, and marks the match in the snippet', () => {
		const guides = new SearchIndex();
		guides.set('g1', [doc('g1', { title: 'Plan', blocks: ['Intro text', 'Samling vid Möllevångstorget klockan tolv'] })]);
		const [hit] = guides.search('mollevangstorget');
		expect(hit!.href).toBe('/x/g1?block=1');
		expect(hit!.snippet.filter((part) => part.match).map((part) => part.text)).toEqual(['Möllevångstorget']);
		expect(hit!.snippet.map((part) => part.text).join('')).toBe('Samling vid Möllevångstorget klockan tolv');
	});

	it('groups hits by kind in a fixed order', () => {
		const mixed = new SearchIndex();
		mixed.set('a', [doc('a', { kind: 'action', title: 'Lund demo' })]);
		mixed.set('g', [doc('g', { kind: 'guide', title: 'Lund guide' })]);
		mixed.set('d', [doc('d', { kind: 'discussion', blocks: ['see you in Lund'] })]);
		expect(groupHits(mixed.search('lund')).map((group) => group.kind)).toEqual(['guide', 'discussion', 'action']);
	});

	it('cuts long snippets at word boundaries around the match', () => {
		const text = `${'word '.repeat(40)}Kiruna ${'more '.repeat(40)}`;
		const parts = snippet(text, new Set(['kiruna']), 20);
		expect(parts[0]!.text).toBe('…');
		expect(parts.at(-1)!.text).toBe('…');
		expect(parts.find((part) => part.match)?.text).toBe('Kiruna');
		expect(parts.map((part) => part.text).join('').length).toBeLessThan(80);
	});
});
