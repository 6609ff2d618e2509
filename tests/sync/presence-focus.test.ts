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

describe('presence follows the document in focus', () => {
	it('publishes carets for the guide being edited after another document was opened first', async () => {
		const alice = await newDevice('Alice');
		const bashir = await newDevice('Bashir');
		const vaultA = await alice.workspace.createGroup({ name: 'Presence', relayUrl: relay.url });
		const vaultB = await bashir.workspace.joinGroup(vaultA.invite());
		const thread = await vaultA.create('discussion', (doc) => doc.getMap('fields').set('title', 'Plans'), { title: 'Plans' });
		const guide = await vaultA.create('guide', (doc) => doc.getText('body').insert(0, 'Bring water.'), { title: 'Checklist' });
		const other = await vaultA.create('guide', (doc) => doc.getText('body').insert(0, 'Songs.'), { title: 'Songs' });
		await thread.flush();
		await guide.flush();
		await other.flush();
		// Alice's home or a list had the thread open first; now she edits the guide.
		guide.awareness.setLocalStateField('cursor', { anchor: 3, head: 3 });

		await until(() => vaultB.indexMap.has(guide.docId), 'the guide on Bashir');
		const guideB = await vaultB.open(guide.docId);
		const aliceIn = (docId: string) => vaultB.presence().some((person) => person.name === 'Alice' && person.docId === docId);
		await until(() => aliceIn(guide.docId), 'Alice present in the guide');
		await until(
			() => [...guideB.awareness.getStates().values()].some((state) => JSON.stringify(state).includes('"anchor":3')),
			"Alice's caret in Bashir's guide"
		);

		// Opening another document (search does) moves nothing; a screen that shows it calls focus().
		const otherA = await vaultA.open(other.docId);
		otherA.awareness.setLocalStateField('cursor', null);
		guide.awareness.setLocalStateField('cursor', { anchor: 5, head: 5 });
		await until(
			() => [...guideB.awareness.getStates().values()].some((state) => JSON.stringify(state).includes('"anchor":5')),
			'the moved caret'
		);
		thread.focus();
		await until(() => aliceIn(thread.docId), 'Alice present in the thread she looks at');
		await until(() => guideB.awareness.getStates().size === 1, "Alice's caret gone from the guide she left");
		expect(aliceIn(guide.docId)).toBe(false);

		await alice.close();
		await bashir.close();
	});
});
