import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commonsClient, CommonsError } from '../../../src/lib/commons/client';
import { newPublisherKey, signPayload } from '../../../src/lib/commons/sign';
import type { PublishPayload } from '../../../src/lib/commons/types';

/** A real HTTP server answering each path with a canned status, headers and body. */
let server: Server;
let base: string;
const seen: string[] = [];

const payload = {
	v: 1, id: 'g'.repeat(22), seq: 1, action: 'publish', kind: 'guide', lang: 'en', title: 'T', summary: '', tags: [], publisher: 'P',
	body: { type: 'doc', content: [] }, licence: 'CC-BY-SA-4.0'
} as const;
const signedRequest = signPayload(payload as unknown as PublishPayload, newPublisherKey());
const { action: _action, ...fields } = payload;
/** The entry as a relay serves it: the signed fields, the signature, and the relay's own times. */
const guide = { ...fields, publicKey: signedRequest.publicKey, signature: signedRequest.signature, signed: signedRequest.payload, publishedAt: 1, updatedAt: 1 };

beforeAll(async () => {
	server = createServer((request, response) => {
		seen.push(`${request.method} ${request.url}`);
		const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
			response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
			response.end(JSON.stringify(body));
		};
		const url = request.url ?? '';
		if (url.startsWith('/api/commons/entries?')) return json(200, { entries: [guide, { junk: true }], total: 2, offset: 0, limit: 20 });
		if (url === '/api/commons/entries/gone') return json(410, { error: 'unpublished', message: 'Unpublished' });
		if (url === '/api/commons/entries/busy') return json(429, { error: 'rate_limited', message: 'Slow down' }, { 'retry-after': '12' });
		if (url === `/api/commons/entries/${guide.id}`) return json(200, { entry: guide });
		if (url === '/api/commons/entries/changed') return json(200, { entry: { ...guide, title: 'Changed on the way' } });
		if (url === '/api/commons/entries/added') return json(200, { entry: { ...guide, summary: 'Added on the way' } });
		if (url === '/api/commons/entries/resigned') return json(200, { entry: { ...guide, signed: guide.signed.replace('"T"', '"U"'), title: 'U' } });
		response.writeHead(404, { 'content-type': 'text/html' });
		response.end('<!doctype html><title>app</title>');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function failure(promise: Promise<unknown>): Promise<CommonsError> {
	const error = await promise.then(() => undefined, (cause: unknown) => cause);
	expect(error).toBeInstanceOf(CommonsError);
	return error as CommonsError;
}

describe('commons client', () => {
	it('lists with the filters in the query string and drops malformed items', async () => {
		const client = commonsClient({ baseUrl: base });
		const page = await client.list({ q: ' legal ', kind: 'guide', tag: 'Arrests', place: '', offset: 20 });
		expect(seen.at(-1)).toBe('GET /api/commons/entries?q=legal&kind=guide&tag=arrests&offset=20&limit=20');
		expect(page.entries.map((entry) => entry.id)).toEqual([guide.id]);
		expect(page.total).toBe(2);
		expect((await client.get(guide.id)).title).toBe('T');
	});

	it('turns error codes into typed errors', async () => {
		const client = commonsClient({ baseUrl: base });
		expect((await failure(client.get('gone'))).code).toBe('unpublished');
		// Changed after signing, in a served field or in the signed payload itself.
		for (const path of ['changed', 'added', 'resigned']) expect((await failure(client.get(path))).code, path).toBe('forged');
		const limited = await failure(client.get('busy'));
		expect(limited.code).toBe('rate_limited');
		expect(limited.retryAfter).toBe(12);
		// A relay without the commons answers with the app's HTML page.
		expect((await failure(client.get('missing'))).code).toBe('unavailable');
	});

	it('says offline when the relay cannot be reached', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const client = commonsClient({ baseUrl: `http://127.0.0.1:${port}` });
		expect((await failure(client.list({}))).code).toBe('offline');
	});
});
