import { afterEach, describe, expect, it } from 'vitest';
import { newDevice, until } from '../helpers/devices';

/** Nothing listens here: every byte of the reopened document must come from IndexedDB. */
const UNREACHABLE_RELAY = 'http://127.0.0.1:9';

const originalAdd = IDBObjectStore.prototype.add;

/**
 * Makes IndexedDB behave like a full disk for the vault's update records: the request goes through and the
 * transaction then aborts with QuotaExceededError, rolling the record back, as browsers do at commit time.
 */
function fillTheDisk(): void {
	IDBObjectStore.prototype.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
		const request = originalAdd.apply(this, args);
		if (this.name === 'updates') {
			const transaction = this.transaction as IDBTransaction & { _abort(name: string): void };
			queueMicrotask(() => transaction._abort('QuotaExceededError'));
		}
		return request;
	};
}

function freeTheDisk(): void {
	IDBObjectStore.prototype.add = originalAdd;
}

afterEach(freeTheDisk);

describe('a full disk', () => {
	it('is reported as storageFull, keeps every edit in memory, and stores them all once space is free', async () => {
		const alice = await newDevice('Alice', { batchDelayMs: 10 });
		const vault = await alice.workspace.createGroup({ name: 'Legal team', relayUrl: UNREACHABLE_RELAY });
		const guide = await vault.create('guide', (doc) => doc.getText('body').insert(0, 'Call the lawyer.'), { title: 'Arrests' });
		await guide.flush();
		const body = guide.doc.getText('body');

		fillTheDisk();
		body.insert(body.length, ' Write down badge numbers.');
		await guide.flush();
		await until(() => vault.status().problem === 'storageFull', 'the storage-full report');
		body.insert(body.length, ' Stay calm.');
		await guide.flush();
		expect(body.toString()).toBe('Call the lawyer. Write down badge numbers. Stay calm.');
		expect(vault.status().problem).toBe('storageFull');

		freeTheDisk();
		await until(() => vault.status().problem === undefined, 'the all-stored report', 20_000);
		const groupId = vault.id;
		const docId = guide.docId;
		const namespace = alice.namespace;
		await alice.close();

		const again = await newDevice('Alice', { namespace });
		const reopened = await (await again.workspace.group(groupId)).open(docId);
		expect(reopened.doc.getText('body').toString()).toBe('Call the lawyer. Write down badge numbers. Stay calm.');
		await again.close();
	}, 30_000);
});
