import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { getSchema } from '@tiptap/core';
import { EditorState, TextSelection } from '@tiptap/pm/state';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { absolutePositionToRelativePosition, initProseMirrorDoc, relativePositionToAbsolutePosition, updateYFragment } from '@tiptap/y-tiptap';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, setOnline, until } from '../helpers/devices';
import { guideNodes } from '../../src/lib/guides/extensions';
import { guideBody } from '../../src/lib/guides/schema';
import type { OpenDoc } from '../../src/lib/sync';

// The local person types new paragraphs in a guide while the other member's edits, presence and connection
// come and go through the vaults. The editor side is y-tiptap's binding without a DOM: the selection is kept
// as a Yjs relative position across every transaction that is not the editor's own, and the document is
// rebuilt from the fragment after each, as ySyncPlugin does.

let relay: TestRelay;

beforeAll(async () => {
	relay = await startTestRelay({ limits: { updatesPerSecond: 10_000, updateBurst: 10_000, roomsPerMinutePerAddress: 10_000 } });
});

afterAll(async () => {
	await relay?.close();
});

const schema = getSchema(guideNodes());
/** The origin of the editor's own transactions (ySyncPlugin uses its plugin key). */
const EDITOR = Symbol('editor');

/** The editor's view of one inner doc: its ProseMirror document and a collapsed selection. */
class HeadlessEditor {
	doc: ProseMirrorNode;
	selection: number;
	#meta: ReturnType<typeof initProseMirrorDoc>['meta'];
	#saved: Y.RelativePosition | null = null;

	constructor(private readonly opened: OpenDoc) {
		const body = guideBody(opened.doc);
		({ doc: this.doc, meta: this.#meta } = initProseMirrorDoc(body, schema));
		this.selection = this.doc.content.size - 1;
		opened.doc.on('beforeAllTransactions', () => {
			this.#saved = absolutePositionToRelativePosition(this.selection, body, this.#meta.mapping);
		});
		body.observeDeep((_events, transaction) => {
			if (transaction.origin === EDITOR) return;
			({ doc: this.doc, meta: this.#meta } = initProseMirrorDoc(body, schema));
			const restored = this.#saved && relativePositionToAbsolutePosition(opened.doc, body, this.#saved, this.#meta.mapping);
			this.selection = Math.min(restored ?? this.selection, this.doc.content.size - 1);
			this.#caretMoved();
		});
	}

	/** Publishes the caret as the caret plugin does (the vault seals it into presence). */
	#caretMoved(): void {
		const at = absolutePositionToRelativePosition(this.selection, guideBody(this.opened.doc), this.#meta.mapping);
		this.opened.awareness.setLocalStateField('cursor', { anchor: at, head: at });
	}

	#apply(change: (state: EditorState) => EditorState['tr']): void {
		const state = EditorState.create({ doc: this.doc, selection: TextSelection.create(this.doc, this.selection) });
		const tr = change(state);
		this.doc = tr.doc;
		this.selection = tr.selection.head;
		this.opened.doc.transact(() => updateYFragment(this.opened.doc, guideBody(this.opened.doc), this.doc, this.#meta), EDITOR);
		this.#caretMoved();
	}

	/** End, then Enter: a new empty paragraph at the end with the caret in it. */
	newParagraph(): void {
		this.#apply((state) => {
			const end = state.doc.content.size;
			const tr = state.tr.insert(end, schema.nodes.paragraph!.create());
			return tr.setSelection(TextSelection.create(tr.doc, end + 1));
		});
	}

	type(text: string): void {
		this.#apply((state) => state.tr.insertText(text));
	}

	/** The text of the block the caret is in, and the caret's offset in it. */
	caret(): { text: string; offset: number } {
		const $pos = this.doc.resolve(this.selection);
		return { text: $pos.parent.textContent, offset: $pos.parentOffset };
	}
}

type Step =
	| { kind: 'type'; text: string }
	| { kind: 'enter' }
	| { kind: 'remoteEdit'; at: number; text: string }
	| { kind: 'remoteParagraph' }
	| { kind: 'remoteCaret'; at: number }
	| { kind: 'offline'; who: number }
	| { kind: 'online'; who: number }
	| { kind: 'flush' }
	| { kind: 'compact'; who: number }
	| { kind: 'pause' };

const step: fc.Arbitrary<Step> = fc.oneof(
	{ weight: 8, arbitrary: fc.record({ kind: fc.constant('type' as const), text: fc.stringMatching(/^[a-z0-9-]{1,3}$/) }) },
	{ weight: 2, arbitrary: fc.constant({ kind: 'enter' as const }) },
	{ weight: 3, arbitrary: fc.record({ kind: fc.constant('remoteEdit' as const), at: fc.nat(), text: fc.stringMatching(/^[A-Z]{1,3}$/) }) },
	{ weight: 1, arbitrary: fc.constant({ kind: 'remoteParagraph' as const }) },
	{ weight: 3, arbitrary: fc.record({ kind: fc.constant('remoteCaret' as const), at: fc.nat() }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('offline' as const), who: fc.nat(1) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('online' as const), who: fc.nat(1) }) },
	{ weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), who: fc.nat(1) }) },
	{ weight: 2, arbitrary: fc.constant({ kind: 'pause' as const }) }
);

