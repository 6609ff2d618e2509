import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { newPublisherKey, signPayload } from '../../../src/lib/commons/sign';
import { FINGERPRINT_EMOJI, FINGERPRINT_LENGTH, nobleVerify, passesProbe, publisherFingerprint, signedMessage, verifySignature, webCryptoVerify } from '../../../src/lib/commons/verify';
import { concat, fromBase64Url, utf8 } from '../../../src/lib/sync/bytes';
import { campaignPayload, newEntryId } from '../../helpers/commons';

describe('publisher key fingerprints', () => {
	it('draws from sixty-four distinct pictures', () => {
		expect(new Set(FINGERPRINT_EMOJI).size).toBe(64);
	});

	it('are eight pictures, the same for a key every time, and differ between keys', async () => {
		const keys = Array.from({ length: 50 }, () => newPublisherKey().publicKey);
		const prints = await Promise.all(keys.map(publisherFingerprint));
		for (const [index, print] of prints.entries()) {
			expect(print.split(' ')).toHaveLength(FINGERPRINT_LENGTH);
			expect(await publisherFingerprint(keys[index]!)).toBe(print);
		}
		expect(new Set(prints).size).toBe(keys.length);
	});
});

describe('commons signature checks', () => {
	const key = newPublisherKey();
	const request = signPayload(campaignPayload(newEntryId(), 1) as never, key);

	it('use the platform Ed25519 where it passes the RFC 8032 probe, and noble (loaded on demand) agrees with it', async () => {
		const native = webCryptoVerify(globalThis.crypto.subtle);
		const noble = await nobleVerify();
		for (const verify of [native, noble]) {
			expect(await passesProbe(verify)).toBe(true);
			const message = signedMessage(request.payload);
			expect(await verify(fromBase64Url(request.signature), message, fromBase64Url(key.publicKey))).toBe(true);
			expect(await verify(fromBase64Url(request.signature), signedMessage(request.payload + ' '), fromBase64Url(key.publicKey))).toBe(false);
			expect(await verify(new Uint8Array(10), message, fromBase64Url(key.publicKey))).toBe(false);
		}
		// A verifier that accepts everything fails the probe, so it would never be chosen.
		expect(await passesProbe(async () => true)).toBe(false);
	});

	it('accept a payload string only with its publisher signature', async () => {
		expect(await verifySignature(request.payload, request.signature, key.publicKey)).toBe(true);
		expect(await verifySignature(request.payload.replace('"seq":1', '"seq":9'), request.signature, key.publicKey)).toBe(false);
		expect(await verifySignature(request.payload, request.signature, newPublisherKey().publicKey)).toBe(false);
		expect(await verifySignature(request.payload, 'not base64url!', key.publicKey)).toBe(false);
	});

	it('fingerprint a key by the SHA-256 of the context and the key', async () => {
		const digest = sha256(concat(utf8('fieldbook-commons-fingerprint/v1\n'), fromBase64Url(key.publicKey)));
		const expected = Array.from(digest.slice(0, FINGERPRINT_LENGTH), (byte) => FINGERPRINT_EMOJI[byte & 0x3f]).join(' ');
		expect(await publisherFingerprint(key.publicKey)).toBe(expected);
	});
});
