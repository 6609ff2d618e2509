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
});