/** The other member's paragraphs are the ones before the local person's first; it edits only those. */
function remoteParagraphs(body: Y.XmlFragment): Y.XmlText[] {
	const texts: Y.XmlText[] = [];
	for (const element of body.toArray()) {
		if (!(element instanceof Y.XmlElement)) continue;
		const text = element.firstChild;
		if (!(text instanceof Y.XmlText) || !/^[A-Z.]*$/.test(text.toString().replace(/<[^>]*>/g, ''))) break;
		texts.push(text);
	}
	return texts;
}

describe('typing while the other member edits, moves and comes and goes', () => {
	it('leaves every line exactly as typed, with the caret after the last letter', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 20, maxLength: 60 }), async (steps) => {
				const devices = await Promise.all(['A', 'B'].map((name) => newDevice(name, { batchDelayMs: 10 })));
				const vaultA = await devices[0]!.workspace.createGroup({ name: 'typing', relayUrl: relay.url });
				const vaultB = await devices[1]!.workspace.joinGroup(vaultA.invite());
				const docA = await vaultA.create(
					'guide',
					(doc) => {
						const paragraph = new Y.XmlElement('paragraph');
						paragraph.insert(0, [new Y.XmlText('START.')]);
						guideBody(doc).insert(0, [paragraph]);
					},
					{ title: 'typing' }
				);
				await docA.flush();
				const docB = await vaultB.open(docA.docId);
				await until(() => guideBody(docB.doc).length === 1, 'the guide on B');
				const editor = new HeadlessEditor(docA);
				const lines: string[] = [];
				for (const s of steps) {
					if (s.kind === 'enter' || (s.kind === 'type' && lines.length === 0)) {
						editor.newParagraph();
						lines.push('');
					}
					if (s.kind === 'type') {
						editor.type(s.text);
						lines[lines.length - 1] += s.text;
					} else if (s.kind === 'remoteEdit') {
						const texts = remoteParagraphs(guideBody(docB.doc));
						const text = texts[s.at % texts.length]!;
						text.insert(s.at % (text.length + 1), s.text);
					} else if (s.kind === 'remoteParagraph') {
						const paragraph = new Y.XmlElement('paragraph');
						paragraph.insert(0, [new Y.XmlText('B.')]);
						guideBody(docB.doc).insert(0, [paragraph]);
					} else if (s.kind === 'remoteCaret') {
						// B's caret anywhere, A's paragraphs included: a remote caret in the line being typed.
						const body = guideBody(docB.doc);
						const element = body.get(s.at % body.length) as Y.XmlElement;
						const text = element.firstChild;
						const at = text instanceof Y.XmlText ? Y.createRelativePositionFromTypeIndex(text, s.at % (text.length + 1), -1) : Y.createRelativePositionFromTypeIndex(element, 0, -1);
						docB.awareness.setLocalStateField('cursor', { anchor: Y.relativePositionToJSON(at), head: Y.relativePositionToJSON(at) });
					} else if (s.kind === 'offline') await setOnline(devices[s.who]!, false);
					else if (s.kind === 'online') await setOnline(devices[s.who]!, true);
					else if (s.kind === 'flush') await docA.flush();
					else if (s.kind === 'compact') await (await devices[s.who]!.workspace.vault(vaultA.id)).compact(docA.docId, true);
					else if (s.kind === 'pause') await new Promise((resolve) => setTimeout(resolve, 25));
					if (lines.length > 0) expect(editor.caret()).toEqual({ text: lines[lines.length - 1], offset: lines[lines.length - 1]!.length });
				}
				for (const device of devices) await setOnline(device, true);
				const json = (opened: OpenDoc) => JSON.stringify(guideBody(opened.doc).toJSON());
				await until(() => json(docA) === json(docB), 'convergence');
				const typed = guideBody(docA.doc)
					.toArray()
					.slice(remoteParagraphs(guideBody(docA.doc)).length)
					.map((element) => (element as Y.XmlElement).toArray().map((text) => text.toString()).join(''));
				expect(typed).toEqual(lines);
				for (const device of devices) await device.close();
			}),
			{ numRuns: 20, seed: 20261128 }
		);
	}, 180_000);
});
