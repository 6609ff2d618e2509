import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, until } from '../helpers/devices';
import { initDiscussion, Thread } from '../../src/lib/discussions/thread';

let relay: TestRelay;

beforeAll(async () => {
	relay = await startTestRelay({ limits: { updatesPerSecond: 10_000, updateBurst: 10_000 } });
});

afterAll(async () => {
	await relay?.close();
});

const MESSAGES = 70;
/** The one long message: sealed alone, it is the doc's largest blob, which compaction keeps as the snapshot. */
const LONG = 35;

describe('compaction that merges around a blob it keeps', () => {
	it('leaves a thread that a member who joins later opens whole', async () => {
		const alice = await newDevice('Alice');
		// The vault itself (not its GroupVault face): the test compacts and reads the outer array.
		const vault = await alice.workspace.vault((await alice.workspace.createGroup({ name: 'Camp', relayUrl: relay.url })).id);
		const opened = await vault.create('discussion', (doc) => initDiscussion(doc, { title: 'Logistics' }), { title: 'Logistics' });
		await opened.flush();
		const me = { publicKey: alice.workspace.identity!.publicKey, name: 'Alice' };
		const thread = new Thread(opened.doc);
		// Short messages sealed one by one (batches) around one long message: the batches merge into a tail
		// blob while the long message's blob, between them in the session's clock, stays as it is.
		for (let i = 0; i < MESSAGES; i++) {
			thread.send(me, i === LONG ? `Message ${i}: ${'Bring water, a charged phone and the legal number. '.repeat(30)}` : `Message ${i}`);
			await opened.flush();
		}
		await vault.compact(opened.docId);
		const blobs = vault.outer.getArray<Uint8Array>(`d/${opened.docId}`);
		// The merge happened, and the long message's blob is still on its own.
		expect(blobs.length).toBeLessThan(MESSAGES / 2);
		expect(blobs.length).toBeGreaterThan(1);
		await until(() => vault.status().state === 'savedRelay', 'the compaction on the relay');

		const bashir = await newDevice('Bashir');
		const joined = await bashir.workspace.joinGroup(vault.invite());
		await until(() => joined.indexMap.has(opened.docId), 'the thread on the new member');
		const seen = await joined.open(opened.docId);
		const read = new Thread(seen.doc);
		await until(() => read.length === MESSAGES, "every message on the new member");
		expect(read.ids()).toEqual(thread.ids());
		await alice.close();
		await bashir.close();
	});

	it('leaves a snapshot in parts that a member who joins later opens whole, with nothing refused', async () => {
		// Above MAX_BLOB_BYTES the snapshot is cut by Yjs client: a part can hold one member's session alone,
		// signed by whoever compacted.
		const alice = await newDevice('Alice');
		const vault = await alice.workspace.vault((await alice.workspace.createGroup({ name: 'Camp', relayUrl: relay.url })).id);
		const opened = await vault.create('discussion', (doc) => initDiscussion(doc, { title: 'Logistics' }), { title: 'Logistics' });
		await opened.flush();
		const dara = await newDevice('Dara');
		const daraVault = await dara.workspace.vault((await dara.workspace.joinGroup(vault.invite())).id);
		await until(() => daraVault.indexMap.has(opened.docId), 'the thread on Dara');
		const daraDoc = await daraVault.open(opened.docId);
		const writers = [
			{ me: { publicKey: alice.workspace.identity!.publicKey, name: 'Alice' }, doc: opened },
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

		const bashir = await newDevice('Bashir');
		const joined = await bashir.workspace.joinGroup(vault.invite());
		await until(() => joined.indexMap.has(opened.docId), 'the thread on the new member');
		const seen = await joined.open(opened.docId);
		const read = new Thread(seen.doc);
		await until(() => read.length === total, 'every message on the new member', 60_000);
		expect(joined.refusals()).toEqual([]);
		for (const device of [alice, dara, bashir]) await device.close();
	}, 120_000);
});
