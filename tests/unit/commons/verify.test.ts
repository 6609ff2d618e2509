import { describe, expect, it } from 'vitest';
import { newPublisherKey } from '../../../src/lib/commons/sign';
import { FINGERPRINT_EMOJI, FINGERPRINT_LENGTH, publisherFingerprint } from '../../../src/lib/commons/verify';

describe('publisher key fingerprints', () => {
	it('draws from sixty-four distinct pictures', () => {
		expect(new Set(FINGERPRINT_EMOJI).size).toBe(64);
	});

	it('are eight pictures, the same for a key every time, and differ between keys', () => {
		const keys = Array.from({ length: 50 }, () => newPublisherKey().publicKey);
		const prints = keys.map(publisherFingerprint);
		for (const [index, print] of prints.entries()) {
			expect(print.split(' ')).toHaveLength(FINGERPRINT_LENGTH);
			expect(publisherFingerprint(keys[index]!)).toBe(print);
		}
		expect(new Set(prints).size).toBe(keys.length);
	});
});
