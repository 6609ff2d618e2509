import { describe, expect, it } from 'vitest';
import { activityHref, recentActivity } from '../../../src/lib/activity/recent';
import type { DocIndexEntry } from '../../../src/lib/sync/api';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const MIN = 60_000;

function entry(fields: Partial<DocIndexEntry>): DocIndexEntry {
	return { type: 'guide', title: 'T', updated: NOW, author: 'Ann', ...fields };
}

describe('recent activity', () => {
	it('lists changes across groups newest first, telling new from changed', () => {
		const items = recentActivity(
			[
				{
					id: 'a',
					name: 'Malmö',
					entries: [
						['g1', entry({ title: 'Legal', created: NOW - 10 * MIN, updated: NOW - 9 * MIN })],
						['g2', entry({ title: 'Banners', created: NOW - 3 * 86_400_000, updated: NOW - 1 * MIN })],
						['d1', entry({ type: 'discussion', title: 'Water', created: NOW - 60 * MIN, updated: NOW - 2 * MIN, author: 'Bo' })]
					]
				},
				{
					id: 'b',
					name: 'Lund',
					entries: [
						['x1', entry({ type: 'action', title: 'Sit-in', created: NOW - 5 * MIN, updated: NOW - 5 * MIN })],
						['x2', entry({ type: 'action', title: 'Old', updated: NOW - 4 * MIN })],
						['gone', entry({ title: 'Deleted', updated: NOW, deleted: NOW })],
						['ancient', entry({ title: 'Ancient', updated: NOW - 40 * 86_400_000 })]
					]
				}
			],
			NOW
		);
		expect(items.map((item) => `${item.kind} ${item.title} ${item.groupName}`)).toEqual([
			'editedGuide Banners Malmö',
			'newMessages Water Malmö',
			'editedAction Old Lund',
			'newAction Sit-in Lund',
			'newGuide Legal Malmö'
		]);
		expect(activityHref(items[1]!)).toBe('/g/a/discussions/d1');
	});

	it('keeps only the newest few', () => {
		const entries: [string, DocIndexEntry][] = Array.from({ length: 30 }, (_, n) => [`d${n}`, entry({ updated: NOW - n * MIN })]);
		const items = recentActivity([{ id: 'a', name: 'A', entries }], NOW, 5);
		expect(items.map((item) => item.docId)).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
	});
});
