import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, until } from '../helpers/devices';

let relay: TestRelay;

beforeAll(async () => {
	// Default limits: the relay's 2 MB frame limit and its update rate are what the upload must respect.
	relay = await startTestRelay();
});

afterAll(async () => {
	await relay?.close();
});

/** Text that does not compress, like a handbook's worth of sealed blobs. */
function handbook(bytes: number): string {
	return randomBytes(bytes).toString('base64').slice(0, bytes);
}

describe('bounded uploads', () => {
	it('5 MB of blobs written offline reach the relay in pieces below its frame limit, and a second device gets all of it', async () => {
		const alice = await newDevice('Alice');
		const vault = await alice.workspace.createGroup({ name: 'Handbooks', relayUrl: relay.url });
		await until(() => vault.status().state === 'savedRelay', 'the new group on the relay');
		const internals = await alice.workspace.vault(vault.id);
		alice.online = false;
		internals.disconnect();
		const texts = new Map<string, string>();
		for (let i = 0; i < 10; i++) {
			const text = handbook(512 * 1024);
			const guide = await vault.create('guide', (doc) => doc.getText('body').insert(0, text), { title: `Handbook ${i}` });
			await guide.flush();
			texts.set(guide.docId, text);
			await guide.close();
		}
		expect(vault.status().pending).toBeGreaterThanOrEqual(10);

		alice.online = true;
		internals.reconnect();
		// Progress is asserted in upload-progress.test.ts (a relay whose storing the test holds); what proves the
		// framing here is that a 5 MB backlog arrives at all (one frame past the relay's limit is closed with
		// 1009, and the stock client then retries forever).
		await until(() => vault.status().state === 'savedRelay' && vault.status().pending === 0, 'everything on the relay', 120_000);

		const bashir = await newDevice('Bashir');
		const joined = await bashir.workspace.joinGroup(vault.invite());
		for (const [docId, text] of texts) {
			await until(() => joined.indexMap.get(docId) !== undefined, 'the index entry', 120_000);
			const opened = await joined.open(docId);
			await until(() => opened.doc.getText('body').toString() === text, `handbook ${docId}`, 120_000);
			await opened.close();
		}
		await alice.close();
		await bashir.close();
	}, 300_000);
});
