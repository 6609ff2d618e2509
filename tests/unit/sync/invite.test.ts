import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newGroupId, newGroupKey } from '../../../src/lib/sync/crypto';
import { decodeInvite, encodeInvite, InviteError } from '../../../src/lib/sync/invite';
import type { Invite } from '../../../src/lib/sync/api';

function invite(name = 'Klimatgruppen Umeå 🌍'): Invite {
	const groupId = newGroupId();
	const key = newGroupKey(groupId, 3);
	return { version: 1, groupId, epoch: 3, keyId: key.keyId, key: key.key, relayUrl: 'https://relay.example.org', groupName: name };
}

function code(text: string): string {
	try {
		decodeInvite(text);
		return 'ok';
	} catch (error) {
		expect(error).toBeInstanceOf(InviteError);
		return (error as InviteError).code;
	}
}

describe('invite links', () => {
	it('round-trips through the fragment and through a whole pasted link', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 80 }), (name) => {
				const original = invite(name);
				const fragment = encodeInvite(original);
				expect(fragment).toMatch(/^[A-Za-z0-9_-]+$/);
				expect(decodeInvite(fragment)).toEqual(original);
				expect(decodeInvite(`https://fieldbook.example/join#${fragment}`)).toEqual(original);
			}),
			{ numRuns: 50 }
		);
	});

	it('is compact enough for a QR code', () => {
		expect(encodeInvite(invite('Legal support')).length).toBeLessThan(140);
	});

	it('names what is wrong with a broken link', () => {
		const fragment = encodeInvite(invite());
		expect(code('not a link at all!')).toBe('malformed');
		expect(code(fragment.slice(0, 30))).toBe('truncated');
		expect(code(fragment.slice(0, -3))).toBe('checksum');
		const changed = fragment.slice(0, 20) + (fragment[20] === 'A' ? 'B' : 'A') + fragment.slice(21);
		expect(code(changed)).toBe('checksum');
		expect(code('https://example.com/somewhere-else#abc')).toBe('foreign');
		expect(code('https://example.com/join')).toBe('foreign');
	});

	it('says "version" for an invite from a newer format', async () => {
		const { sha256 } = await import('@noble/hashes/sha2.js');
		const { fromBase64Url, toBase64Url } = await import('../../../src/lib/sync/bytes');
		const bytes = fromBase64Url(encodeInvite(invite()));
		const body = bytes.slice(0, -4);
		body[0] = 9;
		const resealed = new Uint8Array([...body, ...sha256(body).subarray(0, 4)]);
		expect(code(toBase64Url(resealed))).toBe('version');
	});
});
