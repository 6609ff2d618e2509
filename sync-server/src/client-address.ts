/**
 * The address a request came from, for per-address limits and report counting. Behind a reverse proxy every
 * socket comes from the proxy, so `TRUST_PROXY` makes the relay believe the proxy's `X-Forwarded-For`.
 * Only the rightmost entry is believed: it is the one the proxy itself appended; entries to its left were
 * sent by the client and can be anything.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** The client's address: the socket's peer, or with `trustProxy` the last well-formed X-Forwarded-For entry. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
	const peer = req.socket.remoteAddress ?? 'unknown';
	if (!trustProxy) return peer;
	const header = req.headers['x-forwarded-for'];
	const joined = Array.isArray(header) ? header.join(',') : header;
	const last = joined?.split(',').at(-1)?.trim();
	return last && isIP(last) !== 0 ? last : peer;
}
