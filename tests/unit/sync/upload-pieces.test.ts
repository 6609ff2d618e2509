import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { uploadPieces } from '../../../src/lib/sync/upload';

function blob(bytes: number, seed: number): Uint8Array {
	return new Uint8Array(bytes).map((_, index) => (index * 31 + seed) & 0xff);
}

function same(a: Y.Doc, b: Y.Doc): boolean {
	return Buffer.from(Y.encodeStateAsUpdate(a)).equals(Buffer.from(Y.encodeStateAsUpdate(b))) || JSON.stringify(a.toJSON()) === JSON.stringify(b.toJSON());
}

describe('upload pieces', () => {
	it('cut what the relay lacks into updates below the piece size that together rebuild the document', () => {
		const doc = new Y.Doc();
		for (let i = 0; i < 40; i++) doc.getArray<Uint8Array>(`d/doc${i % 3}`).push([blob(20_000 + i, i)]);
		doc.getArray<Uint8Array>('d/doc0').delete(0, 5);
		const pieces = uploadPieces(doc, new Map(), 64 * 1024);
		expect(pieces.length).toBeGreaterThan(10);
		for (const piece of pieces) expect(piece.byteLength).toBeLessThan(64 * 1024 + 1024);
		const relay = new Y.Doc();
		for (const piece of pieces) Y.applyUpdate(relay, piece);
		expect(relay.store.pendingStructs).toBeNull();
		expect(Y.encodeStateVector(relay)).toEqual(Y.encodeStateVector(doc));
		for (let i = 0; i < 3; i++) expect(relay.getArray(`d/doc${i}`).toArray()).toEqual(doc.getArray(`d/doc${i}`).toArray());
		expect(same(relay, doc)).toBe(true);
	});

	it('send only what is beyond the relay state vector, from inside a merged run', () => {
		const doc = new Y.Doc();
		const relay = new Y.Doc();
		doc.getArray<Uint8Array>('d/a').push([blob(10, 1)]);
		Y.applyUpdate(relay, Y.encodeStateAsUpdate(doc));
		for (let i = 0; i < 30; i++) doc.getArray<Uint8Array>('d/a').push([blob(10_000, i)]);
		// Concurrent edits of another member the relay already has.
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(relay));
		other.getArray<Uint8Array>('d/a').push([blob(5, 9)]);
		Y.applyUpdate(relay, Y.encodeStateAsUpdate(other));
		Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
		const pieces = uploadPieces(doc, Y.decodeStateVector(Y.encodeStateVector(relay)), 32 * 1024);
		const sent = pieces.reduce((sum, piece) => sum + piece.byteLength, 0);
		expect(sent).toBeLessThan(30 * 10_000 + 30 * 100);
		expect(sent).toBeGreaterThan(30 * 10_000);
		for (const piece of pieces) Y.applyUpdate(relay, piece);
		expect(relay.getArray('d/a').toArray()).toEqual(doc.getArray('d/a').toArray());
	});

	it('send one piece with only deletions when the relay has every blob', () => {
		const doc = new Y.Doc();
		doc.getArray<Uint8Array>('d/a').push([blob(10, 1), blob(10, 2)]);
		const relay = new Y.Doc();
		Y.applyUpdate(relay, Y.encodeStateAsUpdate(doc));
		doc.getArray<Uint8Array>('d/a').delete(0, 1);
		const pieces = uploadPieces(doc, Y.decodeStateVector(Y.encodeStateVector(doc)));
		expect(pieces).toHaveLength(1);
		Y.applyUpdate(relay, pieces[0]!);
		expect(relay.getArray('d/a').length).toBe(1);
	});
});
