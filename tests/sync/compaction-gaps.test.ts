import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, until, type TestDevice } from '../helpers/devices';
import { initDiscussion, Thread } from '../../src/lib/discussions/thread';
import type { Vault } from '../../src/lib/sync/vault';

let relay: TestRelay;

beforeAll(async () => {
	relay = await startTestRelay({ limits: { updatesPerSecond: 10_000, updateBurst: 10_000 } });
});

afterAll(async () => {
	await relay?.close();
});

/** Alice's group with one thread; the vault itself (not its GroupVault face), so a test can compact it. */
async function aliceThread() {
	const alice = await newDevice('Alice');
	const vault = await alice.workspace.vault((await alice.workspace.createGroup({ name: 'Camp', relayUrl: relay.url })).id);
	const opened = await vault.create('discussion', (doc) => initDiscussion(doc, { title: 'Logistics' }), { title: 'Logistics' });
	await opened.flush();
	return { alice, vault, opened, me: { publicKey: alice.workspace.identity!.publicKey, name: 'Alice' } };
}

/** A member who joins now and opens the thread; resolves once it holds `messages` messages. */
async function laterMember(vault: Vault, docId: string, messages: number): Promise<{ device: TestDevice; joined: Vault; read: Thread }> {
	const device = await newDevice('Bashir');
	const joined = await device.workspace.vault((await device.workspace.joinGroup(vault.invite())).id);
	await until(() => joined.indexMap.has(docId), 'the thread on the new member');
	const read = new Thread((await joined.open(docId)).doc);
	await until(() => read.length === messages, 'every message on the new member', 60_000);
	return { device, joined, read };
}

describe('compaction that merges around a blob it keeps', () => {
	it('leaves a thread that a member who joins later opens whole', async () => {
		const messages = 70;
		/** The one long message: sealed alone, it is the doc's largest blob, which compaction keeps as the snapshot. */
		const long = 35;
		const { alice, vault, opened, me } = await aliceThread();
		const thread = new Thread(opened.doc);
		// Short messages sealed one by one (batches) around one long message: the batches merge into a tail
		// blob while the long message's blob, between them in the session's clock, stays as it is.
		for (let i = 0; i < messages; i++) {
			thread.send(me, i === long ? `Message ${i}: ${'Bring water, a charged phone and the legal number. '.repeat(30)}` : `Message ${i}`);
			await opened.flush();
		}
		await vault.compact(opened.docId);
		const blobs = vault.outer.getArray<Uint8Array>(`d/${opened.docId}`);
		// The merge happened, and the long message's blob is still on its own.
		expect(blobs.length).toBeLessThan(messages / 2);
		expect(blobs.length).toBeGreaterThan(1);
		await until(() => vault.status().state === 'savedRelay', 'the compaction on the relay');

		const { device, read } = await laterMember(vault, opened.docId, messages);
		expect(read.ids()).toEqual(thread.ids());
		await alice.close();
		await device.close();
	});

	it('leaves a snapshot in parts that a member who joins later opens whole, with nothing refused', async () => {
		// Above MAX_BLOB_BYTES the snapshot is cut by Yjs client: a part can hold one member's session alone,
		// signed by whoever compacted.
		const { alice, vault, opened, me } = await aliceThread();
		const dara = await newDevice('Dara');
		const daraVault = await dara.workspace.vault((await dara.workspace.joinGroup(vault.invite())).id);
		await until(() => daraVault.indexMap.has(opened.docId), 'the thread on Dara');
		const daraDoc = await daraVault.open(opened.docId);
		const writers = [
			{ me, doc: opened },
			{ me: { publicKey: dara.workspace.identity!.publicKey, name: 'Dara' }, doc: daraDoc }
		];
		const long = 'Bring water, a charged phone and the legal number; meet at the square. '.repeat(10);
		const total = 1_600;
		for (let i = 0; i < total; i++) {
			const writer = writers[i % 2]!;
			new Thread(writer.doc.doc).send(writer.me, `Message ${i}: ${long}`);
			if (i % 100 === 99) await writer.doc.flush();
		}
		for (const writer of writers) await writer.doc.flush();
		await until(() => new Thread(opened.doc).length === total && new Thread(daraDoc.doc).length === total, 'both writers hold the whole thread', 60_000);
		await daraVault.compact(opened.docId, true);
		const blobs = daraVault.outer.getArray<Uint8Array>(`d/${opened.docId}`);
		expect(blobs.length, 'a snapshot in several parts').toBeGreaterThan(1);
		await until(() => daraVault.status().state === 'savedRelay' && vault.status().state === 'savedRelay', 'the snapshot on the relay', 60_000);

		const { device, joined } = await laterMember(vault, opened.docId, total);
		expect(joined.refusals()).toEqual([]);
		for (const each of [alice, dara, device]) await each.close();
	}, 120_000);
});
