import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { keyIdOf, relayCredentials } from '../../../src/lib/sync/crypto';
import { open, seal, SEALED_VERSION, type SealedVersion } from '../../../src/lib/sync/sealed';

const format = readFileSync('src/lib/sync/FORMAT.md', 'utf8');
interface Vector {
	version: SealedVersion;
	key: string;
	groupId: string;
	epoch: number;
	docId: string;
	keyId: string;
	deviceSecretKey: string;
	devicePublicKey: string;
	nonce: string;
	/** UTF-8 plaintext, or… */
	plaintext?: string;
	/** …plaintext bytes: a Yjs v2 update whose text `body` reads `text`. */
	plaintextHex?: string;
	text?: string;
	sealed: string;
	room: string;
	token: string;
}
const section = format.slice(format.indexOf('## Test vectors'));
const vectors = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]!) as Vector);

describe('FORMAT.md test vectors', () => {
	it('documents a vector of every version this code opens, the written one included', () => {
		expect(vectors.map((vector) => vector.version)).toEqual([1, 2]);
		expect(vectors.some((vector) => vector.version === SEALED_VERSION)).toBe(true);
	});

	for (const vector of vectors) {
		const key = hexToBytes(vector.key);
		const device = { secretKey: hexToBytes(vector.deviceSecretKey), publicKey: hexToBytes(vector.devicePublicKey) };
		const context = { groupId: vector.groupId, epoch: vector.epoch, docId: vector.docId };
		const plaintext = vector.plaintextHex ? hexToBytes(vector.plaintextHex) : new TextEncoder().encode(vector.plaintext);

		it(`version ${vector.version}: derives the documented key id, room and token`, () => {
			expect(keyIdOf(key, vector.groupId, vector.epoch)).toBe(vector.keyId);
			expect(relayCredentials(key, vector.groupId, vector.epoch)).toEqual({ room: vector.room, token: vector.token });
		});

		it(`version ${vector.version}: seals the plaintext to exactly the documented bytes, and opens them`, () => {
			const sealed = seal(plaintext, context, { keyId: vector.keyId, key }, device, hexToBytes(vector.nonce), vector.version);
			expect(bytesToHex(sealed)).toBe(vector.sealed);
			const opened = open(hexToBytes(vector.sealed), context, (id) => (id === vector.keyId ? { keyId: id, key } : undefined));
			expect(opened.version).toBe(vector.version);
			expect(bytesToHex(opened.plaintext)).toBe(bytesToHex(plaintext));
			if (vector.text !== undefined) {
				const doc = new Y.Doc();
				Y.applyUpdateV2(doc, opened.plaintext);
				expect(doc.getText('body').toString()).toBe(vector.text);
			}
		});
	}
});
