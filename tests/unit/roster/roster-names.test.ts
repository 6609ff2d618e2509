import { describe, expect, it } from 'vitest';
import { changedBy, emptyRoster, type RosterMember } from '../../../src/lib/sync/roster';

describe('names from the roster', () => {
	it('names who last changed a document by the device its index entry names; the carried name only for an unknown device', () => {
		const roster = emptyRoster();
		roster.members.set('alice-key', { name: 'Alice' } as RosterMember);
		expect(changedBy(roster, { author: 'Not Alice', authorKey: 'alice-key' })).toBe('Alice');
		expect(changedBy(roster, { author: 'Stranger', authorKey: 'stranger-key' })).toBe('Stranger');
		expect(changedBy(roster, { author: 'Old entry' })).toBe('Old entry');
	});
});
