import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, setOnline, until, type TestDevice } from '../helpers/devices';
import type { Vault } from '../../src/lib/sync/vault';
import { initDiscussion, Thread } from '../../src/lib/discussions/thread';
import { initAction, readRsvps, setRsvp } from '../../src/lib/actions/action';

let relay: TestRelay;

beforeAll(async () => {
	relay = await startTestRelay();
});

afterAll(async () => {
	await relay?.close();
});

/** A group of Alice (admin) and the given others, each admitted by a direct invite, on every device. */
async function group(names: string[]): Promise<{ devices: TestDevice[]; vaults: Vault[] }> {
	const alice = await newDevice('Alice');
	const first = await alice.workspace.createGroup({ name: 'Tenants', relayUrl: relay.url });
	const devices = [alice];
	for (const name of names) {
		const device = await newDevice(name);
		await device.workspace.joinGroup(first.invite());
		devices.push(device);
	}
	const vaults = await Promise.all(devices.map((device) => device.workspace.vault(first.id)));
	const keys = devices.map((device) => device.workspace.identity!.publicKey);
	for (const vault of vaults) await until(() => keys.every((key) => vault.rosterNow().members.has(key)), 'everyone admitted everywhere');
	return { devices, vaults };
}

/** Alice, Bashir and Mallory, and a thread Alice opened with "meet at the square", open on all three devices. */
async function aliceThread() {
	const { devices, vaults } = await group(['Bashir', 'Mallory']);
	const [alice, bashir, mallory] = vaults as [Vault, Vault, Vault];
	const [aliceKey, , malloryKey] = devices.map((device) => device.workspace.identity!.publicKey) as [string, string, string];
	const created = await alice.create('discussion', (doc) => initDiscussion(doc, { title: 'Rent', first: { author: { publicKey: aliceKey, name: 'Alice' }, text: 'meet at the square' } }), { title: 'Rent' });
	await created.flush();
	const onBashir = new Thread((await bashir.open(created.docId)).doc);
	const malloryDoc = await mallory.open(created.docId);
	return { devices, alice, bashir, mallory, aliceKey, malloryKey, created, onBashir, malloryDoc, onMallory: new Thread(malloryDoc.doc) };
}

/** Alice and Bashir, and a guide Alice wrote in two blobs ("One." then " Two."), open on Bashir's device with both. */
async function twoBlobGuide() {
	const { devices, vaults } = await group(['Bashir']);
	const [alice, bashir] = vaults as [Vault, Vault];
	const guide = await alice.create('guide', (doc) => doc.getText('body').insert(0, 'One.'), { title: 'Notes' });
	await guide.flush();
	guide.doc.getText('body').insert(4, ' Two.');
	await guide.flush();
	const opened = await bashir.open(guide.docId);
	await until(() => opened.doc.getText('body').toString() === 'One. Two.', 'both changes on Bashir’s device');
	return { devices, alice, bashir, guide, opened };
}

