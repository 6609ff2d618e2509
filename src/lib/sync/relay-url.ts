/**
 * Which relay URLs a group may sync through. A relay sees the room token (in the websocket URL) and every
 * sealed update, so the path to it must be encrypted: `https:` (or `wss:`) anywhere, `http:` only to this
 * machine itself (localhost, 127.0.0.0/8, ::1), where nothing travels over a network. A tampered invite
 * naming an `http:` relay elsewhere would send a new member's token in cleartext to whoever runs that host.
 */

/** Why a relay URL is refused, if it is. */
export type RelayRefusal = 'not_url' | 'scheme' | 'cleartext';

/** True for names and addresses that never leave this machine. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/\.$/, '');
	if (host === 'localhost' || host === '[::1]') return true;
	const octets = host.split('.');
	return octets.length === 4 && octets[0] === '127' && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
}

/** Undefined when the app may sync through `relayUrl`, else why not. */
export function relayRefusal(relayUrl: string): RelayRefusal | undefined {
	let url: URL;
	try {
		url = new URL(relayUrl);
	} catch {
		return 'not_url';
	}
	if (url.protocol === 'https:' || url.protocol === 'wss:') return undefined;
	if (url.protocol !== 'http:' && url.protocol !== 'ws:') return 'scheme';
	return isLoopbackHost(url.hostname) ? undefined : 'cleartext';
}

/** The host (with a port when it has one) to show people, or the text itself when it is no URL. */
export function relayHost(relayUrl: string): string {
	try {
		return new URL(relayUrl).host;
	} catch {
		return relayUrl;
	}
}
