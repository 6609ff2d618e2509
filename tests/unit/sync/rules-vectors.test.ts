import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { judgeDiscussion, judgeDoc, judgeGuide, judgeIndex, judgeMeta, metaRuleHolds, ownWrite, type Verdict } from '../../../src/lib/sync/rules';
import { Thread } from '../../../src/lib/discussions/thread';
import type { DocType } from '../../../src/lib/sync/api';

const hex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));

interface Case {
	name: string;
	base: string;
	author: string;
	update: string;
	verdict: Verdict;
}

/** The block of FORMAT.md under "Rules per document type". */
function vectors(): { bases: Record<string, string>; cases: Case[] } {
	const format = readFileSync(new URL('../../../src/lib/sync/FORMAT.md', import.meta.url), 'utf8');
	const section = format.slice(format.indexOf('### Rules per document type'));
	const block = /```json\n([\s\S]*?)```/.exec(section);
	if (!block) throw new Error('no vector block under "Rules per document type"');
	return JSON.parse(block[1]!);
}

function judge(base: string, doc: Y.Doc, update: Uint8Array, author: string): Verdict {
	if (base.startsWith('meta')) return judgeMeta(doc, update, author);
	if (base === 'index') return judgeIndex(doc, update, author);
	return judgeDoc(base as DocType, doc, update, author);
}

describe('rules per document type (FORMAT.md vectors)', () => {
	const { bases, cases } = vectors();

	it('covers every document type and verdict', () => {
		expect(new Set(cases.map((c) => c.base))).toEqual(new Set(['discussion', 'action', 'guide', 'index', 'meta', 'metaDoors']));
		expect(new Set(cases.map((c) => c.verdict))).toEqual(new Set(['apply', 'refuse', 'wait']));
	});

	for (const vector of cases) {
		it(`${vector.base}: ${vector.name} → ${vector.verdict}`, () => {
			const doc = new Y.Doc();
			Y.applyUpdateV2(doc, hex(bases[vector.base]!));
			expect(judge(vector.base, doc, hex(vector.update), vector.author)).toBe(vector.verdict);
			// A type the index does not know yet is held to every type's rules: the same verdict.
			if (!['meta', 'metaDoors', 'index'].includes(vector.base)) expect(judgeDoc(undefined, doc, hex(vector.update), vector.author)).toBe(vector.verdict);
		});
	}
});

/** A discussion by Alice (client 1) with one message, and a copy for another device. */
function thread(): { doc: Y.Doc; id: string; copy: (client: number) => Y.Doc } {
	const doc = new Y.Doc();
	doc.clientID = 1;
	const id = new Thread(doc).send({ publicKey: 'alice', name: 'Alice' }, 'meet at the square', { time: 1 })!;
	const copy = (client: number) => {
		const other = new Y.Doc();
		other.clientID = client;
		Y.applyUpdateV2(other, Y.encodeStateAsUpdateV2(doc));
		return other;
	};
	return { doc, id, copy };
}

const diff = (doc: Y.Doc, base: Y.Doc) => Y.encodeStateAsUpdateV2(doc, Y.encodeStateVector(base));

