import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { initAction, readAction, readGuides, readRsvps, setGuides, startsAt, toggleRsvp, updateAction, validateAction, type ActionFields } from '../../../src/lib/actions/action';

const fields: ActionFields = {
	title: 'Climate strike',
	description: 'March to the square',
	starts: '2026-09-20T13:00',
	ends: '2026-09-20T15:00',
	timeZone: 'Europe/Stockholm',
	place: 'Vasaplan',
	callToAction: 'Bring your school'
};

function sync(a: Y.Doc, b: Y.Doc): void {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
}

describe('action fields, linked guides and RSVPs', () => {
	it('stores the fields and gives the absolute start for the index', () => {
		const doc = new Y.Doc();
		initAction(doc, { ...fields, title: '  Climate strike ' }, ['g1', 'g2']);
		expect(readAction(doc)).toEqual(fields);
		expect(readGuides(doc)).toEqual(['g1', 'g2']);
		expect(new Date(startsAt(readAction(doc))!).toISOString()).toBe('2026-09-20T11:00:00.000Z');
		setGuides(doc, ['g2', 'g3']);
		expect(readGuides(doc)).toEqual(['g2', 'g3']);
	});

	it('keeps concurrent edits of different fields', () => {
		const a = new Y.Doc();
		initAction(a, fields);
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		updateAction(a, { ...readAction(a), place: 'Rådhustorget' });
		updateAction(b, { ...readAction(b), title: 'School strike' });
		sync(a, b);
		expect(readAction(a)).toMatchObject({ place: 'Rådhustorget', title: 'School strike' });
	});

	it('counts two people who come, each toggling only their own RSVP', () => {
		const a = new Y.Doc();
		initAction(a, fields);
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		expect(toggleRsvp(a, { publicKey: 'ka', name: 'Alice' }, 1)).toBe(true);
		expect(toggleRsvp(b, { publicKey: 'kb', name: 'Bashir' }, 2)).toBe(true);
		sync(a, b);
		expect(readRsvps(a).map((r) => r.name)).toEqual(['Alice', 'Bashir']);
		expect(readRsvps(b)).toEqual(readRsvps(a));
		expect(toggleRsvp(b, { publicKey: 'kb', name: 'Bashir' })).toBe(false);
		sync(a, b);
		expect(readRsvps(a).map((r) => r.name)).toEqual(['Alice']);
	});

	it('refuses a form without title, with a bad time or an end before the start', () => {
		expect(validateAction(fields)).toEqual([]);
		expect(validateAction({ ...fields, title: ' ' })).toEqual(['titleMissing']);
		expect(validateAction({ ...fields, starts: '' })).toEqual(['startsInvalid']);
		expect(validateAction({ ...fields, ends: '2026-09-20T12:00' })).toEqual(['endsBeforeStarts']);
		expect(validateAction({ ...fields, ends: '' })).toEqual([]);
		expect(validateAction({ ...fields, timeZone: 'Nowhere/Else' })).toEqual(['timeZoneInvalid']);
	});
});