describe('a hostile member', () => {
	it('cannot wipe a guide: the others write its blobs back and the guide, history included, survives a fresh sync', async () => {
		const { devices, vaults } = await group(['Bashir', 'Mallory']);
		const [alice, , mallory] = vaults as [Vault, Vault, Vault];
		const aliceKey = devices[0]!.workspace.identity!.publicKey;
		const guide = await alice.create(
			'guide',
			(doc) => {
				doc.getText('body').insert(0, 'Rent strike plan.');
				doc.getArray('versions').push([{ name: 'First draft', author: aliceKey }]);
			},
			{ title: 'Plan' }
		);
		await guide.flush();
		const seen = await mallory.open(guide.docId);
		await until(() => seen.doc.getText('body').toString() === 'Rent strike plan.', 'the guide on Mallory’s device');
		const bashirGuide = await vaults[1]!.open(guide.docId);
		await until(() => bashirGuide.doc.getText('body').toString() === 'Rent strike plan.', 'the guide on Bashir’s device');
		const before = alice.outer.getArray<Uint8Array>(`d/${guide.docId}`).length;
		expect(before).toBeGreaterThan(0);

		// With the app's own vault, Mallory deletes every blob of the guide from the outer document.
		const wiped = mallory.outer.getArray<Uint8Array>(`d/${guide.docId}`);
		mallory.outer.transact(() => wiped.delete(0, wiped.length), 'hostile');

		await until(() => alice.refusals().some((refusal) => refusal.kind === 'restored' && refusal.docId === guide.docId), 'the restoration reported on Alice’s device');
		await until(() => mallory.outer.getArray<Uint8Array>(`d/${guide.docId}`).length > 0, 'the blobs back on Mallory’s device');
		expect(guide.doc.getText('body').toString()).toBe('Rent strike plan.');

		// A member joining now gets the guide and its versions from the relay.
		const carol = await newDevice('Carol');
		const carolVault = await carol.workspace.joinGroup(alice.invite());
		const fresh = await carolVault.open(guide.docId);
		await until(() => fresh.doc.getText('body').toString() === 'Rent strike plan.', 'the guide on a new member’s device');
		expect(fresh.doc.getArray('versions').toArray()).toEqual([{ name: 'First draft', author: aliceKey }]);
		await carol.close();
		for (const device of devices) await device.close();
	});

	it('cannot delete or overwrite other members’ entries of the member map; its own it may change', async () => {
		const { devices, vaults } = await group(['Bashir', 'Mallory']);
		const [alice, bashir, mallory] = vaults as [Vault, Vault, Vault];
		const [aliceKey, bashirKey, malloryKey] = devices.map((device) => device.workspace.identity!.publicKey) as [string, string, string];
		const members = (vault: Vault) => vault.meta.getMap<{ name: string }>('members');
		// Each device asserts its own entry, as versions from before rosters did.
		const names = ['Alice', 'Bashir', 'Mallory'];
		vaults.forEach((vault, index) => members(vault).set([aliceKey, bashirKey, malloryKey][index]!, { name: names[index]! }));
		for (const vault of vaults) await until(() => [aliceKey, bashirKey, malloryKey].every((key) => members(vault).has(key)), 'every entry everywhere');

		// Her own entry is hers to change.
		mallory.meta.transact(() => members(mallory).set(malloryKey, { name: 'Mal' }));
		await until(() => members(alice).get(malloryKey)?.name === 'Mal', 'Mallory’s own rename');

		// With the app's own vault, Mallory deletes Alice's entry, overwrites Bashir's and renames herself.
		mallory.meta.transact(() => {
			members(mallory).delete(aliceKey);
			members(mallory).set(bashirKey, { name: 'Informer' });
		});
		await until(() => alice.refusals().some((refusal) => refusal.kind === 'refused' && refusal.by.includes(malloryKey)), 'the refusal on Alice’s device');
		await until(() => bashir.refusals().some((refusal) => refusal.kind === 'refused' && refusal.by.includes(malloryKey)), 'the refusal on Bashir’s device');
		expect(members(alice).has(aliceKey)).toBe(true);
		expect(members(bashir).get(bashirKey)?.name).toBe('Bashir');

		for (const device of devices) await device.close();
	});

	it('counts a compaction as no deletion: blobs replaced by a covering snapshot are not written back', async () => {
		const { devices, alice, bashir, guide, opened } = await twoBlobGuide();
		const blobs = bashir.outer.getArray<Uint8Array>(`d/${guide.docId}`);
		await until(() => blobs.length >= 2, 'two blobs on Bashir’s device');

		await alice.compact(guide.docId, true);
		await until(() => blobs.length === 1, 'the snapshot alone on Bashir’s device');
		await bashir.coverChecked();
		expect(bashir.refusals()).toEqual([]);
		expect(blobs.length).toBe(1);
		opened.doc.getText('body').insert(0, '0. ');
		await opened.flush();
		await until(() => guide.doc.getText('body').toString() === '0. One. Two.', 'a later change on Alice’s device');
		for (const device of devices) await device.close();
	});

	it('counts a compaction whose snapshot arrives parked behind a blob still on its way as no deletion', async () => {
		const { devices, alice, bashir, guide, opened } = await twoBlobGuide();
		await setOnline(devices[1]!, false);

		// Alice writes once more and compacts; Bashir, offline, is handed the compaction before the blob its
		// snapshot follows, so the snapshot waits (parked) while its deletions apply.
		const updates: Uint8Array[] = [];
		alice.outer.on('update', (update: Uint8Array) => updates.push(update));
		guide.doc.getText('body').insert(9, ' Three.');
		await guide.flush();
		await alice.compact(guide.docId, true);
		const [compaction, ...before] = [updates[updates.length - 1]!, ...updates.slice(0, -1)];
		Y.applyUpdate(bashir.outer, compaction, 'out of order');
		expect(bashir.outer.store.pendingStructs).not.toBeNull();
		for (const update of before) Y.applyUpdate(bashir.outer, update, 'out of order');

		await until(() => opened.doc.getText('body').toString() === 'One. Two. Three.', 'every change on Bashir’s device');
		await bashir.coverChecked();
		expect(bashir.refusals()).toEqual([]);
		expect(bashir.outer.getArray<Uint8Array>(`d/${guide.docId}`).length).toBe(1);
		for (const device of devices) await device.close();
	});

	it('counts a merged tail as no deletion, though it holds its writer’s structs from a clock above 0 on', async () => {
		const { devices, vaults } = await group(['Bashir']);
		const [alice, bashir] = vaults as [Vault, Vault];
		const guide = await alice.create('guide', (doc) => doc.getText('body').insert(0, 'A long first paragraph. '.repeat(20)), { title: 'Notes' });
		await guide.flush();
		// Small batches after a larger first blob: compaction merges the batches into a tail and leaves the first.
		for (let i = 0; i < 70; i++) {
			guide.doc.getText('body').insert(guide.doc.getText('body').length, `${i}.`);
			await guide.flush();
		}
		const text = guide.doc.getText('body').toString();
		const opened = await bashir.open(guide.docId);
		await until(() => opened.doc.getText('body').toString() === text, 'every batch on Bashir’s device');
		const blobs = bashir.outer.getArray<Uint8Array>(`d/${guide.docId}`);
		const before = blobs.length;

		await alice.compact(guide.docId);
		await until(() => blobs.length < before, 'the merged tail on Bashir’s device');
		await bashir.coverChecked();
		expect(blobs.length).toBeGreaterThan(1);
		expect(bashir.refusals()).toEqual([]);
		expect(opened.doc.getText('body').toString()).toBe(text);
		for (const device of devices) await device.close();
	});

	it('cannot send a message in another member’s name: refused on the others’ devices and reported with her key', async () => {
		const { devices, alice, bashir, aliceKey, malloryKey, created, onBashir, malloryDoc, onMallory } = await aliceThread();
		await until(() => onMallory.ids().length === 1, 'the thread on Mallory’s device');

		// Her own message goes through; then, with the app's own Thread, one in Alice's name.
		onMallory.send({ publicKey: malloryKey, name: 'Mallory' }, 'hello');
		await malloryDoc.flush();
		const onAlice = new Thread(created.doc);
		await until(() => onAlice.ids().length === 2 && onBashir.ids().length === 2, 'Mallory’s own message everywhere');
		onMallory.send({ publicKey: aliceKey, name: 'Alice' }, 'meet at the police station');
		await malloryDoc.flush();

		for (const vault of [alice, bashir]) {
			await until(() => vault.refusals().some((refusal) => refusal.kind === 'refused' && refusal.docId === created.docId && refusal.by.includes(malloryKey)), 'the refusal reported');
		}
		for (const thread of [onAlice, onBashir]) {
			expect(thread.ids().map((id) => thread.message(id)!.text)).toEqual(['meet at the square', 'hello']);
		}
		for (const device of devices) await device.close();
	});

	it('cannot pass a message in another member’s name off as a merge of several sessions', async () => {
		const { devices, alice, bashir, mallory, aliceKey, malloryKey, created, onBashir, malloryDoc, onMallory } = await aliceThread();
		await until(() => onMallory.ids().length === 1, 'the thread on Mallory’s device');

		// Two sessions Mallory made up: one writes in Alice's name, the other in her own. Merged, the update
		// carries several clients, as a compaction does; she seals and pushes it with the app's own vault.
		const base = Y.encodeStateVector(malloryDoc.doc);
		const sessions = [new Y.Doc(), new Y.Doc()];
		for (const session of sessions) Y.applyUpdateV2(session, Y.encodeStateAsUpdateV2(malloryDoc.doc));
		new Thread(sessions[0]!).send({ publicKey: aliceKey, name: 'Alice' }, 'meet at the police station');
		new Thread(sessions[1]!).send({ publicKey: malloryKey, name: 'Mallory' }, 'hello');
		const forged = Y.mergeUpdatesV2(sessions.map((session) => Y.encodeStateAsUpdateV2(session, base)));
		expect(Y.parseUpdateMetaV2(forged).to.size).toBe(2);
		await mallory.importUpdate(created.docId, forged);

		for (const vault of [alice, bashir]) {
			await until(() => vault.refusals().some((refusal) => refusal.kind === 'refused' && refusal.docId === created.docId && refusal.by.includes(malloryKey)), 'the refusal reported');
		}
		for (const thread of [new Thread(created.doc), onBashir]) {
			expect(thread.ids().map((id) => thread.message(id)!.text)).toEqual(['meet at the square']);
		}
		for (const device of devices) await device.close();
	});

	it('cannot rewrite another member’s message: refused, the original intact', async () => {
		const { devices, alice, bashir, aliceKey, malloryKey, created, onBashir, malloryDoc, onMallory } = await aliceThread();
		await until(() => onMallory.ids().length === 1 && onBashir.ids().length === 1, 'the thread on the others’ devices');
		const [id] = onMallory.ids() as [string];

		// The app's Thread refuses to edit someone else's message; Mallory writes the field directly.
		expect(onMallory.edit(id, malloryKey, 'meet at the police station')).toBe(false);
		onMallory.messages.get(id)!.set('text', 'meet at the police station');
		await malloryDoc.flush();

		for (const vault of [alice, bashir]) {
			await until(() => vault.refusals().some((refusal) => refusal.kind === 'refused' && refusal.docId === created.docId && refusal.by.includes(malloryKey)), 'the refusal reported');
		}
		for (const thread of [new Thread(created.doc), onBashir]) {
			expect(thread.message(id)).toMatchObject({ author: aliceKey, text: 'meet at the square' });
			expect(thread.message(id)!.editedAt).toBeUndefined();
		}
		for (const device of devices) await device.close();
	});

	it('cannot remove another member’s RSVP; its own it may give', async () => {
		const { devices, vaults } = await group(['Bashir', 'Mallory']);
		const [alice, bashir, mallory] = vaults as [Vault, Vault, Vault];
		const [, bashirKey, malloryKey] = devices.map((device) => device.workspace.identity!.publicKey) as [string, string, string];
		const created = await alice.create(
			'action',
			(doc) => initAction(doc, { title: 'March', description: '', starts: '2026-12-01T10:00', ends: '', timeZone: 'UTC', place: '', callToAction: '' }),
			{ title: 'March' }
		);
		await created.flush();
		const bashirDoc = await bashir.open(created.docId);
		await until(() => bashirDoc.doc.getMap('fields').get('title') === 'March', 'the action on Bashir’s device');
		setRsvp(bashirDoc.doc, { publicKey: bashirKey, name: 'Bashir' }, 'going');
		await bashirDoc.flush();
		const malloryDoc = await mallory.open(created.docId);
		await until(() => readRsvps(malloryDoc.doc).length === 1, 'Bashir’s RSVP on Mallory’s device');
		setRsvp(malloryDoc.doc, { publicKey: malloryKey, name: 'Mallory' }, 'maybe');
		await malloryDoc.flush();
		await until(() => readRsvps(created.doc).length === 2, 'both RSVPs on Alice’s device');

		malloryDoc.doc.getMap('rsvps').delete(bashirKey);
		await malloryDoc.flush();

		for (const vault of [alice, bashir]) {
			await until(() => vault.refusals().some((refusal) => refusal.kind === 'refused' && refusal.docId === created.docId && refusal.by.includes(malloryKey)), 'the refusal reported');
		}
		for (const doc of [created.doc, bashirDoc.doc]) {
			expect(readRsvps(doc).map((rsvp) => [rsvp.publicKey, rsvp.status])).toEqual([
				[bashirKey, 'going'],
				[malloryKey, 'maybe']
			]);
		}
		for (const device of devices) await device.close();
	});
	it('lets honest compactions through to a device that was offline, another member’s session carried as its own', async () => {
		const { devices, vaults } = await group(['Bashir', 'Carol']);
		const [alice, bashir, carol] = vaults as [Vault, Vault, Vault];
		const [aliceKey, bashirKey] = devices.map((device) => device.workspace.identity!.publicKey) as [string, string];
		const created = await alice.create('discussion', (doc) => initDiscussion(doc, { title: 'Rent', first: { author: { publicKey: aliceKey, name: 'Alice' }, text: 'one' } }), { title: 'Rent' });
		await created.flush();
		const onCarol = new Thread((await carol.open(created.docId)).doc);
		await until(() => onCarol.ids().length === 1, 'the thread on Carol’s device');
		await setOnline(devices[2]!, false);

		// While Carol is away Bashir writes twice and reacts, and Alice merges everything into one snapshot.
		const bashirDoc = await bashir.open(created.docId);
		const onBashir = new Thread(bashirDoc.doc);
		await until(() => onBashir.ids().length === 1, 'the thread on Bashir’s device');
		for (const text of ['two', 'three']) {
			onBashir.send({ publicKey: bashirKey, name: 'Bashir' }, text);
			await bashirDoc.flush();
		}
		onBashir.toggleReaction(onBashir.ids()[0]!, '👍', bashirKey);
		await bashirDoc.flush();
		const onAlice = new Thread(created.doc);
		await until(() => onAlice.ids().length === 3 && onAlice.message(onAlice.ids()[0]!, aliceKey)!.reactions.length === 1, 'Bashir’s writes on Alice’s device');
		const blobs = alice.outer.getArray<Uint8Array>(`d/${created.docId}`);
		await alice.compact(created.docId, true);
		await until(() => blobs.length === 1, 'one snapshot');

		await setOnline(devices[2]!, true);
		await until(() => onCarol.ids().length === 3, 'the snapshot on Carol’s device');
		expect(onCarol.ids().map((id) => onCarol.message(id)!.text)).toEqual(['one', 'two', 'three']);
		expect(onCarol.message(onCarol.ids()[0]!)!.reactions).toEqual([{ emoji: '👍', count: 1, mine: false }]);
		expect(carol.refusals()).toEqual([]);

		// A thread only Bashir's one session wrote. Alice read it, so her merge holds her own claim besides
		// his session: his structs travel as his (claimed), and no device refuses them.
		const solo = await bashir.create('discussion', (doc) => initDiscussion(doc, { title: 'Solo', first: { author: { publicKey: bashirKey, name: 'Bashir' }, text: 'a' } }), { title: 'Solo' });
		await solo.flush();
		new Thread(solo.doc).send({ publicKey: bashirKey, name: 'Bashir' }, 'b');
		await solo.flush();
		const soloOnAlice = new Thread((await alice.open(solo.docId)).doc);
		await until(() => soloOnAlice.ids().length === 2, 'the solo thread on Alice’s device');
		const soloBlobs = bashir.outer.getArray<Uint8Array>(`d/${solo.docId}`);
		expect(soloBlobs.length).toBeGreaterThanOrEqual(2);
		await alice.compact(solo.docId, true);
		await until(() => soloBlobs.length === 1, 'Alice’s snapshot on Bashir’s device');
		const soloOnCarol = new Thread((await carol.open(solo.docId)).doc);
		await until(() => soloOnCarol.ids().length === 2, 'the snapshot on Carol’s device');
		await bashir.coverChecked();
		expect([...bashir.refusals(), ...carol.refusals()]).toEqual([]);
		expect(soloOnCarol.ids().map((id) => soloOnCarol.message(id)!.author)).toEqual([bashirKey, bashirKey]);
		for (const device of devices) await device.close();
	});
});
