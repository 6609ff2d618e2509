/**
 * Builds commons requests the way COMMONS.md specifies them, independently of the relay's code: Ed25519
 * keys and signatures with @noble/curves over `fieldbook-commons/v1\n` + the payload string, guide and
 * campaign payloads with sensible defaults, and a tiny fetch client that returns status, headers and JSON.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from 'node:crypto';

/** The signing context of COMMONS.md, spelled out here so a change on either side fails the tests. */
export const COMMONS_SIGNING_CONTEXT = 'fieldbook-commons/v1\n';

/** A request body of a publish, update or unpublish. */
export interface SignedBody {
	payload: string;
	publicKey: string;
	signature: string;
}

/** A publisher key pair. */
export interface TestPublisher {
	publicKey: string;
	secretKey: Uint8Array;
	/** Serialises (unless already a string) and signs a payload. */
	sign(payload: object | string): SignedBody;
}

const b64u = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** The Ed25519 signature (base64url) of a payload string under the commons signing context. */
export function signCommons(payload: string, secretKey: Uint8Array): string {
	return b64u(ed25519.sign(new TextEncoder().encode(COMMONS_SIGNING_CONTEXT + payload), secretKey));
}

/** A fresh random publisher. */
export function newPublisher(): TestPublisher {
	const { secretKey, publicKey } = ed25519.keygen();
	const key = b64u(publicKey);
	return {
		publicKey: key,
		secretKey,
		sign(payload) {
			const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
			return { payload: text, publicKey: key, signature: signCommons(text, secretKey) };
		}
	};
}

/** A new entry id: 16 random bytes as unpadded base64url (22 characters). */
export function newEntryId(): string {
	return b64u(randomBytes(16));
}

/** A ProseMirror document of paragraphs of the given texts. */
export function docOf(...paragraphs: string[]): Record<string, unknown> {
	return {
		type: 'doc',
		content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] }))
	};
}

/** A guide publish payload; override any field. */
export function guidePayload(id: string, seq: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		v: 1,
		id,
		seq,
		action: 'publish',
		kind: 'guide',
		lang: 'en',
		title: 'Legal support at actions',
		summary: 'What to do before, during and after arrests.',
		tags: ['legal', 'arrests'],
		publisher: 'Climate Justice Malmö',
		body: docOf('Write the number of the legal team on your arm.'),
		licence: 'CC-BY-SA-4.0',
		...fields
	};
}

/** A campaign publish payload; override any field. */
export function campaignPayload(id: string, seq: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		v: 1,
		id,
		seq,
		action: 'publish',
		kind: 'campaign',
		lang: 'en',
		title: 'Winter of blockades',
		summary: 'Three months of coal-port blockades.',
		tags: ['climate'],
		publisher: 'Climate Justice Malmö',
		description: 'Weekly blockades of the coal port. Bring warm clothes.',
		place: 'Malmö',
		location: { lat: 55.6, lon: 13 },
		starts: '2026-12-01',
		ends: '2027-02-28',
		join: { contact: 'Signal +46 70 000 00 00', url: 'https://example.org/join' },
		...fields
	};
}

/** An unpublish payload. */
export function unpublishPayload(id: string, seq: number): Record<string, unknown> {
	return { v: 1, id, seq, action: 'unpublish' };
}

/** An answer of the commons API. */
export interface ApiAnswer {
	status: number;
	headers: Headers;
	/** The parsed JSON body (undefined when the body is not JSON); `any` so tests can read fields directly. */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	body: any;
	/** The raw body text. */
	text: string;
}

/** A fetch client of one relay's commons API. */
export function commonsApi(baseUrl: string) {
	const base = `${baseUrl}/api/commons`;
	async function call(path: string, init: RequestInit = {}): Promise<ApiAnswer> {
		const response = await fetch(`${base}${path}`, init);
		const text = await response.text();
		let body: unknown;
		try {
			body = JSON.parse(text);
		} catch {
			body = undefined;
		}
		return { status: response.status, headers: response.headers, body, text };
	}
	const json = (method: string, value: unknown, headers: Record<string, string> = {}): RequestInit => ({
		method,
		headers: { 'content-type': 'application/json', ...headers },
		body: typeof value === 'string' ? value : JSON.stringify(value)
	});
	const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
	return {
		call,
		put: (id: string, body: SignedBody | unknown) => call(`/entries/${id}`, json('PUT', body)),
		unpublish: (id: string, body: SignedBody | unknown) => call(`/entries/${id}/unpublish`, json('POST', body)),
		get: (id: string) => call(`/entries/${id}`),
		list: (query: Record<string, string | number> = {}) =>
			call(`/entries?${new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]))}`),
		/** Reports `id`; `from` is sent as X-Forwarded-For, which only a relay with TRUST_PROXY believes. */
		report: (id: string, reporter: string, reason = 'Shares personal data', from?: string) =>
			call(`/entries/${id}/reports`, json('POST', { reason, reporter }, from === undefined ? {} : { 'x-forwarded-for': from })),
		adminReports: (token?: string) => call('/admin/reports', { headers: token === undefined ? {} : bearer(token) }),
		decide: (id: string, decision: string, token?: string) =>
			call(`/admin/entries/${id}`, json('POST', { decision }, token === undefined ? {} : bearer(token))),
		/** Publishes a payload signed by `publisher`. */
		publish: (publisher: TestPublisher, payload: Record<string, unknown>) => call(`/entries/${String(payload.id)}`, json('PUT', publisher.sign(payload)))
	};
}
