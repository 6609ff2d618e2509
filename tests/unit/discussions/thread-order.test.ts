import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { initDiscussion, Thread } from '../../../src/lib/discussions/thread';

const alice = { publicKey: 'alice-key', name: 'Alice' };
const bashir = { publicKey: 'bashir-key', name: 'Bashir' };

function sync(a: Y.Doc, b: Y.Doc): void {
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

function texts(thread: Thread): string[] {
	return thread.ids().map((id) => thread.message(id)?.text ?? '?');
}

describe('thread order', () => {
	it('is the same on every replica after concurrent offline messages, whatever order updates arrive in', () => {
		const a = new Y.Doc();
		initDiscussion(a, { title: 'Blockade plan', first: { author: alice, text: 'Who brings water?' } });
		const b = new Y.Doc();
		const c = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		Y.applyUpdate(c, Y.encodeStateAsUpdate(a));
		const ta = new Thread(a);
		const tb = new Thread(b);
		// Both write while apart; B's phone clock is an hour behind, which must not reorder anything.
		ta.send(alice, 'I can.', { time: Date.now() });
		ta.send(alice, 'Ten litres.', { time: Date.now() + 1 });
		tb.send(bashir, 'I have a trolley.', { time: Date.now() - 3_600_000 });
		const fromA = Y.encodeStateAsUpdate(a);
		const fromB = Y.encodeStateAsUpdate(b);
		// C receives B's update before A's; A and B sync directly.
		Y.applyUpdate(c, fromB);
		Y.applyUpdate(c, fromA);
		sync(a, b);
		const order = texts(ta);
		expect(order).toHaveLength(4);
		expect(order[0]).toBe('Who brings water?');
		// Alice's two messages stay in the order she wrote them.
		expect(order.indexOf('I can.')).toBeLessThan(order.indexOf('Ten litres.'));
		expect(texts(tb)).toEqual(order);
		expect(texts(new Thread(c))).toEqual(order);
		expect(new Thread(c).title).toBe('Blockade plan');
	});

	it('puts a reply written after reading a message after that message', () => {
		const a = new Y.Doc();
		initDiscussion(a, { title: 'Legal', first: { author: alice, text: 'Lawyer number?' } });
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		const tb = new Thread(b);
		const question = tb.ids()[0]!;
		const reply = tb.send(bashir, '070-123', { replyTo: question })!;
		sync(a, b);
		const ta = new Thread(a);
		expect(ta.ids()).toEqual([question, reply]);
		expect(ta.message(reply)?.replyTo).toBe(question);
	});

	it('ignores duplicate and dangling ids in the order', () => {
		const doc = new Y.Doc();
		const thread = new Thread(doc);
		const id = thread.send(alice, 'one')!;
		thread.order.push([id, 'no-such-message']);
		expect(thread.ids()).toEqual([id]);
	});
});
