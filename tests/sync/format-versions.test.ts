import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { until } from '../helpers/devices';
import { newDeviceKeys, newGroupId, newGroupKey } from '../../src/lib/sync/crypto';
import { seal, SEALED_VERSION } from '../../src/lib/sync/sealed';
import { Vault } from '../../src/lib/sync/vault';

describe('document blobs of both format versions', () => {
	it('opens version 1 blobs beside version 2 ones, and compaction rewrites both as version 2', async () => {
		const groupId = newGroupId();
		const key = newGroupKey(groupId, 1);
		const device = newDeviceKeys();
		const refused: string[] = [];
		const vault = await Vault.open({
			groupId,
			epoch: 1,
			relayUrl: 'http://127.0.0.1:9',
			currentKey: key,
			keys: (keyId) => (keyId === key.keyId ? key : undefined),
			device,
			deviceName: () => 'Alice',
			persist: async () => ({ destroy: () => undefined, clearData: async () => undefined }),
			relayState: { load: async () => undefined, save: async () => undefined },
			connect: false,
			WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
			onRefusedBlob: (_docId, error) => refused.push(error.code)
		});
		const guide = await vault.open('AAAAAAAAAAAAAAAAAAAAAA');
		// What the app wrote before version 2, as a vault on a phone still holds it: a v1 Yjs update in a version 1 blob.
		const old = new Y.Doc();
		old.getText('body').insert(0, 'From an old phone.');
		const v1 = seal(Y.encodeStateAsUpdate(old), { groupId, epoch: 1, docId: guide.docId }, key, device, undefined, 1);
		const blobs = vault.outer.getArray<Uint8Array>(`d/${guide.docId}`);
		vault.outer.transact(() => blobs.push([v1]), 'remote');
		await until(() => guide.doc.getText('body').toString() === 'From an old phone.', 'the version 1 blob applied');

		const body = guide.doc.getText('body');
		body.insert(body.length, ' And a new one.');
		await guide.flush();
		expect(blobs.toArray().map((blob) => blob[0])).toEqual([1, SEALED_VERSION]);

		await vault.compact(guide.docId, true);
		expect(blobs.toArray().map((blob) => blob[0])).toEqual([SEALED_VERSION]);
		await guide.close();
		const again = await vault.open(guide.docId);
		expect(again.doc.getText('body').toString()).toBe('From an old phone. And a new one.');
		// Opened in a fresh replica too, from the blobs alone.
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(vault.outer));
		expect(other.getArray<Uint8Array>(`d/${guide.docId}`).length).toBe(1);
		expect(refused).toEqual([]);
		await again.close();
		await vault.close();
	});
});
