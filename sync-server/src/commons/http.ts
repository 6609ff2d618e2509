/**
 * The commons HTTP API under /api/commons (COMMONS.md): signed publishes, updates and unpublishes, reads,
 * filtered lists, reports and the admin moderation endpoints. Every answer is JSON; every error is
 * `{ error, message }` with the status COMMONS.md names.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientAddress } from '../client-address.js';
import type { CommonsLimits } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { memoryRateLimits, type RateLimit, type RateLimits } from '../rate-limits.js';
import { decodePublicKey, decodeSignature, verifyPayload } from './signature.js';
import type { CommonsStore } from './types.js';
import {
	bodyText,
	InvalidRequest,
	isEntryId,
	parseFilter,
	parseSignedRequest,
	validateDecision,
	validatePublish,
	validateReport,
	validateUnpublish
} from './validate.js';

/** Path prefix of the API. */
export const COMMONS_PREFIX = '/api/commons';

/** Bytes a signed request may carry beyond the payload limit: JSON escaping of the payload string (quotes,
 * backslashes and newlines double) and the key and signature around it. */
export function requestByteCap(maxEntryBytes: number): number {
	return 2 * maxEntryBytes + REQUEST_OVERHEAD_BYTES;
}
/** Room for the envelope fields (key, signature, field names) around the payload string. */
const REQUEST_OVERHEAD_BYTES = 4 * 1024;
/** Largest report or decision body; both are a few short fields. */
const SMALL_BODY_BYTES = 4 * 1024;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** A refusal with its status and COMMONS.md error code. */
class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly headers: Record<string, string> = {}
	) {
		super(message);
	}
}

/** Route labels of the request metric (bounded, never raw paths). */
type Route = 'publish' | 'unpublish' | 'get' | 'list' | 'report' | 'admin_reports' | 'admin_decide' | 'unknown';

/** What the commons handler needs from the relay. */
export interface CommonsHandlerOptions {
	store: CommonsStore;
	limits: CommonsLimits;
	/** COMMONS_ADMIN_TOKEN; undefined answers 404 on the admin endpoints. */
	adminToken: string | undefined;
	/** TRUST_PROXY: count the rightmost X-Forwarded-For address instead of the socket's peer. */
	trustProxy?: boolean;
	metrics: Metrics;
	logger: Logger;
	/** Where the per-address limits are counted (memory for one process, Redis for several); memory when absent. */
	rateLimits?: RateLimits;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.statusCode = status;
	res.setHeader('Content-Type', 'application/json; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
	// Served text is data, never markup: no sniffing it into HTML.
	res.setHeader('X-Content-Type-Options', 'nosniff');
	for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
	res.end(text);
}

function sha256(text: string): Buffer {
	return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Reads a JSON request body of at most `cap` bytes. A declared or streamed size above the cap is refused
 * with 413 as soon as it is seen, without buffering more; the connection is then closed.
 */
async function readJson(req: IncomingMessage, cap: number): Promise<unknown> {
	const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
	if (type !== 'application/json') throw new HttpError(400, 'invalid', 'Content-Type must be application/json');
	const tooLarge = () => new HttpError(413, 'too_large', `the request body is larger than ${cap} bytes`, { Connection: 'close' });
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > cap) throw tooLarge();
	const chunks = await new Promise<Buffer[]>((resolve, reject) => {
		const received: Buffer[] = [];
		let size = 0;
		const done = (error?: Error) => {
			req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onError);
			if (error) reject(error);
			else resolve(received);
		};
		const onData = (chunk: Buffer) => {
			size += chunk.byteLength;
			if (size <= cap) return void received.push(chunk);
			// Stop buffering; after the answer Node discards the rest and `Connection: close` ends the socket.
			req.pause();
			done(tooLarge());
		};
		const onEnd = () => done();
		// A client that goes away mid-body gets no answer it could read; this only settles the request.
		const onError = () => done(new HttpError(400, 'invalid', 'the request body was cut off'));
		req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onError);
	});
	const text = Buffer.concat(chunks).toString('utf8');
	try {
		return JSON.parse(text) as unknown;
	} catch {
		throw new HttpError(400, 'invalid', 'the body is not JSON');
	}
}

function parsePayload(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		throw new HttpError(400, 'invalid', 'payload is not a JSON string');
	}
}

