import { describe, expect, it } from 'vitest';
import { refusalNotices } from '../../../src/lib/sync/refusal-notices';
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
