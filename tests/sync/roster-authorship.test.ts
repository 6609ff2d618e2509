import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, setOnline, until } from '../helpers/devices';
import { LeaveNotDeliveredError } from '../../src/lib/sync/workspace';
import { newDeviceKeys } from '../../src/lib/sync/crypto';
import { seal } from '../../src/lib/sync/sealed';
import type { Vault } from '../../src/lib/sync/vault';

let relay: TestRelay;

beforeAll(async () => {
	relay = await startTestRelay();
});

afterAll(async () => {
	await relay?.close();
});

describe('authorship means membership', () => {
	it('holds back blobs of a key holder the roster does not admit, applies them once approved, and never a forged one', async () => {
		const alice = await newDevice('Alice');
		const mallory = await newDevice('Mallory');
		const vaultA = await alice.workspace.createGroup({ name: 'Tenants', relayUrl: relay.url });
		const guide = await vaultA.create('guide', (doc) => doc.getText('body').insert(0, 'Rent strike plan.'), { title: 'Plan' });
		await guide.flush();

		// A link from before rosters carries the key but no invite proof: Mallory's device asks to join.
		const { direct: _direct, ...legacy } = vaultA.invite();
		const vaultM = await mallory.workspace.joinGroup({ ...legacy, version: 1 });
		const malloryKey = mallory.workspace.identity!.publicKey;
		await until(() => vaultA.rosterNow().pending.has(malloryKey), 'the join request in the roster');
		expect(vaultA.rosterNow().members.has(malloryKey)).toBe(false);

		const opened = await vaultM.open(guide.docId);
		await until(() => opened.doc.getText('body').toString() === 'Rent strike plan.', 'the guide on the key holder');
		opened.doc.getText('body').insert(0, 'Cancelled! ');
		await opened.flush();
		const internals = await alice.workspace.vault(vaultA.id);
		await until(() => internals.heldBlobs > 0, 'the non-member blob held back');
		expect(guide.doc.getText('body').toString()).toBe('Rent strike plan.');
		expect(vaultA.status().problem).toBe('tampered');

		// A blob sealed with the group key by a device nobody knows: refused the same way.
		const stranger = newDeviceKeys();
		const forged = seal(Y.encodeStateAsUpdate(new Y.Doc()), { groupId: vaultA.id, epoch: vaultA.epoch, docId: guide.docId }, { keyId: legacy.keyId, key: legacy.key }, stranger);
		internals.outer.transact(() => internals.outer.getArray<Uint8Array>(`d/${guide.docId}`).push([forged]), 'remote');

		await vaultA.writeRoster([{ type: 'approve', member: malloryKey }]);
		await until(() => guide.doc.getText('body').toString() === 'Cancelled! Rent strike plan.', 'the approved member’s edit');
		expect(vaultA.rosterNow().members.get(malloryKey)?.name).toBe('Mallory');
		await until(() => internals.heldBlobs === 1, 'only the forged blob still held');
		await alice.close();
		await mallory.close();
	});

	it('shows a leave to everyone, with the name the roster had', async () => {
		const alice = await newDevice('Alice');
		const bashir = await newDevice('Bashir');
		const vaultA = await alice.workspace.createGroup({ name: 'Choir', relayUrl: relay.url });
		const vaultB = await bashir.workspace.joinGroup(vaultA.invite());
		const bashirKey = bashir.workspace.identity!.publicKey;
		await until(() => vaultA.rosterNow().members.has(bashirKey), 'Bashir admitted');
		await until(() => vaultB.rosterNow().members.has(bashirKey), 'Bashir admitted on his device');
		await until(() => vaultA.presence().some((person) => person.publicKey === bashirKey), 'presence');
		await bashir.workspace.leaveGroup(vaultB.id);
		await until(() => !vaultA.rosterNow().members.has(bashirKey), 'the leave on Alice’s device');
		expect(vaultA.rosterNow().former.get(bashirKey)).toEqual({ name: 'Bashir', how: 'left' });
		await alice.close();
		await bashir.close();
	});

	it('does not leave while offline (the others would never learn of it), and leaves once back online', async () => {
		const alice = await newDevice('Alice');
		const bashir = await newDevice('Bashir');
		const vaultA = await alice.workspace.createGroup({ name: 'Food not bombs', relayUrl: relay.url });
		const vaultB = await bashir.workspace.joinGroup(vaultA.invite());
		const bashirKey = bashir.workspace.identity!.publicKey;
		await until(() => vaultB.rosterNow().members.has(bashirKey), 'Bashir admitted on his device');

		await setOnline(bashir, false);
		await expect(bashir.workspace.leaveGroup(vaultB.id)).rejects.toEqual(new LeaveNotDeliveredError('offline'));
		expect(bashir.workspace.groups().map((group) => group.id)).toContain(vaultB.id);
		expect(vaultB.rosterNow().members.has(bashirKey)).toBe(true);

		await setOnline(bashir, true);
		await bashir.workspace.leaveGroup(vaultB.id);
		expect(bashir.workspace.groups().map((group) => group.id)).not.toContain(vaultB.id);
		await until(() => vaultA.rosterNow().former.get(bashirKey)?.how === 'left', 'the leave on Alice’s device');
		await alice.close();
		await bashir.close();
	});

	it('gives a group from before rosters a roster once synced: its old members stay, the device that adopts it is admin', async () => {
		let alice = await newDevice('Alice');
		const ns = alice.namespace;
		const vault = await alice.workspace.createGroup({ name: 'Old group', relayUrl: relay.url });
		const aliceKey = alice.workspace.identity!.publicKey;
		const bashirKey = 'B'.repeat(43);
		// As older versions left it: no roster, everyone in the meta doc's member map.
		vault.meta.transact(() => {
			const roster = vault.meta.getArray('roster');
			roster.delete(0, roster.length);
			const members = vault.meta.getMap('members');
			members.set(aliceKey, { name: 'Alice', publicKey: aliceKey, joinedAt: 1 });
			members.set(bashirKey, { name: 'Bashir', publicKey: bashirKey, joinedAt: 2 });
		});
		expect(vault.rosterNow().created).toBe(false);
		// Written as one snapshot, as such a group's compaction left it (a blob deleting roster entries is refused).
		await (vault as Vault).compact('meta', true);
		await until(async () => (await alice.workspace.vault(vault.id)).status().state === 'savedRelay', 'the old group on the relay');
		await alice.close();

		alice = await newDevice('Alice', { namespace: ns });
		const reopened = await alice.workspace.group(vault.id);
		await until(() => reopened.rosterNow().created, 'the roster written after the first sync');
		expect(reopened.rosterNow().members.get(aliceKey)?.role).toBe('admin');
		expect(reopened.rosterNow().members.get(bashirKey)).toMatchObject({ name: 'Bashir', role: 'member' });
		await alice.close();
	});
});
