import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commonsApi, docOf, guidePayload, newEntryId, newPublisher, unpublishPayload } from '../helpers/commons';
import { startTestRelay, type TestRelay } from '../helpers/relay';

/** Small limits so each refusal is reached in a few requests. */
const MAX_ENTRY_BYTES = 2048;
const WRITES_PER_MINUTE = 3;
const REPORTS_PER_HOUR = 2;

/** A guide payload string of exactly `bytes` UTF-8 bytes (padded with two-byte characters and one ASCII). */
function payloadOfSize(id: string, bytes: number): string {
	const base = JSON.stringify(guidePayload(id, 1, { body: docOf('') }));
	const missing = bytes - Buffer.byteLength(base);
	const filler = 'ö'.repeat(Math.floor(missing / 2)) + 'a'.repeat(missing % 2);
	const text = JSON.stringify(guidePayload(id, 1, { body: docOf(filler) }));
	expect(Buffer.byteLength(text)).toBe(bytes);
	return text;
}

// The commons limits of COMMONS.md against a real relay: payload size, request size, writes and reports.
describe('commons limits', () => {
	let relay: TestRelay;
	let api: ReturnType<typeof commonsApi>;

	beforeAll(async () => {
		relay = await startTestRelay({ commons: { maxEntryBytes: MAX_ENTRY_BYTES, writesPerMinute: 1_000, reportsPerHour: 1_000 } });
		api = commonsApi(relay.url);
	});
	afterAll(() => relay.close());

	it('accepts a payload of exactly COMMONS_MAX_ENTRY_BYTES and refuses one byte more with 413 too_large', async () => {
		const publisher = newPublisher();
		const fits = newEntryId();
		expect((await api.put(fits, publisher.sign(payloadOfSize(fits, MAX_ENTRY_BYTES)))).status).toBe(201);
		const over = newEntryId();
		const answer = await api.put(over, publisher.sign(payloadOfSize(over, MAX_ENTRY_BYTES + 1)));
		expect(answer.status).toBe(413);
		expect(answer.body).toEqual({ error: 'too_large', message: `payload is larger than ${MAX_ENTRY_BYTES} bytes` });
		expect((await api.get(over)).status).toBe(404);
	});

	it('refuses a request body declared far above the cap with 413 without reading it', async () => {
		const publisher = newPublisher();
		const id = newEntryId();
		const huge = publisher.sign(JSON.stringify(guidePayload(id, 1, { body: docOf('x'.repeat(300 * 1024)) })));
		const answer = await api.put(id, huge);
		expect(answer.status).toBe(413);
		expect(answer.body.error).toBe('too_large');
		expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
	});

	it('answers 413 to a streamed body without a length as soon as it passes the cap, not at its end', async () => {
		// The body is never ended: only an answer given as soon as the cap is passed can arrive.
		const cap = 2 * MAX_ENTRY_BYTES + 4 * 1024;
		const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
			const req = request(`${relay.url}/api/commons/entries/${newEntryId()}`, {
				method: 'PUT',
				headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }
			});
			req.on('response', (res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (part: string) => (body += part));
				res.on('end', () => {
					resolve({ status: res.statusCode ?? 0, body });
					req.destroy();
				});
			});
			req.on('error', reject);
			req.write(Buffer.alloc(cap + 1024, 0x20));
		});
		expect(answer.status).toBe(413);
		expect(JSON.parse(answer.body).error).toBe('too_large');
		expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
	});
});

describe('commons rate limits', () => {
	let relay: TestRelay;
	let api: ReturnType<typeof commonsApi>;

	beforeAll(async () => {
		relay = await startTestRelay({ commons: { writesPerMinute: WRITES_PER_MINUTE, reportsPerHour: REPORTS_PER_HOUR } });
		api = commonsApi(relay.url);
	});
	afterAll(() => relay.close());

	it('allows COMMONS_WRITES_PER_MINUTE writes per address, then 429 rate_limited with Retry-After', async () => {
		const publisher = newPublisher();
		const id = newEntryId();
		expect((await api.publish(publisher, guidePayload(id, 1))).status).toBe(201);
		expect((await api.publish(publisher, guidePayload(id, 2))).status).toBe(200);
		expect((await api.unpublish(id, publisher.sign(unpublishPayload(id, 3)))).status).toBe(200);
		const limited = await api.publish(publisher, guidePayload(id, 4));
		expect(limited.status).toBe(429);
		expect(limited.body.error).toBe('rate_limited');
		const retry = Number(limited.headers.get('retry-after'));
		expect(Number.isInteger(retry)).toBe(true);
		expect(retry).toBeGreaterThanOrEqual(1);
		expect(retry).toBeLessThanOrEqual(60);
		// Unpublish is a write too, and so is a refused write; reads are not limited.
		expect((await api.unpublish(id, publisher.sign(unpublishPayload(id, 5)))).status).toBe(429);
		expect((await api.put(id, { nonsense: true })).status).toBe(429);
		expect((await api.get(id)).status).toBe(410);
		expect((await api.list()).status).toBe(200);
	});

	it('allows COMMONS_REPORTS_PER_HOUR reports per address, then 429 rate_limited with Retry-After', async () => {
		// The writes of the previous test used this address's minute; reports have their own limit.
		const other = await startTestRelay({ commons: { reportsPerHour: REPORTS_PER_HOUR } });
		try {
			const otherApi = commonsApi(other.url);
			const publisher = newPublisher();
			const id = newEntryId();
			await otherApi.publish(publisher, guidePayload(id, 1));
			expect((await otherApi.report(id, 'reporter-aaaa')).status).toBe(202);
			expect((await otherApi.report(id, 'reporter-bbbb')).status).toBe(202);
			const limited = await otherApi.report(id, 'reporter-cccc');
			expect(limited.status).toBe(429);
			expect(limited.body.error).toBe('rate_limited');
			const retry = Number(limited.headers.get('retry-after'));
			expect(retry).toBeGreaterThan(60);
			expect(retry).toBeLessThanOrEqual(3600);
			// Writes are not affected by the report limit.
			expect((await otherApi.publish(publisher, guidePayload(id, 2))).status).toBe(200);
		} finally {
			await other.close();
		}
	});
});
