import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getSchema } from '@tiptap/core';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import { guideExtensions } from '../../../src/lib/guides/editor';
import { guideBody, guideVersions, initGuide } from '../../../src/lib/guides/schema';
import { initAction } from '../../../src/lib/actions/action';
import { buildPayload, campaignDraft, guideDraft, publishDraft, publisherKey, unpublishEntry, validateDraft, PUBLISHER_KEYS_MAP } from '../../../src/lib/commons/publish';
import { readPublished } from '../../../src/lib/commons/published';
import { verifySigned, type SignedRequest } from '../../../src/lib/commons/sign';
import { CommonsError, type CommonsClient } from '../../../src/lib/commons/client';
import type { Entry } from '../../../src/lib/commons/types';

/** The relay's rules for writes, in memory: key binding and increasing seq. Records every request. */
function recordingClient() {
	const sent: { id: string; request: SignedRequest; payload: Record<string, unknown> }[] = [];
	const held = new Map<string, { key: string; seq: number; entry?: Entry }>();
	const accept = (id: string, request: SignedRequest) => {
		const payload = JSON.parse(request.payload) as Record<string, unknown>;
		sent.push({ id, request, payload });
		if (!verifySigned(request.payload, request.signature, request.publicKey)) throw new CommonsError('invalid', 'bad signature', 400);
		const before = held.get(id);
		if (before && before.key !== request.publicKey) throw new CommonsError('wrong_key', 'wrong key', 403);
		if (before && (payload.seq as number) <= before.seq) throw new CommonsError('stale', 'stale', 409);
		return { payload, before };
	};
	const client: CommonsClient = {
		async list() {
			return { entries: [], total: 0, offset: 0, limit: 20 };
		},
		async get(id) {
			const entry = held.get(id)?.entry;
			if (!entry) throw new CommonsError('not_found', 'no', 404);
			return entry;
		},
		async publish(id, request) {
			const { payload, before } = accept(id, request);
			const { action: _action, ...rest } = payload;
			const entry = { ...rest, publicKey: request.publicKey, signature: request.signature, signed: request.payload, publishedAt: 1000, updatedAt: 2000 } as unknown as Entry;
			held.set(id, { key: request.publicKey, seq: payload.seq as number, entry });
			return { entry, created: !before };
		},
		async unpublish(id, request) {
			const { payload } = accept(id, request);
			held.set(id, { key: request.publicKey, seq: payload.seq as number });
			return { id, seq: payload.seq as number };
		},
		async report() {
			return { hidden: false };
		}
	};
	return { client, sent, held };
}

