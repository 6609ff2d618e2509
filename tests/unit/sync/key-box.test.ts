import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../../src/lib/sync/bytes';
import { newDeviceKeys, newGroupId, newGroupKey } from '../../../src/lib/sync/crypto';
import { KEY_BOX_BYTES, keyBoxSigner, KeyBoxError, newBoxKeys, openKeyBox, sealKeyBox } from '../../../src/lib/sync/key-box';

const groupId = newGroupId();
const groupKey = newGroupKey(groupId, 1);
const context = { groupId, epoch: 1, keyId: groupKey.keyId };
const admin = newDeviceKeys();
const joiner = newBoxKeys();

function refusal(run: () => unknown): string {
	try {
		run();
		return 'opened';
	} catch (error) {
		expect(error).toBeInstanceOf(KeyBoxError);
		return (error as KeyBoxError).code;
	}
}

describe('key boxes', () => {
	it('give the recipient the group key and name the signer', () => {
		const box = sealKeyBox(groupKey.key, joiner.publicKey, context, admin);
		expect(box.byteLength).toBe(KEY_BOX_BYTES);
		expect(keyBoxSigner(box)).toBe(toBase64Url(admin.publicKey));
		const opened = openKeyBox(box, context, joiner);
		expect(opened.key).toEqual(groupKey.key);
		expect(opened.signer).toBe(toBase64Url(admin.publicKey));
	});

	it('use a fresh ephemeral key each time', () => {
		expect(sealKeyBox(groupKey.key, joiner.publicKey, context, admin)).not.toEqual(sealKeyBox(groupKey.key, joiner.publicKey, context, admin));
	});

	it('do not open for anyone else', () => {
		const box = sealKeyBox(groupKey.key, joiner.publicKey, context, admin);
		expect(refusal(() => openKeyBox(box, context, newBoxKeys()))).toBe('decrypt');
	});

	it('refuse a box moved to another group, epoch or key id', () => {
		const box = sealKeyBox(groupKey.key, joiner.publicKey, context, admin);
		expect(refusal(() => openKeyBox(box, { ...context, groupId: newGroupId() }, joiner))).toBe('signature');
		expect(refusal(() => openKeyBox(box, { ...context, epoch: 2 }, joiner))).toBe('signature');
		expect(refusal(() => openKeyBox(box, { ...context, keyId: 'AAAAAAAAAAA' }, joiner))).toBe('signature');
	});

	it('refuse any flipped bit, a truncated box and another version', () => {
		const box = sealKeyBox(groupKey.key, joiner.publicKey, context, admin);
		for (let index = 1; index < box.byteLength; index += 7) {
			const bad = box.slice();
			bad[index]! ^= 1;
			expect(refusal(() => openKeyBox(bad, context, joiner))).toBe('signature');
		}
		const versioned = box.slice();
		versioned[0] = 2;
		expect(refusal(() => openKeyBox(versioned, context, joiner))).toBe('version');
		expect(refusal(() => openKeyBox(box.subarray(1), context, joiner))).toBe('length');
	});

	it('refuse a box re-signed by someone else (the signer key is inside what is signed)', () => {
		const box = sealKeyBox(groupKey.key, joiner.publicKey, context, admin);
		const other = newDeviceKeys();
		const swapped = box.slice();
		swapped.set(other.publicKey, 1 + 32 + 24);
		expect(refusal(() => openKeyBox(swapped, context, joiner))).toBe('signature');
	});
});
