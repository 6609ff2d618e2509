import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { toBase64Url } from '../../../src/lib/sync/bytes';
import { evaluateRoster, rosterEntry } from '../../../src/lib/sync/roster';
import { openKeyBox, sealKeyBox } from '../../../src/lib/sync/key-box';
import { doorCredentials, doorRevokeToken, inviteIdOf, openDoorValue, sealDoorValue } from '../../../src/lib/sync/door';
import { decodeAnyInvite, encodeRequestInvite } from '../../../src/lib/sync/invite';

const format = readFileSync('src/lib/sync/FORMAT.md', 'utf8');
const v = JSON.parse(/### Membership test vectors[\s\S]*?```json\n([\s\S]*?)```/.exec(format)![1]!);

describe('FORMAT.md membership test vectors', () => {
	const seed = hexToBytes(v.deviceSecretKey);
	const device = { secretKey: seed, publicKey: ed25519.getPublicKey(seed) };
	const groupKey = hexToBytes(v.groupKey);

	it('signs the documented roster entry, which makes its author the first admin', () => {
		expect(rosterEntry(v.groupId, { type: 'create', name: 'Ada', box: v.recipientBoxKey }, device, v.rosterAt)).toEqual(v.rosterEntry);
		const roster = evaluateRoster(v.groupId, [v.rosterEntry]);
		expect(roster.members.get(toBase64Url(device.publicKey))?.role).toBe('admin');
		expect(evaluateRoster('BBECAwQFBgcICQoLDA0ODw', [v.rosterEntry]).refused).toEqual([{ index: 0, reason: 'signature' }]);
	});

	it('seals the documented key box byte for byte, and it opens to the group key', () => {
		const recipient = { secretKey: hexToBytes(v.recipientBoxSecretKey), publicKey: x25519.getPublicKey(hexToBytes(v.recipientBoxSecretKey)) };
		expect(toBase64Url(recipient.publicKey)).toBe(v.recipientBoxKey);
		const context = { groupId: v.groupId, epoch: v.epoch, keyId: v.keyId };
		const box = sealKeyBox(groupKey, recipient.publicKey, context, device, hexToBytes(v.ephemeralSecretKey), hexToBytes(v.nonce));
		expect(bytesToHex(box)).toBe(v.keyBox);
		expect(box.byteLength).toBe(201);
		expect(bytesToHex(openKeyBox(hexToBytes(v.keyBox), context, recipient).key)).toBe(v.groupKey);
	});

	it('derives the documented door, seals its info, and encodes the request link', () => {
		const secret = hexToBytes(v.inviteSecret);
		expect(doorRevokeToken(groupKey, v.groupId, secret)).toBe(v.revokeToken);
		expect(inviteIdOf(v.revokeToken)).toBe(v.inviteId);
		const door = doorCredentials({ id: v.inviteId, secret, expires: v.expires });
		expect(door.room).toBe(v.doorRoom);
		expect(door.token).toBe(v.doorToken);
		expect(bytesToHex(door.key)).toBe(v.doorKey);
		expect(sealDoorValue(door.key, v.inviteId, 'info', v.doorInfo, hexToBytes(v.nonce))).toBe(v.doorInfoSealed);
		expect(openDoorValue(door.key, v.inviteId, 'info', v.doorInfoSealed)).toEqual(v.doorInfo);
		expect(openDoorValue(door.key, v.inviteId, 'request|x', v.doorInfoSealed)).toBeUndefined();
		const invite = { kind: 'request' as const, version: 2 as const, id: v.inviteId, secret, expires: v.expires, relayUrl: v.relayUrl };
		expect(encodeRequestInvite(invite)).toBe(v.requestLink);
		expect(decodeAnyInvite(v.requestLink)).toEqual(invite);
	});
});
