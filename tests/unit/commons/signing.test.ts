import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { newPublisherKey, signPayload, signedMessage, verifySigned, SIGNING_CONTEXT } from '../../../src/lib/commons/sign';
import { fromBase64Url, utf8 } from '../../../src/lib/sync/bytes';

describe('signed commons payloads', () => {
	it('sign the context line followed by exactly the payload string sent', () => {
		const key = newPublisherKey();
		const request = signPayload({ v: 1, id: 'A'.repeat(22), seq: 2, action: 'unpublish' }, key);
		expect(request.payload).toBe('{"v":1,"id":"AAAAAAAAAAAAAAAAAAAAAA","seq":2,"action":"unpublish"}');
		expect(fromBase64Url(request.publicKey)).toHaveLength(32);
		expect(fromBase64Url(request.signature)).toHaveLength(64);
		expect(request.signature).not.toMatch(/=/);
		const message = utf8(`fieldbook-commons/v1\n${request.payload}`);
		expect(signedMessage(request.payload)).toEqual(message);
		expect(SIGNING_CONTEXT).toBe('fieldbook-commons/v1\n');
		expect(ed25519.verify(fromBase64Url(request.signature), message, fromBase64Url(request.publicKey))).toBe(true);
		expect(verifySigned(request.payload, request.signature, request.publicKey)).toBe(true);
	});

	it('do not verify with another key, another payload or without the context line', () => {
		const key = newPublisherKey();
		const other = newPublisherKey();
		const request = signPayload({ v: 1, id: 'B'.repeat(22), seq: 1, action: 'unpublish' }, key);
		expect(verifySigned(request.payload, request.signature, other.publicKey)).toBe(false);
		expect(verifySigned(request.payload.replace('"seq":1', '"seq":9'), request.signature, key.publicKey)).toBe(false);
		const bare = ed25519.sign(utf8(request.payload), fromBase64Url(key.secretKey));
		expect(ed25519.verify(bare, signedMessage(request.payload), fromBase64Url(key.publicKey))).toBe(false);
		expect(verifySigned(request.payload, 'not base64url!', key.publicKey)).toBe(false);
	});
});
