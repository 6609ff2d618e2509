import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { campaignPayload, commonsApi, guidePayload, newEntryId, newPublisher, unpublishPayload } from '../helpers/commons';
import { startTestRelay, type TestRelay } from '../helpers/relay';

// Signed publishing against a real relay: signatures, key binding, seq, unpublish and republish.
describe('commons publishing', () => {
	let relay: TestRelay;
	let api: ReturnType<typeof commonsApi>;

	beforeAll(async () => {
		// Rate limits have their own test file; here every test shares one address.
		relay = await startTestRelay({ commons: { writesPerMinute: 10_000 } });
		api = commonsApi(relay.url);
	});
	afterAll(() => relay.close());

	it('accepts a validly signed guide with 201, then serves it with the signed string and signature', async () => {
		const publisher = newPublisher();
		const id = newEntryId();
		const signed = publisher.sign(guidePayload(id, 1));
		const created = await api.put(id, signed);
		expect(created.status).toBe(201);
		expect(created.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(created.body.entry).toMatchObject({ id, seq: 1, kind: 'guide', publicKey: publisher.publicKey, signature: signed.signature, signed: signed.payload });
		expect(created.body.entry).not.toHaveProperty('action');
		expect(typeof created.body.entry.publishedAt).toBe('number');

		const read = await api.get(id);
		expect(read.status).toBe(200);
		const { action: _action, ...fields } = JSON.parse(signed.payload) as Record<string, unknown>;
		expect(read.body.entry).toEqual({ ...fields, publicKey: publisher.publicKey, signature: signed.signature, signed: signed.payload, publishedAt: created.body.entry.publishedAt, updatedAt: created.body.entry.updatedAt });
		// Anyone can check the served signature again.
		const message = new TextEncoder().encode(`fieldbook-commons/v1\n${read.body.entry.signed}`);
		expect(ed25519.verify(Buffer.from(read.body.entry.signature, 'base64url'), message, Buffer.from(read.body.entry.publicKey, 'base64url'))).toBe(true);
	});

	it('accepts a campaign and answers 200 to an update with a greater seq', async () => {
		const publisher = newPublisher();
		const id = newEntryId();
		expect((await api.publish(publisher, campaignPayload(id, 1))).status).toBe(201);
		const updated = await api.publish(publisher, campaignPayload(id, 2, { title: 'Winter of blockades, week 2' }));
		expect(updated.status).toBe(200);
		expect(updated.body.entry).toMatchObject({ seq: 2, title: 'Winter of blockades, week 2', place: 'Malmö' });
		expect((await api.get(id)).body.entry.title).toBe('Winter of blockades, week 2');
	});

	it('refuses an update signed by another key with 403 wrong_key and keeps the entry', async () => {
		const owner = newPublisher();
		const forger = newPublisher();
		const id = newEntryId();
		await api.publish(owner, guidePayload(id, 1));
		const forged = await api.publish(forger, guidePayload(id, 2, { title: 'Forged' }));
		expect(forged.status).toBe(403);
		expect(forged.body).toMatchObject({ error: 'wrong_key' });
		expect(typeof forged.body.message).toBe('string');
		const forgedUnpublish = await api.unpublish(id, forger.sign(unpublishPayload(id, 2)));
		expect(forgedUnpublish.status).toBe(403);
		expect(forgedUnpublish.body.error).toBe('wrong_key');
		expect((await api.get(id)).body.entry.title).toBe('Legal support at actions');
	});

	it('refuses a tampered payload, a tampered signature and a signature under the wrong key as invalid', async () => {
		const publisher = newPublisher();
		const other = newPublisher();
		const id = newEntryId();
		const signed = publisher.sign(guidePayload(id, 1));
		const tamperedPayload = { ...signed, payload: signed.payload.replace('Legal support', 'Illegal support') };
		const flipped = Buffer.from(signed.signature, 'base64url');
		flipped[10] = (flipped[10] ?? 0) ^ 1;
		const tamperedSignature = { ...signed, signature: flipped.toString('base64url') };
		const swappedKey = { ...signed, publicKey: other.publicKey };
		for (const body of [tamperedPayload, tamperedSignature, swappedKey]) {
			const answer = await api.put(id, body);
			expect(answer.status).toBe(400);
			expect(answer.body).toEqual({ error: 'invalid', message: 'signature does not verify the payload with publicKey' });
		}
		for (const [field, value] of [['publicKey', 'short'], ['signature', `${signed.signature}==`], ['publicKey', `${publisher.publicKey.slice(0, -1)}+`]] as const) {
			const answer = await api.put(id, { ...signed, [field]: value });
			expect(answer.status).toBe(400);
			expect(answer.body.message).toContain(field);
		}
		expect((await api.get(id)).status).toBe(404);
	});

	it('refuses a replayed or older seq with 409 stale', async () => {
		const publisher = newPublisher();
		const id = newEntryId();
		const first = publisher.sign(guidePayload(id, 1));
		await api.put(id, first);
		await api.publish(publisher, guidePayload(id, 3, { title: 'Third' }));
		const replay = await api.put(id, first);
		expect(replay.status).toBe(409);
		expect(replay.body.error).toBe('stale');
		expect((await api.publish(publisher, guidePayload(id, 3, { title: 'Same seq' }))).status).toBe(409);
		expect((await api.unpublish(id, publisher.sign(unpublishPayload(id, 2)))).status).toBe(409);
		expect((await api.get(id)).body.entry.title).toBe('Third');
	});

	it('refuses a kind change with 400 invalid', async () => {
		const publisher = newPublisher();
		const id = newEntryId();
		await api.publish(publisher, guidePayload(id, 1));
		const changed = await api.publish(publisher, campaignPayload(id, 2));
		expect(changed.status).toBe(400);
		expect(changed.body).toEqual({ error: 'invalid', message: 'payload.kind cannot change across updates' });
	});

	it('refuses a payload whose id is not the id in the path', async () => {
		const publisher = newPublisher();
		const answer = await api.put(newEntryId(), publisher.sign(guidePayload(newEntryId(), 1)));
		expect(answer.status).toBe(400);
		expect(answer.body.message).toBe('payload.id does not match the id in the path');
	});

	it('publish, update, unpublish (410), then republish with a greater seq', async () => {
		const publisher = newPublisher();
		const id = newEntryId();
		expect((await api.publish(publisher, guidePayload(id, 1, { title: 'Lifecycle guide' }))).status).toBe(201);
		expect((await api.publish(publisher, guidePayload(id, 2, { title: 'Lifecycle guide v2' }))).status).toBe(200);
		const gone = await api.unpublish(id, publisher.sign(unpublishPayload(id, 3)));
		expect(gone.status).toBe(200);
		expect(gone.body).toEqual({ id, seq: 3 });
		const read = await api.get(id);
		expect(read.status).toBe(410);
		expect(read.body.error).toBe('unpublished');
		expect((await api.list({ q: 'lifecycle' })).body.total).toBe(0);
		// The tombstone keeps the seq: the old update cannot bring the entry back.
		expect((await api.publish(publisher, guidePayload(id, 2, { title: 'Lifecycle guide v2' }))).status).toBe(409);
		expect((await api.publish(newPublisher(), guidePayload(id, 9))).status).toBe(403);
		const back = await api.publish(publisher, guidePayload(id, 4, { title: 'Lifecycle guide again' }));
		expect(back.status).toBe(201);
		expect((await api.get(id)).body.entry.title).toBe('Lifecycle guide again');
		expect((await api.list({ q: 'lifecycle' })).body.entries.map((entry: { id: string }) => entry.id)).toEqual([id]);
	});

	it('unpublishing an id never published is 404, and an unpublish payload with more fields is invalid', async () => {
		const publisher = newPublisher();
		const id = newEntryId();
		expect((await api.unpublish(id, publisher.sign(unpublishPayload(id, 1)))).status).toBe(404);
		await api.publish(publisher, guidePayload(id, 1));
		const extra = await api.unpublish(id, publisher.sign({ ...unpublishPayload(id, 2), title: 'x' }));
		expect(extra.status).toBe(400);
		expect(extra.body.message).toBe('payload.title is not a known field');
		const wrongAction = await api.unpublish(id, publisher.sign(guidePayload(id, 2)));
		expect(wrongAction.status).toBe(400);
		const publishAsUnpublish = await api.put(id, publisher.sign(unpublishPayload(id, 2)));
		expect(publishAsUnpublish.status).toBe(400);
		expect(publishAsUnpublish.body.message).toBe('payload.action must be "publish" here');
	});

	it('concurrent updates of one id: every seq is accepted at most once and the greatest one wins', async () => {
		const publisher = newPublisher();
		const id = newEntryId();
		await api.publish(publisher, guidePayload(id, 1));
		const seqs = [2, 3, 4, 5, 6, 7, 8, 9];
		const bodies = seqs.flatMap((seq) => [publisher.sign(guidePayload(id, seq, { title: `Version ${seq}` })), publisher.sign(guidePayload(id, seq, { title: `Version ${seq}` }))]);
		const answers = await Promise.all(bodies.map((body) => api.put(id, body)));
		expect(answers.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
		const accepted = answers.filter((answer) => answer.status === 200).map((answer) => answer.body.entry.seq as number);
		expect(new Set(accepted).size).toBe(accepted.length);
		const read = await api.get(id);
		expect(read.body.entry).toMatchObject({ seq: 9, title: 'Version 9' });
	});

	it('answers 404 for an unknown id and 400 for a malformed one', async () => {
		const unknown = await api.get(newEntryId());
		expect(unknown.status).toBe(404);
		expect(unknown.body.error).toBe('not_found');
		const malformed = await api.get('not-an-id');
		expect(malformed.status).toBe(400);
		expect(malformed.body.error).toBe('invalid');
	});
});
