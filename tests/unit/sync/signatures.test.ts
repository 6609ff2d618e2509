import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
	agreesWithNoble,
	newDeviceKeys,
	newGroupId,
	newGroupKey,
	nobleSignatures,
	signatures,
	webCryptoSignatures,
	type Signatures
} from '../../../src/lib/sync/crypto';
import { open, openAsync, seal, sealAsync, SealError, SIGNATURE_BYTES, VerdictCache } from '../../../src/lib/sync/sealed';
import { Sealer } from '../../../src/lib/sync/sealer';
import * as Y from 'yjs';

const groupId = newGroupId();
const key = newGroupKey(groupId, 1);
const author = newDeviceKeys();
const context = { groupId, epoch: 1, docId: 'AAAAAAAAAAAAAAAAAAAAAA' };
const keys = (id: string) => (id === key.keyId ? key : undefined);
const plaintext = new TextEncoder().encode('Meet at the square at 14:00.');
const web = webCryptoSignatures(globalThis.crypto.subtle);

/** A signer that counts its verifications. */
function counting(inner: Signatures): Signatures & { verified: number } {
	const counter = {
		name: inner.name,
		verified: 0,
		sign: inner.sign,
		async verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) {
			counter.verified++;
			return inner.verify(signature, message, publicKey);
		}
	};
	return counter;
}

async function refusal(blob: Uint8Array, signer: Signatures, verdicts?: VerdictCache): Promise<string> {
	try {
		await openAsync(blob, context, keys, { signer, ...(verdicts ? { verdicts } : {}) });
		return 'opened';
	} catch (error) {
		expect(error).toBeInstanceOf(SealError);
		return (error as SealError).code;
	}
}

describe('Ed25519 through WebCrypto and noble', () => {
	it('uses WebCrypto where the platform has it (Node 20 does)', async () => {
		expect((await signatures()).name).toBe('webcrypto');
		expect(await agreesWithNoble(web)).toBe(true);
	});

	it('falls back when a platform implementation disagrees with noble', async () => {
		const wrong: Signatures = { name: 'webcrypto', sign: async () => new Uint8Array(64), verify: async () => true };
		expect(await agreesWithNoble(wrong)).toBe(false);
		const throwing: Signatures = { name: 'webcrypto', sign: () => Promise.reject(new Error('NotSupportedError')), verify: async () => false };
		expect(await agreesWithNoble(throwing)).toBe(false);
	});

	it('makes the same bytes with either implementation, for the same nonce', async () => {
		const nonce = new Uint8Array(24).fill(9);
		const byNoble = seal(plaintext, context, key, author, nonce);
		expect(await sealAsync(plaintext, context, key, author, web, nonce)).toEqual(byNoble);
		expect(await sealAsync(plaintext, context, key, author, nobleSignatures, nonce)).toEqual(byNoble);
	});

	it('opens WebCrypto blobs with noble and noble blobs with WebCrypto', async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (bytes) => {
				const byWeb = await sealAsync(bytes, context, key, author, web);
				expect(open(byWeb, context, keys).plaintext).toEqual(bytes);
				expect((await openAsync(byWeb, context, keys, { signer: nobleSignatures })).plaintext).toEqual(bytes);
				const byNoble = seal(bytes, context, key, author);
				expect((await openAsync(byNoble, context, keys, { signer: web })).plaintext).toEqual(bytes);
			}),
			{ numRuns: 30 }
		);
	});

	it('refuses a tampered blob with either implementation, naming the same check as the sync path', async () => {
		const blob = await sealAsync(plaintext, context, key, author, web);
		await fc.assert(
			fc.asyncProperty(fc.nat(blob.length - 1), fc.integer({ min: 1, max: 255 }), async (offset, mask) => {
				const tampered = blob.slice();
				tampered[offset]! ^= mask;
				let expected: string;
				try {
					open(tampered, context, keys);
					expected = 'opened';
				} catch (error) {
					expected = (error as SealError).code;
				}
				expect(expected).not.toBe('opened');
				expect(await refusal(tampered, web)).toBe(expected);
				expect(await refusal(tampered, nobleSignatures)).toBe(expected);
			}),
			{ numRuns: 150 }
		);
	});

	it('refuses a signature by another device over the same blob', async () => {
		const blob = await sealAsync(plaintext, context, key, author, web);
		const other = newDeviceKeys();
		const forged = await sealAsync(plaintext, context, key, other, web);
		const spliced = blob.slice();
		spliced.set(forged.subarray(forged.length - SIGNATURE_BYTES), blob.length - SIGNATURE_BYTES);
		expect(await refusal(spliced, web)).toBe('signature');
		expect(await refusal(spliced, nobleSignatures)).toBe('signature');
	});
});