describe('rules per document type', () => {
	it('a compaction that carries only what the document holds passes whoever signed it', () => {
		const { doc, copy } = thread();
		const mallory = copy(3);
		new Thread(mallory).send({ publicKey: 'mallory', name: 'Mallory' }, 'hi', { time: 2 });
		Y.applyUpdateV2(doc, diff(mallory, doc));
		// Mallory's snapshot holds Alice's message too: nothing in it is new to Alice's document.
		expect(judgeDiscussion(doc, Y.encodeStateAsUpdateV2(mallory), 'mallory')).toBe('apply');
		// Bashir wrote one more message meanwhile: on Alice's device it is new, signed by Mallory: refused.
		const bashir = copy(5);
		new Thread(bashir).send({ publicKey: 'bashir', name: 'Bashir' }, 'me too', { time: 3 });
		Y.applyUpdateV2(mallory, diff(bashir, mallory));
		expect(judgeDiscussion(doc, Y.encodeStateAsUpdateV2(mallory), 'mallory')).toBe('refuse');
		expect(judgeDiscussion(doc, Y.encodeStateAsUpdateV2(mallory), 'bashir')).toBe('apply');
	});

	it('judges changes inside a message that arrives in the same update', () => {
		const { doc, copy } = thread();
		const mallory = copy(3);
		const forged = new Thread(mallory);
		const id = forged.send({ publicKey: 'mallory', name: 'Mallory' }, 'hi', { time: 2 })!;
		forged.toggleReaction(id, '👍', 'alice');
		expect(judgeDiscussion(doc, diff(mallory, doc), 'mallory')).toBe('refuse');
	});

	it('refuses a new message whose author is written twice with different values', () => {
		const { doc, copy } = thread();
		const mallory = copy(3);
		const id = new Thread(mallory).send({ publicKey: 'mallory', name: 'Mallory' }, 'hi', { time: 2 })!;
		// The same update also writes `author` again, from another client id: which value shows is not the signer's to pick.
		const rewrite = copy(2_000_000_000);
		Y.applyUpdateV2(rewrite, diff(mallory, doc));
		rewrite.getMap<Y.Map<unknown>>('messages').get(id)!.set('author', 'alice');
		const both = Y.mergeUpdatesV2([diff(mallory, doc), diff(rewrite, mallory)]);
		expect(judgeDiscussion(doc, both, 'mallory')).toBe('refuse');
		expect(judgeDiscussion(doc, diff(mallory, doc), 'mallory')).toBe('apply');
	});

	it('lets a member add a reactions map to a message that has none, never replace one', () => {
		const { doc, id, copy } = thread();
		const withoutMap = copy(4);
		const message = new Thread(withoutMap).messages.get(id)!;
		// A message from before reactions: Alice removes the map (her own message), then Mallory reacts.
		message.delete('reactions');
		Y.applyUpdateV2(doc, diff(withoutMap, doc));
		const mallory = copy(3);
		Y.applyUpdateV2(mallory, Y.encodeStateAsUpdateV2(doc));
		new Thread(mallory).toggleReaction(id, '👍', 'mallory');
		expect(judgeDiscussion(doc, diff(mallory, doc), 'mallory')).toBe('refuse');
		const fresh = thread();
		const mallory2 = fresh.copy(3);
		new Thread(mallory2).messages.get(fresh.id)!.set('reactions', new Y.Map());
		expect(judgeDiscussion(fresh.doc, diff(mallory2, fresh.doc), 'mallory')).toBe('refuse');
	});

	it('places items whose origin arrives in the same update from another client', () => {
		const { doc, id, copy } = thread();
		const alice = copy(4);
		const text = new Y.Text('meet');
		new Thread(alice).messages.get(id)!.set('text', text);
		const alice2 = copy(6);
		Y.applyUpdateV2(alice2, diff(alice, doc));
		(new Thread(alice2).messages.get(id)!.get('text') as Y.Text).insert(4, ' at the park');
		const merged = Y.mergeUpdatesV2([diff(alice, doc), diff(alice2, alice)]);
		expect(judgeDiscussion(doc, merged, 'alice')).toBe('apply');
		expect(judgeDiscussion(doc, merged, 'mallory')).toBe('refuse');
		// The second half alone builds on the first: it waits.
		expect(judgeDiscussion(doc, diff(alice2, alice), 'alice')).toBe('wait');
	});

	it('refuses deleting a guide version and a version under another name', () => {
		const doc = new Y.Doc();
		doc.getArray('versions').push([{ id: 'v1', time: 1, author: 'alice', markdown: '' }]);
		const other = new Y.Doc();
		Y.applyUpdateV2(other, Y.encodeStateAsUpdateV2(doc));
		other.getArray('versions').push([{ id: 'v2', time: 2, author: 'bob', markdown: '' }, { id: 'v3', time: 2, author: 'mallory', markdown: '' }]);
		expect(judgeGuide(doc, diff(other, doc), 'mallory')).toBe('refuse');
		expect(judgeGuide(doc, diff(other, doc), 'bob')).toBe('refuse');
	});

	it('tells a device’s own write from a merge of several sessions and from a document’s first content', () => {
		const { doc, copy } = thread();
		const mallory = copy(3);
		new Thread(mallory).send({ publicKey: 'mallory', name: 'Mallory' }, 'hi', { time: 2 });
		expect(ownWrite(doc, diff(mallory, doc))).toBe(true);
		const bashir = copy(5);
		new Thread(bashir).send({ publicKey: 'bashir', name: 'Bashir' }, 'me too', { time: 3 });
		const merged = Y.mergeUpdatesV2([diff(mallory, doc), diff(bashir, doc)]);
		expect(ownWrite(doc, merged)).toBe(false);
		// A snapshot carries several sessions even where only one of them is new to the document.
		expect(ownWrite(doc, Y.encodeStateAsUpdateV2(mallory))).toBe(false);
		const deletion = copy(7);
		deletion.getMap('messages').delete(new Thread(deletion).ids()[0]!);
		expect(ownWrite(doc, diff(deletion, doc))).toBe(true);
		expect(ownWrite(new Y.Doc(), diff(mallory, doc))).toBe(false);
	});

	it('refuses a touched key that names another device before the signer’s', () => {
		const doc = new Y.Doc();
		doc.getMap('fields').set('doc1 type', 'guide');
		const other = new Y.Doc();
		Y.applyUpdateV2(other, Y.encodeStateAsUpdateV2(doc));
		other.getMap('fields').set('doc1 touched alice mallory', { updated: 2, author: 'Alice' });
		expect(judgeIndex(doc, diff(other, doc), 'mallory')).toBe('refuse');
	});

	it('keeps the meta check of before', () => {
		const doc = new Y.Doc();
		doc.getMap('members').set('alice', { name: 'Alice' });
		const other = new Y.Doc();
		Y.applyUpdateV2(other, Y.encodeStateAsUpdateV2(doc));
		other.getMap('members').delete('alice');
		expect(metaRuleHolds(doc, diff(other, doc), 'mallory')).toBe(false);
		expect(metaRuleHolds(doc, diff(other, doc), 'alice')).toBe(true);
	});

	it('refuses a device’s own write that sets another key’s member entry, even one its replica no longer holds', () => {
		const doc = new Y.Doc();
		doc.getMap('members').set('bashir', { name: 'Bashir' });
		const mallory = new Y.Doc();
		Y.applyUpdateV2(mallory, Y.encodeStateAsUpdateV2(doc));
		// Her refused deletion stays applied on her own replica; the set that follows deletes nothing.
		mallory.getMap('members').delete('bashir');
		// What her vault seals: the set's own transaction, which carries no deletion.
		let set: Uint8Array = new Uint8Array();
		mallory.once('updateV2', (update: Uint8Array) => (set = update));
		mallory.getMap('members').set('bashir', { name: 'Informer' });
		expect(Y.decodeUpdateV2(set).ds.clients.size).toBe(0);
		expect(judgeMeta(doc, set, 'mallory')).toBe('refuse');
		const own = new Y.Doc();
		Y.applyUpdateV2(own, Y.encodeStateAsUpdateV2(doc));
		own.getMap('members').set('mallory', { name: 'Mallory' });
		expect(judgeMeta(doc, diff(own, doc), 'mallory')).toBe('apply');
	});
});
