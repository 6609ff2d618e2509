import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MAX_MESSAGE_LENGTH, REACTIONS, Thread } from '../../../src/lib/discussions/thread';

const alice = { publicKey: 'alice-key', name: 'Alice' };
const bashir = { publicKey: 'bashir-key', name: 'Bashir' };

describe('editing, deleting and reacting', () => {
	it('lets the author edit and delete their own message, and nobody else', () => {
		const thread = new Thread(new Y.Doc());
		const id = thread.send(alice, '  Meet at 10  ', { time: 1000 })!;
		expect(thread.message(id)).toMatchObject({ text: 'Meet at 10', author: 'alice-key', authorName: 'Alice', time: 1000 });
		expect(thread.edit(id, bashir.publicKey, 'hijacked')).toBe(false);
		expect(thread.delete(id, bashir.publicKey)).toBe(false);
		expect(thread.edit(id, alice.publicKey, 'Meet at 11', 2000)).toBe(true);
		expect(thread.message(id)).toMatchObject({ text: 'Meet at 11', editedAt: 2000 });
		expect(thread.delete(id, alice.publicKey, 3000)).toBe(true);
		expect(thread.message(id)).toMatchObject({ text: '', deleted: 3000 });
		// A deleted message keeps its place and cannot be edited back.
		expect(thread.ids()).toEqual([id]);
		expect(thread.edit(id, alice.publicKey, 'back')).toBe(false);
	});

	it('sends nothing for blank text and cuts overlong text', () => {
		const thread = new Thread(new Y.Doc());
		expect(thread.send(alice, '   ')).toBeUndefined();
		const id = thread.send(alice, 'x'.repeat(MAX_MESSAGE_LENGTH + 50))!;
		expect(thread.message(id)?.text).toHaveLength(MAX_MESSAGE_LENGTH);
	});

	it('counts reactions per person, toggles them, and keeps concurrent reactions of two people', () => {
		const a = new Y.Doc();
		const ta = new Thread(a);
		const id = ta.send(alice, 'We did it!')!;
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		const tb = new Thread(b);
		const emoji = REACTIONS[2];
		expect(ta.toggleReaction(id, emoji, alice.publicKey)).toBe(true);
		expect(tb.toggleReaction(id, emoji, bashir.publicKey)).toBe(true);
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		expect(ta.message(id, alice.publicKey)?.reactions).toEqual([{ emoji, count: 2, mine: true }]);
		expect(ta.toggleReaction(id, emoji, alice.publicKey)).toBe(false);
		expect(ta.message(id, alice.publicKey)?.reactions).toEqual([{ emoji, count: 1, mine: false }]);
	});
});