/** Creates the handler; it answers every path under /api/commons and returns false for any other path. */
export function createCommonsHandler(options: CommonsHandlerOptions) {
	const { store, limits, metrics, logger } = options;
	const rateLimits = options.rateLimits ?? memoryRateLimits();
	const writes = rateLimits.limit('commons-writes', limits.writesPerMinute, MINUTE_MS);
	const reports = rateLimits.limit('commons-reports', limits.reportsPerHour, HOUR_MS);
	const trustProxy = options.trustProxy ?? false;
	// Only the salted hash of an address is stored; without a configured salt, a fresh one each start.
	const reportSalt = limits.reportSalt ?? randomBytes(32).toString('base64url');
	const adminDigest = options.adminToken === undefined ? undefined : sha256(options.adminToken);
	const signedCap = requestByteCap(limits.maxEntryBytes);

	async function limit(limiter: RateLimit, req: IncomingMessage, what: string): Promise<void> {
		const wait = await limiter.take(clientAddress(req, trustProxy));
		if (wait > 0) throw new HttpError(429, 'rate_limited', `too many ${what} from this address; try again in ${wait} s`, { 'Retry-After': String(wait) });
	}

	function entryId(id: string): string {
		if (!isEntryId(id)) throw new HttpError(400, 'invalid', 'the id in the path must be 22 base64url characters');
		return id;
	}

	/** The verified payload of a signed request for the entry `id`. */
	async function signedRequest(req: IncomingMessage, id: string) {
		const envelope = parseSignedRequest(await readJson(req, signedCap));
		if (Buffer.byteLength(envelope.payload, 'utf8') > limits.maxEntryBytes) {
			throw new HttpError(413, 'too_large', `payload is larger than ${limits.maxEntryBytes} bytes`);
		}
		const publicKey = decodePublicKey(envelope.publicKey);
		if (!publicKey) throw new InvalidRequest('publicKey must be 32 bytes of unpadded base64url');
		const signature = decodeSignature(envelope.signature);
		if (!signature) throw new InvalidRequest('signature must be 64 bytes of unpadded base64url');
		const parsed = parsePayload(envelope.payload);
		return {
			parsed,
			/** Checks the id and the signature once the payload's fields are known to be valid. */
			verify(payloadId: string) {
				if (payloadId !== id) throw new InvalidRequest('payload.id does not match the id in the path');
				if (!verifyPayload(envelope.payload, publicKey, signature)) {
					throw new InvalidRequest('signature does not verify the payload with publicKey');
				}
				return { signed: envelope.payload, publicKey: envelope.publicKey, signature: envelope.signature };
			}
		};
	}

	function requireAdmin(req: IncomingMessage): void {
		const header = req.headers.authorization ?? '';
		const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
		// Digests have equal length, so the comparison takes the same time whatever the token is.
		if (!adminDigest || !timingSafeEqual(sha256(token), adminDigest)) {
			throw new HttpError(401, 'unauthorized', 'the admin token is missing or wrong');
		}
	}

	function methodNotAllowed(allowed: string): never {
		throw new HttpError(405, 'method_not_allowed', `use ${allowed} here`, { Allow: allowed });
	}

	async function publish(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
		await limit(writes, req, 'writes');
		const request = await signedRequest(req, entryId(id));
		const payload = validatePublish(request.parsed);
		const signed = request.verify(payload.id);
		const outcome = await store.publish({
			...signed,
			payload,
			bodyText: payload.kind === 'guide' ? bodyText(payload.body) : '',
			at: Date.now()
		});
		if (outcome.status === 'refused') {
			if (outcome.reason === 'wrong_key') throw new HttpError(403, 'wrong_key', 'this id belongs to another publisher key');
			if (outcome.reason === 'stale') throw new HttpError(409, 'stale', 'payload.seq must be greater than the stored seq');
			throw new HttpError(400, 'invalid', 'payload.kind cannot change across updates');
		}
		sendJson(res, outcome.status === 'created' ? 201 : 200, { entry: outcome.entry });
	}

	async function unpublish(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
		await limit(writes, req, 'writes');
		const request = await signedRequest(req, entryId(id));
		const payload = validateUnpublish(request.parsed);
		const signed = request.verify(payload.id);
		const outcome = await store.unpublish({ ...signed, payload, at: Date.now() });
		if (outcome.status === 'not_found') throw new HttpError(404, 'not_found', 'no entry was ever published under this id');
		if (outcome.status === 'refused') {
			if (outcome.reason === 'wrong_key') throw new HttpError(403, 'wrong_key', 'this id belongs to another publisher key');
			throw new HttpError(409, 'stale', 'payload.seq must be greater than the stored seq');
		}
		sendJson(res, 200, { id: outcome.id, seq: outcome.seq });
	}

	async function read(res: ServerResponse, id: string): Promise<void> {
		const found = await store.get(entryId(id));
		if (found.status === 'not_found') throw new HttpError(404, 'not_found', 'no entry under this id');
		if (found.status === 'unpublished') throw new HttpError(410, 'unpublished', 'the publisher unpublished this entry');
		if (found.status === 'hidden') throw new HttpError(451, 'hidden', 'this entry is hidden after reports');
		sendJson(res, 200, { entry: found.entry });
	}

	async function list(res: ServerResponse, url: URL): Promise<void> {
		const filter = parseFilter(url.searchParams);
		const page = await store.list(filter);
		sendJson(res, 200, { entries: page.entries, total: page.total, offset: filter.offset, limit: filter.limit });
	}

	async function report(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
		await limit(reports, req, 'reports');
		entryId(id);
		// The app's own reporter id is still accepted, but anyone can make up ids: a report counts per address.
		const { reason } = validateReport(await readJson(req, SMALL_BODY_BYTES));
		const reporter = createHmac('sha256', reportSalt).update(clientAddress(req, trustProxy)).digest('base64url');
		const at = Date.now();
		const outcome = await store.report({ id, reporter, reason, at, threshold: limits.reportThreshold, since: at - limits.reportWindowMs });
		if (outcome.status === 'not_found') throw new HttpError(404, 'not_found', 'no entry under this id');
		if (outcome.status === 'unpublished') throw new HttpError(410, 'unpublished', 'the publisher unpublished this entry');
		sendJson(res, 202, { hidden: outcome.hidden });
	}

	async function decide(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
		entryId(id);
		const decision = validateDecision(await readJson(req, SMALL_BODY_BYTES));
		const status = await store.decide(id, decision);
		if (status === 'not_found') throw new HttpError(404, 'not_found', 'no entry under this id');
		logger.info({ id, decision }, 'commons decision');
		sendJson(res, 200, { id, status });
	}

	/** Picks the route; sets `route` for the metric as soon as it is known. */
	async function route(req: IncomingMessage, res: ServerResponse, url: URL, label: { route: Route }): Promise<void> {
		const parts = url.pathname.slice(COMMONS_PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
		const method = req.method ?? 'GET';
		const [section, id, action, extra] = parts;
		if (section === 'entries' && extra === undefined) {
			if (id === undefined) {
				label.route = 'list';
				if (method !== 'GET') methodNotAllowed('GET');
				return list(res, url);
			}
			if (action === undefined) {
				label.route = method === 'PUT' ? 'publish' : 'get';
				if (method === 'PUT') return publish(req, res, id);
				if (method === 'GET') return read(res, id);
				methodNotAllowed('GET, PUT');
			}
			if (action === 'unpublish') {
				label.route = 'unpublish';
				if (method !== 'POST') methodNotAllowed('POST');
				return unpublish(req, res, id);
			}
			if (action === 'reports') {
				label.route = 'report';
				if (method !== 'POST') methodNotAllowed('POST');
				return report(req, res, id);
			}
		}
		if (section === 'admin') {
			// Without a token the admin API does not exist.
			if (!adminDigest) throw new HttpError(404, 'not_found', 'no such commons endpoint');
			if (id === 'reports' && action === undefined) {
				label.route = 'admin_reports';
				if (method !== 'GET') methodNotAllowed('GET');
				requireAdmin(req);
				sendJson(res, 200, { entries: await store.reported() });
				return;
			}
			if (id === 'entries' && action !== undefined && extra === undefined) {
				label.route = 'admin_decide';
				if (method !== 'POST') methodNotAllowed('POST');
				requireAdmin(req);
				return decide(req, res, action);
			}
		}
		throw new HttpError(404, 'not_found', 'no such commons endpoint');
	}

	return {
		/** Answers a request under /api/commons; returns false for any other path. */
		async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
			if (url.pathname !== COMMONS_PREFIX && !url.pathname.startsWith(`${COMMONS_PREFIX}/`)) return false;
			const label: { route: Route } = { route: 'unknown' };
			try {
				await route(req, res, url, label);
			} catch (error) {
				if (error instanceof HttpError) {
					sendJson(res, error.status, { error: error.code, message: error.message }, error.headers);
				} else if (error instanceof InvalidRequest) {
					sendJson(res, 400, { error: 'invalid', message: error.message });
				} else if (error instanceof URIError) {
					sendJson(res, 400, { error: 'invalid', message: 'the path is not valid percent-encoding' });
				} else {
					logger.error({ err: error, route: label.route }, 'commons request failed');
					if (res.headersSent) res.destroy();
					else sendJson(res, 500, { error: 'internal', message: 'the relay could not answer' });
				}
			}
			metrics.commonsRequests.inc({ route: label.route, status: String(res.statusCode) });
			return true;
		}
	};
}
