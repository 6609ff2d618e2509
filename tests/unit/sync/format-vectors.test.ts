import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { keyIdOf, relayCredentials } from '../../../src/lib/sync/crypto';
import { open, seal } from '../../../src/lib/sync/sealed';

const format = readFileSync('src/lib/sync/FORMAT.md', 'utf8');
interface Vector {
	key: string;
	groupId: string;
	epoch: number;
	docId: string;
	keyId: string;
	deviceSecretKey: string;
	devicePublicKey: string;
	nonce: string;
	plaintext: string;
	sealed: string;
	room: string;
	token: string;
}
const vector = JSON.parse(/## Test vector[\s\S]*?```json\n([\s\S]*?)```/.exec(format)![1]!) as Vector;

describe('FORMAT.md test vector', () => {
	const key = hexToBytes(vector.key);
	const device = { secretKey: hexToBytes(vector.deviceSecretKey), publicKey: hexToBytes(vector.devicePublicKey) };
	const context = { groupId: vector.groupId, epoch: vector.epoch, docId: vector.docId };

	it('derives the documented key id, room and token', () => {
		expect(keyIdOf(key, vector.groupId, vector.epoch)).toBe(vector.keyId);
		expect(relayCredentials(key, vector.groupId, vector.epoch)).toEqual({ room: vector.room, token: vector.token });
	});

	it('seals the plaintext to exactly the documented bytes, and opens them', () => {
		const sealed = seal(new TextEncoder().encode(vector.plaintext), context, { keyId: vector.keyId, key }, device, hexToBytes(vector.nonce));
		expect(bytesToHex(sealed)).toBe(vector.sealed);
		const opened = open(hexToBytes(vector.sealed), context, (id) => (id === vector.keyId ? { keyId: id, key } : undefined));
		expect(new TextDecoder().decode(opened.plaintext)).toBe(vector.plaintext);
	});
});
