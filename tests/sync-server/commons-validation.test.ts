import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignPayload, commonsApi, docOf, guidePayload, newEntryId, newPublisher } from '../helpers/commons';
import { startTestRelay, type TestRelay } from '../helpers/relay';

/** A body nested `depth` levels below the doc. */
function deepDoc(depth: number): Record<string, unknown> {
	let node: Record<string, unknown> = { type: 'text', text: 'deep' };
	for (let level = 0; level < depth; level++) node = { type: 'blockquote', content: [node] };
	return { type: 'doc', content: [node] };
}

/** Attributes nested `depth` objects deep. */
function deepAttrs(depth: number): Record<string, unknown> {
	let value: Record<string, unknown> = { src: 'x' };
	for (let level = 0; level < depth; level++) value = { nested: value };
	return value;
}

// Malformed requests and wrong shapes are refused with 400 invalid and a message naming the field; text is
// stored and served as given, as JSON.
describe('commons validation', () => {
	let relay: TestRelay;
	let api: ReturnType<typeof commonsApi>;
	const publisher = newPublisher();

	beforeAll(async () => {
		relay = await startTestRelay({ commons: { writesPerMinute: 10_000 } });
		api = commonsApi(relay.url);
	});
	afterAll(() => relay.close());

	it('refuses bodies that are not JSON, not JSON-typed, or of the wrong shape', async () => {
		const id = newEntryId();
		const signed = publisher.sign(guidePayload(id, 1));
		const cases: [RequestInit, string][] = [
			[{ method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"payload": ' }, 'the body is not JSON'],
			[{ method: 'PUT', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(signed) }, 'Content-Type must be application/json'],
			[{ method: 'PUT', body: JSON.stringify(signed) }, 'Content-Type must be application/json'],
			[{ method: 'PUT', headers: { 'content-type': 'application/json' }, body: '[1, 2]' }, 'the body must be a JSON object'],
			[{ method: 'PUT', headers: { 'content-type': 'application/json' }, body: 'null' }, 'the body must be a JSON object'],
			[{ method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...signed, extra: 1 }) }, 'body.extra is not a known field'],
			[{ method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...signed, payload: JSON.parse(signed.payload) }) }, 'payload must be the payload as a JSON string'],
			[{ method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payload: signed.payload, publicKey: signed.publicKey }) }, 'signature must be a string'],
			[{ method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(publisher.sign('{not json')) }, 'payload is not a JSON string'],
			[{ method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(publisher.sign('"a string"')) }, 'payload must be a JSON object']
		];
		for (const [init, message] of cases) {
			const answer = await api.call(`/entries/${id}`, init);
			expect(answer.status, message).toBe(400);
			expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
			expect(answer.body).toEqual({ error: 'invalid', message });
		}
		const report = await api.call(`/entries/${id}/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'reason=spam' });
		expect(report.body).toEqual({ error: 'invalid', message: 'the body is not JSON' });
	});

	it('names the field of every invalid guide payload', async () => {
		const cases: [Record<string, unknown>, string][] = [
			[{ v: 2 }, 'payload.v must be 1'],
			[{ seq: 0 }, 'payload.seq must be a whole number of at least 1'],
			[{ seq: 1.5 }, 'payload.seq must be a whole number of at least 1'],
			[{ seq: '1' }, 'payload.seq must be a whole number of at least 1'],
			[{ kind: 'essay' }, 'payload.kind must be "guide" or "campaign"'],
			[{ lang: 'EN' }, 'payload.lang must be 2–3 lowercase letters'],
			[{ lang: 'english' }, 'payload.lang must be 2–3 lowercase letters'],
			[{ title: '' }, 'payload.title must be 1–200 characters'],
			[{ title: '   ' }, 'payload.title must not be blank'],
			[{ title: 'x'.repeat(201) }, 'payload.title must be 1–200 characters'],
			[{ title: 42 }, 'payload.title must be a string'],
			[{ summary: 'x'.repeat(501) }, 'payload.summary must be at most 500 characters'],
			[{ summary: undefined }, 'payload.summary must be a string'],
			[{ tags: 'legal' }, 'payload.tags must be a list of at most 10 tags'],
			[{ tags: Array.from({ length: 11 }, (_, index) => `tag${index}`) }, 'payload.tags must be a list of at most 10 tags'],
			[{ tags: ['ok', ''] }, 'payload.tags[1] must be 1–40 characters'],
			[{ tags: ['x'.repeat(41)] }, 'payload.tags[0] must be 1–40 characters'],
			[{ publisher: '' }, 'payload.publisher must be 1–100 characters'],
			[{ publisher: 'x'.repeat(101) }, 'payload.publisher must be 1–100 characters'],
			[{ licence: 'MIT' }, 'payload.licence must be one of CC-BY-SA-4.0, CC-BY-4.0, CC0-1.0'],
			[{ body: { type: 'paragraph' } }, 'payload.body.type must be "doc"'],
			[{ body: 'text' }, 'payload.body must be a JSON object'],
			[{ body: { type: 'doc', content: [{ text: 'no type' }] } }, 'payload.body.content[0].type must be a node type'],
			[{ body: { type: 'doc', content: [{ type: 'text', text: 5 }] } }, 'payload.body.content[0].text must be a string'],
			[{ body: { type: 'doc', content: {} } }, 'payload.body.content must be an array'],
			[{ body: { type: 'doc', content: [{ type: 'p', html: '<b>' }] } }, 'payload.body.content[0].html is not a known field'],
			[{ body: deepDoc(150) }, 'payload.body nests deeper than 100 levels'],
			[{ body: { type: 'doc', content: [{ type: 'image', attrs: deepAttrs(300) }] } }, 'payload nests deeper than 216 levels'],
			[{ html: '<b>x</b>' }, 'payload.html is not a known field'],
			[{ place: 'Malmö' }, 'payload.place is not a known field']
		];
		for (const [fields, message] of cases) {
			const id = newEntryId();
			const answer = await api.publish(publisher, guidePayload(id, 1, fields));
			expect(answer.status, message).toBe(400);
			expect(answer.body).toEqual({ error: 'invalid', message });
		}
		const badId = await api.put('abc', publisher.sign(guidePayload('abc', 1)));
		expect(badId.body.message).toBe('the id in the path must be 22 base64url characters');
	});

	it('names the field of every invalid campaign payload', async () => {
		const cases: [Record<string, unknown>, string][] = [
			[{ place: '' }, 'payload.place must be 1–200 characters'],
			[{ place: undefined }, 'payload.place must be a string'],
			[{ description: 'x'.repeat(10_001) }, 'payload.description must be at most 10000 characters'],
			[{ starts: '1 Dec 2026' }, 'payload.starts must be an ISO date (YYYY-MM-DD)'],
			[{ starts: '2026-02-30', ends: undefined }, 'payload.starts is not a calendar date'],
			[{ ends: '2026-11-30' }, 'payload.ends must not be before payload.starts'],
			[{ starts: '2026-12-05T14:00' }, 'payload.starts must be an ISO date (YYYY-MM-DD)'],
			[{ starts: '2026-12-05', timeZone: 'Europe/Stockholm' }, 'payload.starts must be a date and time of day (YYYY-MM-DDTHH:mm) when payload.timeZone is given'],
			[{ starts: '2026-12-05T14:00', ends: '2026-12-05', timeZone: 'Europe/Stockholm' }, 'payload.ends must be a date and time of day (YYYY-MM-DDTHH:mm) when payload.timeZone is given'],
			[{ starts: '2026-12-05T24:00', ends: undefined, timeZone: 'Europe/Stockholm' }, 'payload.starts must be a date and time of day (YYYY-MM-DDTHH:mm) when payload.timeZone is given'],
			[{ starts: '2026-12-05T16:00', ends: '2026-12-05T14:00', timeZone: 'Europe/Stockholm' }, 'payload.ends must not be before payload.starts'],
			[{ starts: '2026-12-05T14:00', ends: undefined, timeZone: 'Mars/Olympus' }, 'payload.timeZone must be an IANA time zone name such as Europe/Stockholm'],
			[{ join: {} }, 'payload.join needs a contact or a url'],
			[{ join: undefined }, 'payload.join must be a JSON object'],
			[{ join: { url: 'javascript:alert(1)' } }, 'payload.join.url must start with https: or http:'],
			[{ join: { url: 'not a url' } }, 'payload.join.url must be a web address'],
			[{ join: { contact: 'x', phone: '1' } }, 'payload.join.phone is not a known field'],
			[{ location: { lat: 55.61, lon: 13 } }, 'payload.location.lat must be rounded to 1 decimal'],
			[{ location: { lat: 55.6, lon: 13.05 } }, 'payload.location.lon must be rounded to 1 decimal'],
			[{ location: { lat: 91, lon: 13 } }, 'payload.location.lat must be a number between -90 and 90'],
			[{ location: { lat: 55.6 } }, 'payload.location.lon must be a number between -180 and 180'],
			[{ body: docOf('x') }, 'payload.body is not a known field']
		];
		for (const [fields, message] of cases) {
			const id = newEntryId();
			const answer = await api.publish(publisher, campaignPayload(id, 1, fields));
			expect(answer.status, message).toBe(400);
			expect(answer.body).toEqual({ error: 'invalid', message });
		}
		const minimal = newEntryId();
		const accepted = await api.publish(publisher, campaignPayload(minimal, 1, { location: undefined, ends: undefined, summary: '', description: '', join: { url: 'http://example.org' } }));
		expect(accepted.status).toBe(201);
		const timed = newEntryId();
		const withTimes = await api.publish(publisher, campaignPayload(timed, 1, { starts: '2026-12-05T14:00', ends: '2026-12-05T16:00', timeZone: 'Europe/Stockholm' }));
		expect(withTimes.status).toBe(201);
	});

	it('refuses bad reports and decisions by field', async () => {
		const id = newEntryId();
		await api.publish(publisher, guidePayload(id, 1));
		const short = await api.report(id, 'short');
		expect(short.body).toEqual({ error: 'invalid', message: 'reporter must be 8–64 characters' });
		const long = await api.report(id, 'reporter-1', 'x'.repeat(501));
		expect(long.body).toEqual({ error: 'invalid', message: 'reason must be at most 500 characters' });
		expect((await api.report(newEntryId(), 'reporter-1')).status).toBe(404);
	});

	it('answers unknown paths with 404 and wrong methods with 405 and Allow, always as JSON', async () => {
		const unknown = await api.call('/nothing');
		expect(unknown.status).toBe(404);
		expect(unknown.body.error).toBe('not_found');
		const wrong = await api.call(`/entries/${newEntryId()}`, { method: 'DELETE' });
		expect(wrong.status).toBe(405);
		expect(wrong.headers.get('allow')).toBe('GET, PUT');
		expect(wrong.body.error).toBe('method_not_allowed');
		expect((await api.call('/entries', { method: 'POST' })).status).toBe(405);
	});

	it('stores and serves an XSS string byte-identical as JSON text, never as HTML', async () => {
		const xss = '<img src=x onerror=alert(1)>';
		const script = '</script><script>alert("x")</script>';
		const id = newEntryId();
		const signed = publisher.sign(guidePayload(id, 1, { title: xss, summary: script, tags: [xss.slice(0, 40)], publisher: xss, body: docOf(xss) }));
		expect((await api.put(id, signed)).status).toBe(201);
		const campaignId = newEntryId();
		await api.publish(publisher, campaignPayload(campaignId, 1, { place: xss, description: script, join: { contact: xss } }));

		const read = await api.get(id);
		expect(read.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(read.headers.get('x-content-type-options')).toBe('nosniff');
		expect(read.body.entry.title).toBe(xss);
		expect(read.body.entry.summary).toBe(script);
		expect(read.body.entry.publisher).toBe(xss);
		expect(read.body.entry.body.content[0].content[0].text).toBe(xss);
		expect(read.body.entry.signed).toBe(signed.payload);
		// The raw text appears as a JSON string, unescaped into entities and unchanged.
		expect(read.text).toContain(JSON.stringify(xss));
		expect(read.text).not.toContain('&lt;');

		const campaign = await api.get(campaignId);
		expect(campaign.body.entry).toMatchObject({ place: xss, description: script, join: { contact: xss } });
		const listed = await api.list({ q: 'onerror' });
		expect(listed.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(listed.body.entries.map((entry: { title: string }) => entry.title)).toContain(xss);
	});

	it('counts requests by route and status in /metrics', async () => {
		await api.get(newEntryId());
		const metrics = await relay.metrics();
		expect(metrics).toMatch(/fieldbook_commons_requests_total\{route="publish",status="201"\} \d+/);
		expect(metrics).toMatch(/fieldbook_commons_requests_total\{route="get",status="404"\} \d+/);
	});
});
