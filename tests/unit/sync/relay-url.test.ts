import { describe, expect, it } from 'vitest';
import { newGroupId, newGroupKey } from '../../../src/lib/sync/crypto';
import { decodeInvite, encodeInvite, InviteError } from '../../../src/lib/sync/invite';
import { isLoopbackHost, relayHost, relayRefusal } from '../../../src/lib/sync/relay-url';

function inviteTo(relayUrl: string): string {
	const groupId = newGroupId();
	const key = newGroupKey(groupId, 1);
	return encodeInvite({ version: 1, groupId, epoch: 1, keyId: key.keyId, key: key.key, relayUrl, groupName: 'Tenants' });
}

describe('relay URLs a group may sync through', () => {
	it('accepts https: anywhere and http: only on this machine', () => {
		for (const url of ['https://relay.example.org', 'https://relay.example.org:8443/x', 'wss://relay.example.org']) expect(relayRefusal(url), url).toBeUndefined();
		for (const url of ['http://localhost:8787', 'http://127.0.0.1:5173', 'http://127.10.20.30', 'http://[::1]:8787', 'http://LOCALHOST.']) {
			expect(relayRefusal(url), url).toBeUndefined();
		}
		for (const url of ['http://relay.example.org', 'http://10.0.0.5:8787', 'http://192.168.1.2', 'http://128.0.0.1', 'http://127.0.0.1.evil.example', 'http://localhost.evil.example', 'ws://relay.example.org']) {
			expect(relayRefusal(url), url).toBe('cleartext');
		}
		expect(relayRefusal('ftp://relay.example.org')).toBe('scheme');
		expect(relayRefusal('not a url')).toBe('not_url');
	});

	it('knows loopback names and 127.0.0.0/8 only', () => {
		expect(isLoopbackHost('127.255.255.254')).toBe(true);
		expect(isLoopbackHost('127.0.0.256')).toBe(false);
		expect(isLoopbackHost('127.0.0')).toBe(false);
	});

	it('shows the host with its port', () => {
		expect(relayHost('https://relay.example.org:8443/path')).toBe('relay.example.org:8443');
		expect(relayHost('https://relay.example.org')).toBe('relay.example.org');
	});

	it('an invite naming an http: relay elsewhere is refused, naming the host; a local one is read', () => {
		let error: unknown;
		try {
			decodeInvite(inviteTo('http://relay.example.org:8080'));
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(InviteError);
		expect((error as InviteError).code).toBe('cleartext');
		expect((error as InviteError).relayHost).toBe('relay.example.org:8080');
		expect(decodeInvite(inviteTo('http://127.0.0.1:8787')).relayUrl).toBe('http://127.0.0.1:8787');
		expect(decodeInvite(inviteTo('https://relay.example.org')).relayUrl).toBe('https://relay.example.org');
	});
});
