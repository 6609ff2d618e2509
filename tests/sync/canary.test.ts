import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

const CANARY = `canary-${Math.random().toString(36).slice(2)}-Åsa-Öberg`;

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
	outer: for (let i = 0; i <= haystack.length - needle.length; i++) {
		for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
		return true;
	}
	return false;
}

/** Every record of every IndexedDB database, read raw through the IndexedDB API. */
async function rawIndexedDb(): Promise<unknown[]> {
	const records: unknown[] = [];
	for (const info of await indexedDB.databases()) {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open(info.name!);
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		for (const store of Array.from(db.objectStoreNames)) {
			const all = await new Promise<unknown[]>((resolve, reject) => {
				const request = db.transaction(store).objectStore(store).getAll();
				request.onsuccess = () => resolve(request.result);
				request.onerror = () => reject(request.error);
			});
			records.push(...all);
		}
		db.close();
	}
	return records;
}

function leaks(value: unknown, needle: string, bytes: Uint8Array): boolean {
	if (typeof value === 'string') return value.includes(needle);
	if (value instanceof Uint8Array) return contains(value, bytes);
	if (value instanceof ArrayBuffer) return contains(new Uint8Array(value), bytes);
	if (Array.isArray(value)) return value.some((item) => leaks(item, needle, bytes));
	if (value && typeof value === 'object') return Object.values(value).some((item) => leaks(item, needle, bytes));
	return false;
}

describe('no plaintext at rest', () => {
	it('a unique string typed into a document never appears in the relay database or in raw IndexedDB', async () => {
		const alice = await newDevice('Alice');
		const bashir = await newDevice('Bashir');
		const vault = await alice.workspace.createGroup({ name: `Group ${CANARY}`, description: CANARY, relayUrl: relay.url });
		const joined = await bashir.workspace.joinGroup(vault.invite());
		const guide = await vault.create('guide', (doc) => doc.getText('body').insert(0, `Meet at ${CANARY}.`), { title: CANARY });
		await guide.flush();
		const seen = await joined.open(guide.docId);
		await until(() => seen.doc.getText('body').toString().includes(CANARY), 'the guide reaches Bashir');
		await until(() => vault.status().state === 'savedRelay', 'saved to relay');
		// Let y-indexeddb and SQLite finish writing.
		await new Promise((resolve) => setTimeout(resolve, 1500));

		const bytes = new TextEncoder().encode(CANARY);
		const files = readdirSync(relay.dataDir).filter((file) => file.startsWith('rooms.sqlite'));
		expect(files.length).toBeGreaterThan(0);
		for (const file of files) expect(contains(readFileSync(join(relay.dataDir, file)), bytes), file).toBe(false);

		const records = await rawIndexedDb();
		expect(records.length).toBeGreaterThan(5);
		expect(records.some((record) => leaks(record, CANARY, bytes))).toBe(false);
		// The check itself works: the canary is in memory, in plaintext, where it belongs.
		expect(leaks({ text: guide.doc.getText('body').toString() }, CANARY, bytes)).toBe(true);
		await alice.close();
		await bashir.close();
	});
});
