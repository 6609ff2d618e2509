import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DocIndex } from '../../../src/lib/sync/doc-index';

/** Two phones' copies of a group's index doc, synced by hand. */
function twoPhones() {
	const docA = new Y.Doc();
	const docB = new Y.Doc();
	const a = new DocIndex(docA);
	const b = new DocIndex(docB);
	const sync = () => {
		const toB = Y.encodeStateAsUpdate(docA, Y.encodeStateVector(docB));
		const toA = Y.encodeStateAsUpdate(docB, Y.encodeStateVector(docA));
		Y.applyUpdate(docB, toB);
		Y.applyUpdate(docA, toA);
	};
	return { a, b, sync };
}

describe('the doc index', () => {
	it('keeps an entry whole when a phone that has not received it yet records a change to it', () => {
		const { a, b, sync } = twoPhones();
		a.touch('thread1', { type: 'discussion', title: 'Saturday blockade' }, 1_000, 'Alice', 'keyA');
		// B writes in the thread before the entry reached it (it opened the thread by link, then went offline).
		b.touch('thread1', {}, 2_000, 'Bashir', 'keyB');
		expect(b.entries.get('thread1')).toBeUndefined();
		sync();
		for (const index of [a, b]) {
			// The device that changed it last is named too, so screens can name it as the roster does.
			expect(index.entries.get('thread1')).toEqual({ type: 'discussion', title: 'Saturday blockade', updated: 2_000, author: 'Bashir', authorKey: 'keyB' });
		}
	});

	it('keeps a rename and a deletion made while another phone, offline, kept writing', () => {
		const { a, b, sync } = twoPhones();
		a.touch('guide1', { type: 'guide', title: 'Legal' }, 1_000, 'Alice', 'keyA');
		a.touch('thread1', { type: 'discussion', title: 'Plans' }, 1_000, 'Alice', 'keyA');
		sync();
		a.touch('guide1', { title: 'Legal support' }, 2_000, 'Alice', 'keyA');
		a.touch('thread1', { deleted: 2_000 }, 2_000, 'Alice', 'keyA');
		b.touch('guide1', {}, 3_000, 'Bashir', 'keyB');
		b.touch('thread1', {}, 3_000, 'Bashir', 'keyB');
		sync();
		for (const index of [a, b]) {
			expect(index.entries.get('guide1')).toMatchObject({ title: 'Legal support', updated: 3_000, author: 'Bashir' });
			expect(index.entries.get('thread1')?.deleted).toBe(2_000);
		}
	});

	it('restores by clearing a field, and both phones agree', () => {
		const { a, b, sync } = twoPhones();
		a.touch('guide1', { type: 'guide', title: 'Legal', deleted: 5 }, 1_000, 'Alice', 'keyA');
		sync();
		b.touch('guide1', { deleted: undefined }, 2_000, 'Bashir', 'keyB');
		sync();
		expect(a.entries.get('guide1')?.deleted).toBeUndefined();
		expect('deleted' in a.entries.get('guide1')!).toBe(false);
	});

	it('reads entries of the first format, with newer per-field values on top', () => {
		const doc = new Y.Doc();
		doc.getMap('docs').set('old', { type: 'guide', title: 'Old title', updated: 10, author: 'Alice' });
		const index = new DocIndex(doc);
		expect(index.entries.get('old')).toEqual({ type: 'guide', title: 'Old title', updated: 10, author: 'Alice' });
		index.touch('old', { title: 'New title' }, 20, 'Bashir', 'keyB');
		expect(index.entries.get('old')).toEqual({ type: 'guide', title: 'New title', updated: 20, author: 'Bashir', authorKey: 'keyB' });
	});

	it('tells observers of the entries about every change', () => {
		const { a } = twoPhones();
		const seen: string[][] = [];
		a.entries.observe((event) => seen.push([...event.keysChanged]));
		a.touch('action1', { type: 'action', title: 'Picnic', starts: 5 }, 1, 'Alice', 'keyA');
		a.touch('action1', { starts: 6 }, 2, 'Alice', 'keyA');
		expect(seen).toEqual([['action1'], ['action1']]);
		expect(a.entries.get('action1')?.starts).toBe(6);
	});

	it('sums the message counts of every device, so two members writing at once are both counted', () => {
		const { a, b, sync } = twoPhones();
		a.touch('thread1', { type: 'discussion', title: 'Rota' }, 1_000, 'Alice', 'keyA');
		a.countSent('thread1', 'keyA', 1);
		sync();
		// Both write while apart: each records only its own count.
		a.countSent('thread1', 'keyA', 3);
		a.touch('thread1', {}, 2_000, 'Alice', 'keyA');
		b.countSent('thread1', 'keyB', 2);
		b.touch('thread1', {}, 2_500, 'Bashir', 'keyB');
		sync();
		for (const index of [a, b]) expect(index.entries.get('thread1')).toMatchObject({ messages: 5, updated: 2_500, author: 'Bashir' });
	});

	it('keeps the count through later changes, and recording a count is not a change of the document', () => {
		const { a } = twoPhones();
		a.touch('thread1', { type: 'discussion', title: 'Rota' }, 1_000, 'Alice', 'keyA');
		a.countSent('thread1', 'keyA', 4);
		a.touch('thread1', { title: 'Rota for Saturday' }, 2_000, 'Alice', 'keyA');
		expect(a.entries.get('thread1')).toMatchObject({ messages: 4, updated: 2_000, title: 'Rota for Saturday' });
		a.countSent('thread1', 'keyA', 5);
		expect(a.entries.get('thread1')).toMatchObject({ messages: 5, updated: 2_000 });
		expect(a.entries.get('thread1')?.messages).toBe(5);
	});

	it('ignores a count that is not a whole number', () => {
		const docA = new Y.Doc();
		const a = new DocIndex(docA);
		a.touch('thread1', { type: 'discussion', title: 'Rota' }, 1_000, 'Alice', 'keyA');
		a.countSent('thread1', 'keyA', 2);
		docA.getMap('fields').set('thread1 touched keyX', { updated: 1_500, author: 'Mallory', sent: -40 });
		docA.getMap('fields').set('thread1 touched keyY', { updated: 1_500, author: 'Mallory', sent: 'many' });
		expect(a.entries.get('thread1')?.messages).toBe(2);
	});
});
