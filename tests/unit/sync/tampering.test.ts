import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { newDeviceKeys, newGroupId, newGroupKey } from '../../../src/lib/sync/crypto';
import { HEADER_BYTES, open, seal, SealError, SIGNATURE_BYTES } from '../../../src/lib/sync/sealed';

const groupId = newGroupId();
const key = newGroupKey(groupId, 1);
const author = newDeviceKeys();
const context = { groupId, epoch: 1, docId: 'AAAAAAAAAAAAAAAAAAAAAA' };
const keys = (id: string) => (id === key.keyId ? key : undefined);
const plaintext = new TextEncoder().encode('Legal support number: 0701-234 567');

function refusal(blob: Uint8Array, ctx = context, lookup = keys): string {
	try {
		open(blob, ctx, lookup);
		return 'opened';
	} catch (error) {
		expect(error).toBeInstanceOf(SealError);
		return (error as SealError).code;
	}
}

describe('sealed blobs', () => {
	it('round-trips any plaintext', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
				expect(open(seal(bytes, context, key, author), context, keys).plaintext).toEqual(bytes);
			}),
			{ numRuns: 50 }
		);
	});

	it('uses a fresh nonce each time: the same plaintext seals differently', () => {
		expect(seal(plaintext, context, key, author)).not.toEqual(seal(plaintext, context, key, author));
	});

	it('refuses a flipped bit anywhere: header, nonce, author, ciphertext or signature', () => {
		const blob = seal(plaintext, context, key, author);
		const regions = {
			version: 0,
			keyId: 3,
			nonce: 20,
			author: 40,
			ciphertext: HEADER_BYTES + 5,
			signature: blob.length - SIGNATURE_BYTES + 10
		};
		for (const [region, offset] of Object.entries(regions)) {
			const tampered = blob.slice();
			tampered[offset]! ^= 0x01;
			expect(refusal(tampered), region).not.toBe('opened');
		}
		fc.assert(
			fc.property(fc.nat(blob.length - 1), fc.integer({ min: 1, max: 255 }), (offset, mask) => {
				const tampered = blob.slice();
				tampered[offset]! ^= mask;
				expect(refusal(tampered)).not.toBe('opened');
			}),
			{ numRuns: 300 }
		);
	});

	it('names why: version, unknown key, signature, associated data of another doc, wrong key, truncation', () => {
		const blob = seal(plaintext, context, key, author);
		const newer = blob.slice();
		newer[0] = 3;
		expect(refusal(newer)).toBe('version');
		expect(refusal(blob, context, () => undefined)).toBe('unknownKey');
		expect(refusal(blob, { ...context, docId: 'BBBBBBBBBBBBBBBBBBBBBB' })).toBe('signature');
		expect(refusal(blob, { ...context, epoch: 2 })).toBe('signature');
		const otherKey = newGroupKey(groupId, 1);
		expect(refusal(blob, context, () => ({ keyId: key.keyId, key: otherKey.key }))).toBe('decrypt');
		expect(refusal(blob.subarray(0, 50))).toBe('truncated');
		// A valid signature by another device over a blob it re-encrypted with a wrong key still fails to decrypt.
		const forged = seal(plaintext, context, { keyId: key.keyId, key: otherKey.key }, newDeviceKeys());
		expect(refusal(forged)).toBe('decrypt');
	});
});
