import { describe, expect, it } from 'vitest';
import { dismissAll, parseDismissed, refusalNotices, undismissed } from '../../../src/lib/sync/refusal-notices';
import type { Refusal } from '../../../src/lib/sync/api';

const refused = (by: string[], docId = 'thread', at = 1): Refusal => ({ kind: 'refused', docId, by, at });
const restored = (docId: string, by: string[], at = 1): Refusal => ({ kind: 'restored', docId, by, at });

describe('the notice of refused and restored changes', () => {
	it('says nothing when nothing was refused', () => {
		expect(refusalNotices([])).toEqual([]);
	});

	it('tells refused changes once per signer, whatever document they were in, counting them', () => {
		expect(refusalNotices([refused(['mallory'], 'a'), refused(['eve'], 'a'), refused(['mallory'], 'b'), refused(['mallory'], 'a')])).toEqual([
			{ kind: 'refused', by: ['mallory'], count: 3 },
			{ kind: 'refused', by: ['eve'], count: 1 }
		]);
	});

	it('tells restored deletions once per document and signers, signers in any order and repeated counting as one set', () => {
		expect(
			refusalNotices([restored('guide', ['b', 'a']), restored('guide', ['a', 'b', 'a']), restored('other', ['a', 'b']), restored('guide', [])])
		).toEqual([
			{ kind: 'restored', docId: 'guide', by: ['a', 'b'], count: 2 },
			{ kind: 'restored', docId: 'other', by: ['a', 'b'], count: 1 },
			{ kind: 'restored', docId: 'guide', by: [], count: 1 }
		]);
	});

	it('keeps refused and restored apart, in the order each first happened', () => {
		expect(refusalNotices([restored('guide', []), refused(['mallory']), restored('guide', []), refused([])])).toEqual([
			{ kind: 'restored', docId: 'guide', by: [], count: 2 },
			{ kind: 'refused', by: ['mallory'], count: 1 },
			{ kind: 'refused', by: [], count: 1 }
		]);
	});
});

describe('what of it the person dismissed', () => {
	const session = [refused(['mallory'], 'a'), restored('guide', []), refused(['mallory'], 'a'), refused(['eve'], 'a'), refused(['mallory'], 'b')];

	it('shows everything from the first not dismissed in this session on', () => {
		expect(undismissed(session, 0, {})).toEqual(session);
		expect(undismissed(session, 2, {})).toEqual(session.slice(2));
		expect(undismissed(session, session.length, {})).toEqual([]);
	});

	it('counts refused blobs per document and signers, so the same blobs refused again in a later session stay quiet and one more shows', () => {
		const dismissed = dismissAll(session, {});
		expect(dismissed).toEqual({ 'a mallory': 2, 'a eve': 1, 'b mallory': 1 });
		// The next session: the same refused blobs are reported again as the vault opens, the restoration is not.
		const again = [refused(['mallory'], 'a'), refused(['eve'], 'a'), refused(['mallory'], 'a'), refused(['mallory'], 'b')];
		expect(undismissed(again, 0, dismissed)).toEqual([]);
		const more = [...again, refused(['mallory'], 'a'), restored('guide', [])];
		expect(undismissed(more, 0, dismissed)).toEqual([refused(['mallory'], 'a'), restored('guide', [])]);
	});

	it('never counts restored deletions, which a later session does not report again', () => {
		expect(dismissAll([restored('guide', ['mallory']), restored('guide', ['mallory'])], {})).toEqual({});
	});

	it('keeps the larger count when a session saw fewer of the blobs before they were dismissed', () => {
		expect(dismissAll([refused(['mallory'], 'a')], { 'a mallory': 3, 'b eve': 1 })).toEqual({ 'a mallory': 3, 'b eve': 1 });
		expect(dismissAll([refused(['mallory', 'eve'], 'a'), refused(['eve', 'mallory'], 'a')], { 'a eve,mallory': 1 })).toEqual({ 'a eve,mallory': 2 });
	});

	it('reads back what it stored and drops anything malformed', () => {
		const stored = { 'group/1': { 'a mallory': 2 }, 'group/2': {} };
		expect(parseDismissed(JSON.stringify(stored))).toEqual(stored);
		expect(parseDismissed(undefined)).toEqual({});
		expect(parseDismissed('not json')).toEqual({});
		expect(parseDismissed('[1]')).toEqual({});
		expect(parseDismissed('null')).toEqual({});
		expect(parseDismissed(JSON.stringify({ g: [1], h: 'x', i: { a: -1, b: 1.5, c: '2', d: 4 } }))).toEqual({ i: { d: 4 } });
	});
});
