import { describe, expect, it } from 'vitest';
import { AUTO_VERSION_MERGE_MS, listedVersions, versionAuthor, type GuideVersion } from '../../../src/lib/guides/schema';

const version = (id: string, time: number, author: string, name?: string): GuideVersion => ({ id, time, author, markdown: id, ...(name ? { name } : {}) });

describe('guide History', () => {
	it('lists versions newest first, leaving out an automatic one the same person’s next automatic one follows closely', () => {
		const versions = [
			version('a1', 0, 'alice'),
			version('a2', AUTO_VERSION_MERGE_MS - 1, 'alice'),
			version('b1', AUTO_VERSION_MERGE_MS, 'bob'),
			version('b2', AUTO_VERSION_MERGE_MS + 1, 'bob', 'Named'),
			version('b3', AUTO_VERSION_MERGE_MS + 2, 'bob'),
			version('b4', 3 * AUTO_VERSION_MERGE_MS + 2, 'bob')
		];
		expect(listedVersions(versions).map((v) => v.id)).toEqual(['b4', 'b3', 'b2', 'b1', 'a2']);
	});

	it('names a version’s author as the roster does, then by the name it carries, then (older versions) by its author field', () => {
		const roster = new Map([['alice-key', 'Alice']]);
		const nameOf = (key: string) => roster.get(key);
		expect(versionAuthor({ ...version('v', 0, 'alice-key'), authorName: 'Not Alice' }, nameOf)).toBe('Alice');
		expect(versionAuthor({ ...version('v', 0, 'stranger-key'), authorName: 'Stranger' }, nameOf)).toBe('Stranger');
		expect(versionAuthor(version('v', 0, 'Bob'), nameOf)).toBe('Bob');
	});
});