function sampleGuide(): Y.Doc {
	const doc = new Y.Doc();
	initGuide(doc, { title: 'Legal support', language: 'sv', tags: ['Legal', 'arrests', 'legal'] });
	const body = {
		type: 'doc',
		content: [
			{ type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Before' }] },
			{ type: 'paragraph', content: [{ type: 'text', text: 'Call ' }, { type: 'text', text: 'the line', marks: [{ type: 'link', attrs: { href: 'https://example.org/' } }] }] },
			{ type: 'taskList', content: [{ type: 'taskItem', attrs: { checked: true }, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Write the number on your arm' }] }] }] }
		]
	};
	prosemirrorJSONToYXmlFragment(getSchema(guideExtensions()), body, guideBody(doc));
	// Things that never leave the vault: versions and anything else in the doc.
	guideVersions(doc).push([{ id: 'v1', time: 1, author: 'Secret Sam', markdown: 'old private text' }]);
	doc.getMap('private').set('note', 'internal plan');
	return doc;
}

describe('publishing a guide', () => {
	it('sends only the chosen fields and the body, signed with the group key kept in the meta doc', async () => {
		const { client, sent } = recordingClient();
		const meta = new Y.Doc();
		const doc = sampleGuide();
		const draft = { ...guideDraft(doc, { publisher: 'Climate Justice Malmö', lang: 'en' }), summary: 'What to do.' };
		expect(validateDraft(draft)).toEqual([]);
		await publishDraft(client, meta, doc, draft);

		expect(sent).toHaveLength(1);
		const { payload, request } = sent[0]!;
		expect(Object.keys(payload).sort()).toEqual(['action', 'body', 'id', 'kind', 'lang', 'licence', 'publisher', 'seq', 'summary', 'tags', 'title', 'v']);
		expect(payload).toMatchObject({ v: 1, seq: 1, action: 'publish', kind: 'guide', lang: 'sv', title: 'Legal support', summary: 'What to do.', tags: ['legal', 'arrests'], publisher: 'Climate Justice Malmö', licence: 'CC-BY-SA-4.0' });
		expect(payload.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
		expect(JSON.stringify(payload.body)).toContain('Write the number on your arm');
		expect(request.payload).not.toContain('Secret Sam');
		expect(request.payload).not.toContain('internal plan');
		expect(request.payload).not.toContain('old private text');

		const keys = meta.getMap<string>(PUBLISHER_KEYS_MAP);
		expect([...keys.keys()]).toEqual([request.publicKey]);
		expect(readPublished(doc)).toMatchObject({ id: payload.id, seq: 1, publicKey: request.publicKey, status: 'published', summary: 'What to do.' });
	});

	it('updates with a higher seq and the same key, from any member, and unpublishes', async () => {
		const { client, sent } = recordingClient();
		const meta = new Y.Doc();
		const doc = sampleGuide();
		await publishDraft(client, meta, doc, guideDraft(doc, { publisher: 'G', lang: 'en' }));
		// Another member's copies of the meta doc and guide.
		const meta2 = new Y.Doc();
		Y.applyUpdate(meta2, Y.encodeStateAsUpdate(meta));
		const doc2 = new Y.Doc();
		Y.applyUpdate(doc2, Y.encodeStateAsUpdate(doc));
		await publishDraft(client, meta2, doc2, { ...guideDraft(doc2, { publisher: 'G', lang: 'en' }), title: 'Legal support, v2' });
		expect(sent[1]!.payload).toMatchObject({ id: sent[0]!.payload.id, seq: 2, title: 'Legal support, v2' });
		expect(sent[1]!.request.publicKey).toBe(sent[0]!.request.publicKey);

		await unpublishEntry(client, meta2, doc2);
		expect(JSON.parse(sent[2]!.request.payload)).toEqual({ v: 1, id: sent[0]!.payload.id, seq: 3, action: 'unpublish' });
		expect(readPublished(doc2)?.status).toBe('unpublished');
	});

	it('goes past a concurrent update once when the relay says stale', async () => {
		const { client, held, sent } = recordingClient();
		const meta = new Y.Doc();
		const doc = sampleGuide();
		const entry = await publishDraft(client, meta, doc, guideDraft(doc, { publisher: 'G', lang: 'en' }));
		held.set(entry.id, { ...held.get(entry.id)!, seq: 5, entry: { ...entry, seq: 5 } });
		await publishDraft(client, meta, doc, guideDraft(doc, { publisher: 'G', lang: 'en' }));
		expect(sent.map((s) => s.payload.seq)).toEqual([1, 2, 6]);
		expect(readPublished(doc)?.seq).toBe(6);
	});

	it('keeps every publisher key two members made at once', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const keyA = publisherKey(a)!;
		const keyB = publisherKey(b)!;
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		expect(publisherKey(a, keyA.publicKey)).toEqual(keyA);
		expect(publisherKey(a, keyB.publicKey)).toEqual(keyB);
		expect(publisherKey(a)).toEqual(publisherKey(b));
	});
});

describe('publishing an action as a campaign', () => {
	it('keeps the times of day and the zone, leaves RSVPs and linked guides out, and needs a way to join', () => {
		const doc = new Y.Doc();
		initAction(doc, { title: 'Save the park', description: 'Stop the car park.', starts: '2026-12-01T10:00', ends: '2027-02-28T18:00', timeZone: 'Europe/Stockholm', place: 'Malmö', callToAction: 'Come' }, ['guide-1']);
		doc.getMap('rsvps').set('pk', { name: 'Secret Sam', time: 1 });
		const draft = campaignDraft(doc, { publisher: 'Park friends', lang: 'sv' });
		expect(draft).toMatchObject({ kind: 'campaign', title: 'Save the park', place: 'Malmö', starts: '2026-12-01T10:00', ends: '2027-02-28T18:00', timeZone: 'Europe/Stockholm', description: 'Stop the car park.\n\nCome' });
		expect(buildPayload({ ...draft, join: { contact: 'Signal' } }, 'x'.repeat(22), 1)).toMatchObject({ starts: '2026-12-01T10:00', ends: '2027-02-28T18:00', timeZone: 'Europe/Stockholm' });
		expect(validateDraft(draft)).toEqual(['joinMissing']);
		expect(validateDraft({ ...draft, join: { url: 'javascript:alert(1)' } })).toEqual(['joinUrlInvalid']);
		expect(validateDraft({ ...draft, join: { contact: 'Signal +46 70' } })).toEqual([]);
		expect(validateDraft({ ...draft, ends: '2026-11-01T10:00', join: { url: 'https://example.org' } })).toEqual(['endsBeforeStarts']);
		expect(validateDraft({ ...draft, timeZone: 'Nowhere/Else', join: { contact: 'Signal' } })).toEqual(['startsInvalid']);
		// A campaign given as days only (no times) is published as dates, without a zone.
		const dated = { ...draft, starts: '2026-12-01', ends: '2026-12-03', join: { contact: 'Signal' } };
		expect(validateDraft(dated)).toEqual([]);
		expect(buildPayload(dated, 'x'.repeat(22), 1)).not.toHaveProperty('timeZone');
		expect(JSON.stringify(draft)).not.toContain('Secret Sam');
		expect(JSON.stringify(draft)).not.toContain('guide-1');
	});
});
