import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { initAction, readAction, readGuides, readRsvps, rsvpsByStatus, RSVPS, setGuides, setRsvp, startsAt, updateAction, validateAction, type ActionFields } from '../../../src/lib/actions/action';

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

	it('counts each answer with names, each device changing only its own, with no withdrawal by repeating', () => {
		const a = new Y.Doc();
		initAction(a, fields);
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		setRsvp(a, { publicKey: 'ka', name: 'Alice' }, 'going', 1);
		setRsvp(b, { publicKey: 'kb', name: 'Bashir' }, 'going', 2);
		sync(a, b);
		expect(readRsvps(a).map((r) => r.name)).toEqual(['Alice', 'Bashir']);
		expect(readRsvps(b)).toEqual(readRsvps(a));
		// Choosing the same answer again keeps it.
		setRsvp(b, { publicKey: 'kb', name: 'Bashir' }, 'going', 3);
		expect(readRsvps(b).find((r) => r.publicKey === 'kb')).toMatchObject({ status: 'going', time: 2 });
		setRsvp(b, { publicKey: 'kb', name: 'Bashir' }, 'maybe', 4);
		setRsvp(a, { publicKey: 'ka', name: 'Alice' }, 'notGoing', 5);
		sync(a, b);
		const grouped = rsvpsByStatus(readRsvps(a));
		expect(grouped.going).toEqual([]);
		expect(grouped.maybe.map((r) => r.name)).toEqual(['Bashir']);
		expect(grouped.notGoing.map((r) => r.name)).toEqual(['Alice']);
		setRsvp(a, { publicKey: 'ka', name: 'Alice' }, 'going', 6);
		sync(a, b);
		expect(rsvpsByStatus(readRsvps(b)).going.map((r) => r.name)).toEqual(['Alice']);
		expect(readRsvps(b)).toHaveLength(2);
	});

	it('reads RSVPs written by older versions as going, and keeps other answers out of what they read', () => {
		const doc = new Y.Doc();
		initAction(doc, fields);
		doc.getMap(RSVPS).set('old', { name: 'Olga', time: 1 });
		setRsvp(doc, { publicKey: 'kb', name: 'Bashir' }, 'maybe', 2);
		expect(readRsvps(doc).map((r) => [r.name, r.status])).toEqual([
			['Olga', 'going'],
			['Bashir', 'maybe']
		]);
		// An older version only knows the going map: Bashir's "maybe" must not appear there.
		expect([...doc.getMap(RSVPS).keys()]).toEqual(['old']);
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
