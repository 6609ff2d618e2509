/**
 * The commons HTTP API at the app's own origin (sync-server/COMMONS.md), typed. Every answer is checked at
 * the wire; every failure settles as a `CommonsError` with the most specific code, so the screens can say
 * in the person's language what happened. Framework-free.
 */
import type { SignedRequest } from './sign';
import { isEntry, isSummary, queryString, type Entry, type ListPage, type ListQuery } from './types';
import { isVerifiedEntry } from './verify';

/** Where the API lives below the relay's origin. */
export const API_PATH = '/api/commons';

/** How long a request may take before it counts as the relay being unreachable. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** The relay's error codes, plus the app's own for no network and for an answer it cannot read. */
export type CommonsErrorCode =
	| 'offline'
	| 'unavailable'
	| 'bad_response'
	| 'invalid'
	| 'not_found'
	| 'unpublished'
	| 'hidden'
	| 'wrong_key'
	| 'stale'
	| 'too_large'
	| 'rate_limited'
	| 'unauthorized'
	| 'forged';

const RELAY_CODES = new Set<string>(['invalid', 'not_found', 'unpublished', 'hidden', 'wrong_key', 'stale', 'too_large', 'rate_limited', 'unauthorized']);

/** A commons request that did not succeed. */
export class CommonsError extends Error {
	readonly code: CommonsErrorCode;
	readonly status: number;
	/** Seconds to wait before writing again, for `rate_limited`. */
	readonly retryAfter?: number;

	constructor(code: CommonsErrorCode, message: string, status = 0, retryAfter?: number) {
		super(message);
		this.name = 'CommonsError';
		this.code = code;
		this.status = status;
		this.retryAfter = retryAfter;
	}
}

/** The commons API, one method per endpoint the app uses. */
export interface CommonsClient {
	list(query: ListQuery): Promise<ListPage>;
	get(id: string): Promise<Entry>;
	/** Publishes or updates; `created` is true for a new id. */
	publish(id: string, request: SignedRequest): Promise<{ entry: Entry; created: boolean }>;
	unpublish(id: string, request: SignedRequest): Promise<{ id: string; seq: number }>;
	report(id: string, reason: string, reporter: string): Promise<{ hidden: boolean }>;
}

/** What a client needs: the relay's origin (the app's own by default) and a fetch to use. */
export interface CommonsClientOptions {
	baseUrl?: string;
	fetch?: typeof fetch;
	timeoutMs?: number;
}

function statusCode(status: number): CommonsErrorCode {
	if (status === 404) return 'not_found';
	if (status === 410) return 'unpublished';
	if (status === 451) return 'hidden';
	if (status === 403) return 'wrong_key';
	if (status === 409) return 'stale';
	if (status === 413) return 'too_large';
	if (status === 429) return 'rate_limited';
	if (status === 400) return 'invalid';
	return 'unavailable';
}

/** A client for the commons API. */
export function commonsClient(options: CommonsClientOptions = {}): CommonsClient {
	const base = (options.baseUrl ?? (typeof location === 'undefined' ? '' : location.origin)).replace(/\/+$/, '');
	const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
	const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;

	async function request(path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
		let response: Response;
		try {
			response = await doFetch(`${base}${API_PATH}${path}`, {
				...init,
				headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}) },
				signal: AbortSignal.timeout(timeoutMs),
				cache: 'no-store'
			});
		} catch (error) {
			// fetch rejects only when no answer came at all: no network, relay down, or the timeout.
			throw new CommonsError('offline', error instanceof Error ? error.message : String(error));
		}
		let body: unknown;
		const type = response.headers.get('content-type') ?? '';
		if (type.includes('application/json')) {
			try {
				body = await response.json();
			} catch {
				throw new CommonsError('bad_response', 'The relay sent JSON that does not parse', response.status);
			}
		} else {
			// An HTML page or nothing: a relay without the commons, or a proxy in between.
			throw new CommonsError(response.ok ? 'bad_response' : 'unavailable', `The relay answered ${response.status} without JSON`, response.status);
		}
		if (!response.ok) {
			const record = (body ?? {}) as { error?: unknown; message?: unknown };
			const code = typeof record.error === 'string' && RELAY_CODES.has(record.error) ? (record.error as CommonsErrorCode) : statusCode(response.status);
			const retry = Number(response.headers.get('retry-after'));
			throw new CommonsError(code, typeof record.message === 'string' ? record.message : `HTTP ${response.status}`, response.status, Number.isFinite(retry) && retry > 0 ? retry : undefined);
		}
		return { status: response.status, body };
	}

	const path = (id: string) => `/entries/${encodeURIComponent(id)}`;

	return {
		async list(query) {
			const { body } = await request(`/entries?${queryString(query)}`);
			const page = body as Partial<ListPage> | undefined;
			if (!page || !Array.isArray(page.entries) || typeof page.total !== 'number') throw new CommonsError('bad_response', 'The list answer is malformed');
			return {
				entries: page.entries.filter(isSummary),
				total: page.total,
				offset: typeof page.offset === 'number' ? page.offset : (query.offset ?? 0),
				limit: typeof page.limit === 'number' ? page.limit : page.entries.length
			};
		},
		async get(id) {
			const { body } = await request(path(id));
			const entry = (body as { entry?: unknown } | undefined)?.entry ?? body;
			if (!isEntry(entry)) throw new CommonsError('bad_response', 'The entry answer is malformed');
			// Checked here, at the wire, so nothing unsigned is shown, kept offline or copied into a group.
			if (!(await isVerifiedEntry(entry))) throw new CommonsError('forged', 'The entry does not match its publisher signature');
			return entry;
		},
		async publish(id, signed) {
			const { status, body } = await request(path(id), { method: 'PUT', body: JSON.stringify(signed) });
			const entry = (body as { entry?: unknown } | undefined)?.entry;
			if (!isEntry(entry)) throw new CommonsError('bad_response', 'The publish answer is malformed', status);
			return { entry, created: status === 201 };
		},
		async unpublish(id, signed) {
			const { body } = await request(`${path(id)}/unpublish`, { method: 'POST', body: JSON.stringify(signed) });
			const answer = body as { id?: unknown; seq?: unknown } | undefined;
			return { id: typeof answer?.id === 'string' ? answer.id : id, seq: typeof answer?.seq === 'number' ? answer.seq : 0 };
		},
		async report(id, reason, reporter) {
			const { body } = await request(`${path(id)}/reports`, { method: 'POST', body: JSON.stringify({ reason, reporter }) });
			return { hidden: (body as { hidden?: unknown } | undefined)?.hidden === true };
		}
	};
}
