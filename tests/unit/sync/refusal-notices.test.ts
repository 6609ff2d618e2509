import { describe, expect, it } from 'vitest';
import { dismissAll, MAX_DISMISSED, parseDismissed, refusalNotices, undismissed } from '../../../src/lib/sync/refusal-notices';
import type { Refusal } from '../../../src/lib/sync/api';

const refused = (by: string[], docId = 'thread', blob = `${docId}-${by.join('-')}`, at = 1): Refusal => ({ kind: 'refused', docId, by, blob, at });
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
	const session = [refused(['mallory'], 'a', 'm1'), restored('guide', []), refused(['mallory'], 'a', 'm2'), refused(['eve'], 'a', 'e1'), refused(['mallory'], 'b', 'm3')];

	it('shows everything from the first not dismissed in this session on', () => {
		expect(undismissed(session, 0, [])).toEqual(session);
		expect(undismissed(session, 2, [])).toEqual(session.slice(2));
		expect(undismissed(session, session.length, [])).toEqual([]);
	});

	it('remembers refused blobs by fingerprint, so the same blobs refused again in a later session stay quiet and any other shows', () => {
		const dismissed = dismissAll(session, []);
		expect(dismissed).toEqual(['m1', 'm2', 'e1', 'm3']);
		// The next session: the same refused blobs are reported again as the vault opens, the restoration is not.
		const again = [refused(['mallory'], 'a', 'm2'), refused(['eve'], 'a', 'e1'), refused(['mallory'], 'a', 'm1'), refused(['mallory'], 'b', 'm3')];
		expect(undismissed(again, 0, dismissed)).toEqual([]);
		const more = [...again, refused(['mallory'], 'a', 'm4'), restored('guide', [])];
		expect(undismissed(more, 0, dismissed)).toEqual([refused(['mallory'], 'a', 'm4'), restored('guide', [])]);
	});

	it('shows a new refused blob of a signer whose device merged away a dismissed one', () => {
		// Mallory's device merged her refused blobs m1 and m2 into m12: one blob fewer, and then she sent m5.
		const dismissed = dismissAll([refused(['mallory'], 'a', 'm1'), refused(['mallory'], 'a', 'm2'), refused(['mallory'], 'a', 'm12')], []);
		const later = [refused(['mallory'], 'a', 'm12'), refused(['mallory'], 'a', 'm5')];
		expect(undismissed(later, 0, dismissed)).toEqual([refused(['mallory'], 'a', 'm5')]);
	});

	it('never keeps restored deletions, which a later session does not report again, and keeps at most MAX_DISMISSED', () => {
		expect(dismissAll([restored('guide', ['mallory']), restored('guide', ['mallory'])], [])).toEqual([]);
		const many = Array.from({ length: MAX_DISMISSED + 10 }, (_, i) => refused(['mallory'], 'a', `f${i}`));
		const kept = dismissAll(many, ['old']);
		expect(kept).toHaveLength(MAX_DISMISSED);
		expect(kept[kept.length - 1]).toBe(`f${MAX_DISMISSED + 9}`);
		expect(kept).not.toContain('old');
	});

	it('reads back what it stored and drops anything malformed', () => {
		const stored = { 'group/1': ['m1', 'e1'], 'group/2': [] };
		expect(parseDismissed(JSON.stringify(stored))).toEqual(stored);
		expect(parseDismissed(undefined)).toEqual({});
		expect(parseDismissed('not json')).toEqual({});
		expect(parseDismissed('[1]')).toEqual({});
		expect(parseDismissed('null')).toEqual({});
		expect(parseDismissed(JSON.stringify({ g: [1, 'ok', 'not ok', ''], h: 'x', i: { a: 1 } }))).toEqual({ g: ['ok'] });
	});
});
