import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '../../../src/lib/sync/bytes';

describe('base64url', () => {
	it('encodes unpadded and decodes back, for every length and for large blobs, as Node does', () => {
		for (const length of [...Array.from({ length: 70 }, (_, index) => index), 8191, 8192, 8193, 300_000]) {
			const bytes = new Uint8Array(randomBytes(length));
			const text = toBase64Url(bytes);
			expect(text).toBe(Buffer.from(bytes).toString('base64url'));
			expect(fromBase64Url(text)).toEqual(bytes);
			expect(fromBase64Url(Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_'))).toEqual(bytes);
		}
	});

	it('refuses characters outside the alphabet and a cut length', () => {
		expect(() => fromBase64Url('ab+c')).toThrow('not base64url');
		expect(() => fromBase64Url('ab/c')).toThrow('not base64url');
		expect(() => fromBase64Url('a b')).toThrow('not base64url');
		expect(() => fromBase64Url('abcde')).toThrow('not base64url');
	});
});