describe('the verdict cache', () => {
	it('verifies a blob once per session, and opens it every time', async () => {
		const signer = counting(web);
		const verdicts = new VerdictCache();
		const blob = await sealAsync(plaintext, context, key, author, web);
		for (let run = 0; run < 3; run++) expect((await openAsync(blob, context, keys, { signer, verdicts })).plaintext).toEqual(plaintext);
		expect(signer.verified).toBe(1);
	});

	it('never accepts a changed blob: a tampered copy, or the same object changed in place, is verified again and refused', async () => {
		const signer = counting(web);
		const verdicts = new VerdictCache();
		const blob = await sealAsync(plaintext, context, key, author, web);
		await openAsync(blob, context, keys, { signer, verdicts });
		const copy = blob.slice();
		copy[blob.length - 1]! ^= 1;
		expect(await refusal(copy, signer, verdicts)).toBe('signature');
		// Changed in place: the same object, so the same outer item, but not the bytes that were verified.
		blob[blob.length - 10]! ^= 1;
		expect(await refusal(blob, signer, verdicts)).toBe('signature');
		expect(signer.verified).toBe(3);
		// Changed back, it is checked once more (one verdict per item: the last) and opens.
		blob[blob.length - 10]! ^= 1;
		expect((await openAsync(blob, context, keys, { signer, verdicts })).plaintext).toEqual(plaintext);
		expect(signer.verified).toBe(4);
	});

	it('keeps a refusal too, and never carries a verdict into another document', async () => {
		const signer = counting(web);
		const verdicts = new VerdictCache();
		const blob = await sealAsync(plaintext, context, key, author, web);
		const bad = blob.slice();
		bad[40]! ^= 1;
		expect(await refusal(bad, signer, verdicts)).toBe('signature');
		expect(await refusal(bad, signer, verdicts)).toBe('signature');
		expect(signer.verified).toBe(1);
		await openAsync(blob, context, keys, { signer, verdicts });
		const elsewhere = { ...context, docId: 'BBBBBBBBBBBBBBBBBBBBBB' };
		await expect(openAsync(blob, elsewhere, keys, { signer, verdicts })).rejects.toMatchObject({ code: 'signature' });
	});

	it('does not remember a blob whose key is missing: it opens once the key arrives', async () => {
		const signer = counting(web);
		const verdicts = new VerdictCache();
		const blob = await sealAsync(plaintext, context, key, author, web);
		await expect(openAsync(blob, context, () => undefined, { signer, verdicts })).rejects.toMatchObject({ code: 'unknownKey' });
		expect((await openAsync(blob, context, keys, { signer, verdicts })).plaintext).toEqual(plaintext);
		expect(signer.verified).toBe(1);
	});

	it('hashes large blobs natively and still refuses a change deep inside them', async () => {
		const signer = counting(web);
		const verdicts = new VerdictCache();
		const large = new Uint8Array(200_000).map((_, index) => index % 251);
		const blob = await sealAsync(large, context, key, author, web);
		expect((await openAsync(blob, context, keys, { signer, verdicts })).plaintext).toEqual(large);
		blob[100_000]! ^= 1;
		expect(await refusal(blob, signer, verdicts)).toBe('signature');
		expect(signer.verified).toBe(2);
	});
});

describe("a vault's sealer", () => {
	it('verifies the blobs of a document once: reopening it (same outer items) verifies nothing again', async () => {
		const signer = counting(web);
		const sealer = new Sealer({ groupId, epoch: 1, currentKey: key, keys, device: author, signatures: signer });
		// The blobs as the outer doc holds them: Yjs keeps one Uint8Array per item and hands out that object.
		const outer = new Y.Doc();
		const blobs = outer.getArray<Uint8Array>('d/guide');
		for (let i = 0; i < 5; i++) blobs.push([await sealer.seal('guide', new TextEncoder().encode(`batch ${i}`))]);
		for (let visit = 0; visit < 3; visit++) {
			for (const blob of blobs.toArray()) await sealer.open('guide', blob);
		}
		expect(signer.verified).toBe(5);
		// A sealed-now (noble) blob from the unload path opens with WebCrypto like any other.
		blobs.push([sealer.sealNow('guide', new TextEncoder().encode('at unload'))]);
		expect(new TextDecoder().decode((await sealer.open('guide', blobs.get(5))).plaintext)).toBe('at unload');
		expect(signer.verified).toBe(6);
	});
});
