import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, until } from '../helpers/devices';
import { newDeviceKeys } from '../../src/lib/sync/crypto';
import { seal, SEALED_VERSION } from '../../src/lib/sync/sealed';

let relay: TestRelay;

beforeAll(async () => {
	relay = await startTestRelay();
});

afterAll(async () => {
	await relay?.close();
});

describe('document blobs of both format versions', () => {
	it('opens version 1 blobs beside version 2 ones, and compaction rewrites both as version 2', async () => {
		const alice = await newDevice('Alice');
		const vault = await alice.workspace.createGroup({ name: 'Archive', relayUrl: relay.url });
		const guide = await vault.create('guide', () => undefined, { title: 'Old notes' });
		await guide.flush();
		const internals = await alice.workspace.vault(vault.id);
		const invite = vault.invite();
		// What a phone on the old version wrote: a v1 Yjs update in a version 1 blob, by another member.
		const old = new Y.Doc();
		old.getText('body').insert(0, 'From an old phone.');
		const v1 = seal(
			Y.encodeStateAsUpdate(old),
			{ groupId: vault.id, epoch: vault.epoch, docId: guide.docId },
			{ keyId: invite.keyId, key: invite.key },
			newDeviceKeys(),
			undefined,
			1
		);
		const blobs = internals.outer.getArray<Uint8Array>(`d/${guide.docId}`);
		internals.outer.transact(() => blobs.push([v1]), 'remote');
		await until(() => guide.doc.getText('body').toString() === 'From an old phone.', 'the version 1 blob applied');

		const body = guide.doc.getText('body');
		body.insert(body.length, ' And a new one.');
		await guide.flush();
		expect(blobs.toArray().map((blob) => blob[0])).toContain(1);
		expect(blobs.toArray()[blobs.length - 1]![0]).toBe(SEALED_VERSION);

		await internals.compact(guide.docId, true);
		expect(blobs.toArray().map((blob) => blob[0])).toEqual([SEALED_VERSION]);
		expect(vault.status().problem).toBeUndefined();
		await guide.close();
		const again = await vault.open(guide.docId);
		expect(again.doc.getText('body').toString()).toBe('From an old phone. And a new one.');
		await again.close();
		await alice.close();
	});
});
