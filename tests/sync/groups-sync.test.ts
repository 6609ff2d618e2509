import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, until } from '../helpers/devices';

let relay: TestRelay;

beforeAll(async () => {
	relay = await startTestRelay();
});

afterAll(async () => {
	await relay?.close();
});

describe('a group synced between two devices through the relay', () => {
	it('creates, invites, joins, and both see both members and a shared document', async () => {
		const alice = await newDevice('Alice');
		const bashir = await newDevice('Bashir');
		const vaultA = await alice.workspace.createGroup({ name: 'Climate Umeå', relayUrl: relay.url });
		const invite = vaultA.invite();
		expect(invite.groupName).toBe('Climate Umeå');
		const vaultB = await bashir.workspace.joinGroup(invite);
		// A direct invite: Bashir's device writes its join (with the invite's proof) once it holds the invite entry.
		const members = (vault: typeof vaultA) => [...vault.rosterNow().members.values()].map((member) => member.name).sort();
		await until(() => members(vaultA).length === 2 && members(vaultB).length === 2, 'both members everywhere');
		expect(vaultA.rosterNow().members.get(alice.workspace.identity!.publicKey)?.role).toBe('admin');
		expect(vaultA.rosterNow().members.get(bashir.workspace.identity!.publicKey)?.role).toBe('member');
		expect(members(vaultA)).toEqual(['Alice', 'Bashir']);
		expect(vaultB.meta.getMap('meta').get('name')).toBe('Climate Umeå');

		const guide = await vaultA.create('guide', (doc) => doc.getText('body').insert(0, 'Bring water.'), { title: 'Checklist' });
		await until(() => vaultB.indexMap.get(guide.docId)?.title === 'Checklist', 'the index entry');
		const opened = await vaultB.open(guide.docId);
		await until(() => opened.doc.getText('body').toString() === 'Bring water.', 'the guide text');
		await until(() => vaultA.status().state === 'savedRelay' && vaultA.status().pending === 0, 'saved to relay');

		await bashir.workspace.rename('Bashir K');
		await until(() => members(vaultA).includes('Bashir K'), 'the rename');
		await until(() => vaultA.presence().some((person) => person.name === 'Bashir K'), 'presence');
		await alice.close();
		await bashir.close();
	});
});
