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

describe('a tampered blob in the vault', () => {
	it('is refused, leaves the document untouched, is reported, and is never compacted away', async () => {
		const alice = await newDevice('Alice');
		const vault = await alice.workspace.createGroup({ name: 'Press team', relayUrl: relay.url });
		const guide = await vault.create('guide', (doc) => doc.getText('body').insert(0, 'Talking points.'), { title: 'Press' });
		await guide.flush();
		const internals = await alice.workspace.vault(vault.id);
		const blobs = internals.outer.getArray<Uint8Array>(`d/${guide.docId}`);
		const tampered = blobs.get(0).slice();
		tampered[tampered.length - 100]! ^= 0xff;
		const before = guide.doc.getText('body').toString();
		// As if it arrived from the relay: a transaction with another origin.
		internals.outer.transact(() => blobs.push([tampered]), 'remote');
		expect(guide.doc.getText('body').toString()).toBe(before);
		await until(() => vault.status().problem === 'tampered', 'the tamper report');

		for (let i = 0; i < 5; i++) guide.doc.getText('body').insert(0, `${i}`);
		await guide.flush();
		await internals.compact(guide.docId, true);
		const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);
		expect(blobs.toArray().some((blob) => same(blob, tampered))).toBe(true);
		expect(blobs.length).toBe(2);
		expect(guide.doc.getText('body').toString()).toBe('43210Talking points.');
		await alice.close();
	});
});
