import WebSocket from 'ws';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, setOnline, until, type TestDevice } from '../helpers/devices';
import { closeCode, connectClient } from '../helpers/clients';
import { relayCredentials } from '../../src/lib/sync/crypto';
import { open as openBlob } from '../../src/lib/sync/sealed';
import { utf8 } from '../../src/lib/sync/bytes';
import { CLOSE } from '../../sync-server/src/shared/protocol';
import type { GroupVault } from '../../src/lib/sync';

let relay: TestRelay;

beforeAll(async () => {
	relay = await startTestRelay({ limits: { updatesPerSecond: 1000, updateBurst: 1000 } });
});

afterAll(async () => {
	await relay?.close();
});

/** A group of `names.length` devices: the first creates it, the others join by direct invite. */
async function group(names: string[]): Promise<{ devices: TestDevice[]; groupId: string; keys: string[]; key: { keyId: string; key: Uint8Array } }> {
	const devices: TestDevice[] = [];
	for (const name of names) devices.push(await newDevice(name));
	const founder = await devices[0]!.workspace.createGroup({ name: 'Tenants union', relayUrl: relay.url });
	for (const device of devices.slice(1)) await device.workspace.joinGroup(founder.invite());
	const keys = devices.map((device) => device.workspace.identity!.publicKey);
	const { keyId, key } = founder.invite();
	for (const device of devices) {
		const vault = await device.workspace.group(founder.id);
		await until(() => keys.every((key) => vault.rosterNow().members.has(key)), `${device.workspace.identity!.name} sees everyone`);
	}
	return { devices, groupId: founder.id, keys, key: { keyId, key } };
}

async function vaultOf(device: TestDevice, groupId: string): Promise<GroupVault> {
	return device.workspace.group(groupId);
}

function epochOf(device: TestDevice, groupId: string): number | undefined {
	return device.workspace.groups().find((record) => record.id === groupId)?.epoch;
}

function removedOn(device: TestDevice, groupId: string): boolean {
	return device.workspace.groups().find((record) => record.id === groupId)?.removed === true;
}

/** The text of a guide's body on a device, opened through its current vault. */
async function bodyOf(device: TestDevice, groupId: string, docId: string): Promise<string> {
	const vault = await vaultOf(device, groupId);
	const opened = await vault.open(docId);
	try {
		return opened.doc.getText('body').toString();
	} finally {
		await opened.close();
	}
}

async function write(device: TestDevice, groupId: string, docId: string, text: string): Promise<void> {
	const vault = await vaultOf(device, groupId);
	const opened = await vault.open(docId);
	opened.doc.getText('body').insert(opened.doc.getText('body').length, text);
	await opened.flush();
	await opened.close();
}

/** Every byte string stored in this process's fake IndexedDB, in every database and store. */
async function everythingStored(): Promise<Uint8Array[]> {
	const found: Uint8Array[] = [];
	const collect = (value: unknown, depth = 0): void => {
		if (depth > 6 || value === null || value === undefined) return;
		if (value instanceof Uint8Array) found.push(value);
		else if (value instanceof ArrayBuffer) found.push(new Uint8Array(value));
		else if (typeof value === 'string') found.push(utf8(value));
		else if (Array.isArray(value)) for (const item of value) collect(item, depth + 1);
		else if (typeof value === 'object') for (const item of Object.values(value)) collect(item, depth + 1);
	};
	for (const info of await indexedDB.databases()) {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open(info.name!);
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		for (const store of [...db.objectStoreNames]) {
			const rows = await new Promise<unknown[]>((resolve, reject) => {
				const request = db.transaction(store).objectStore(store).getAll();
				request.onsuccess = () => resolve(request.result);
				request.onerror = () => reject(request.error);
			});
			collect(rows);
		}
		db.close();
	}
	return found;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
	outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
		for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
		return true;
	}
	return false;
}

describe('removing a member rotates the group key', () => {
	it('moves A and B to a new epoch; a canary typed after it never reaches C — not in memory, IndexedDB, nor the relay with its old token', async () => {
		const { devices, groupId, keys, key } = await group(['Ada', 'Bo', 'Cyd']);
		const [a, b, c] = devices as [TestDevice, TestDevice, TestDevice];
		const vaultA = await vaultOf(a, groupId);
		const guide = await vaultA.create('guide', (doc) => doc.getText('body').insert(0, 'Before. '), { title: 'Rent strike' });
		const docId = guide.docId;
		await guide.close();
		await until(async () => (await bodyOf(c, groupId, docId)) === 'Before. ', 'C reads the guide');
		const oldKey = await a.workspace.vault(groupId).then((vault) => ({ epoch: vault.epoch, room: vault.room }));

		await vaultA.writeRoster([{ type: 'remove', member: keys[2]! }]);
		await until(() => epochOf(a, groupId) === 2 && epochOf(b, groupId) === 2, 'A and B on epoch 2');
		await until(() => removedOn(c, groupId), 'C told it was removed');
		expect(epochOf(c, groupId)).toBe(1);

		// A and B go on in the new epoch.
		const canary = 'CANARY-7f3e9d';
		await write(a, groupId, docId, canary);
		await until(async () => (await bodyOf(b, groupId, docId)).includes(canary), 'B reads the canary');
		expect(await bodyOf(b, groupId, docId)).toBe(`Before. ${canary}`);
		const rosterB = (await vaultOf(b, groupId)).rosterNow();
		expect(rosterB.members.has(keys[2]!)).toBe(false);
		expect(rosterB.former.get(keys[2]!)?.how).toBe('removed');

		// C keeps what it had, and nothing after.
		expect(await bodyOf(c, groupId, docId)).toBe('Before. ');
		const needle = utf8(canary);
		const stored = await everythingStored();
		// (A and B share this process's IndexedDB, sealed: the canary is in no stored bytes at all.)
		expect(stored.some((bytes) => contains(bytes, needle))).toBe(false);

		// The old room, read with C's old token: frozen, and every blob in it opens (old key) to content without the canary.
		const old = relayCredentials(key.key, groupId, 1);
		expect(old.room).toBe(oldKey.room);
		const client = connectClient(relay.syncUrl, old.room, old.token);
		await client.synced();
		let blobs = 0;
		for (const name of client.doc.share.keys()) {
			if (!name.startsWith('d/')) continue;
			for (const blob of client.doc.getArray<Uint8Array>(name).toArray()) {
				const { plaintext } = openBlob(blob, { groupId, epoch: 1, docId: name.slice(2) }, (id) => (id === key.keyId ? key : undefined));
				const update = Y.convertUpdateFormatV2ToV1(plaintext);
				expect(contains(update, needle)).toBe(false);
				blobs++;
			}
		}
		expect(blobs).toBeGreaterThan(0);
		client.destroy();
		// The new room refuses C's old token.
		const newRoom = (await a.workspace.vault(groupId)).room;
		expect(newRoom).not.toBe(oldKey.room);
		expect(await closeCode(rawSocket(`${relay.syncUrl}/${newRoom}?token=${old.token}`))).toBe(CLOSE.BAD_TOKEN);
		const vaultC = await c.workspace.vault(groupId);
		// C's own copy stays readable and sends nothing.
		expect(vaultC.status().state).not.toBe('savedRelay');
		for (const device of devices) await device.close();
	});

	it('B, offline through the rotation with unsynced edits in two documents, moves them into the new epoch on reconnect', async () => {
		const { devices, groupId, keys } = await group(['Ada', 'Bo', 'Cyd']);
		const [a, b, c] = devices as [TestDevice, TestDevice, TestDevice];
		const vaultA = await vaultOf(a, groupId);
		const ids: string[] = [];
		for (const title of ['Leaflet', 'Meeting plan']) {
			const created = await vaultA.create('guide', (doc) => doc.getText('body').insert(0, `${title}: `), { title });
			ids.push(created.docId);
			await created.close();
		}
		for (const docId of ids) await until(async () => (await bodyOf(b, groupId, docId)).length > 0, 'B has both guides');

		await setOnline(b, false);
		await write(b, groupId, ids[0]!, 'typed offline one');
		await write(b, groupId, ids[1]!, 'typed offline two');
		await vaultA.writeRoster([{ type: 'remove', member: keys[2]! }]);
		await until(() => epochOf(a, groupId) === 2, 'A on epoch 2');
		await until(() => removedOn(c, groupId), 'C removed');
		expect(epochOf(b, groupId)).toBe(1);
		await write(a, groupId, ids[0]!, ' and A after');

		await setOnline(b, true);
		await until(() => epochOf(b, groupId) === 2, 'B moved to epoch 2');
		await until(async () => (await bodyOf(a, groupId, ids[0]!)).includes('typed offline one'), 'the first edit on A');
		await until(async () => (await bodyOf(a, groupId, ids[1]!)).includes('typed offline two'), 'the second edit on A');
		expect(await bodyOf(a, groupId, ids[0]!)).toContain(' and A after');
		await until(async () => (await bodyOf(b, groupId, ids[0]!)).includes(' and A after'), 'B reads what A wrote meanwhile');
		for (const device of devices) await device.close();
	});

	it('two admins removing two members at once end in one epoch with both removals and every edit', async () => {
		const { devices, groupId, keys } = await group(['Ada', 'Bo', 'Cyd', 'Dee']);
		const [a, b, c, d] = devices as [TestDevice, TestDevice, TestDevice, TestDevice];
		const vaultA = await vaultOf(a, groupId);
		await vaultA.writeRoster([{ type: 'promote', member: keys[1]! }]);
		const vaultB = await vaultOf(b, groupId);
		await until(() => vaultB.rosterNow().members.get(keys[1]!)?.role === 'admin', 'B is an admin');
		const guide = await vaultA.create('guide', (doc) => doc.getText('body').insert(0, 'Start.'), { title: 'Plan' });
		const docId = guide.docId;
		await guide.close();
		await until(async () => (await bodyOf(b, groupId, docId)) === 'Start.', 'B has the guide');
		await write(a, groupId, docId, ' A-edit.');
		await write(b, groupId, docId, ' B-edit.');

		await Promise.all([vaultA.writeRoster([{ type: 'remove', member: keys[2]! }]), vaultB.writeRoster([{ type: 'remove', member: keys[3]! }])]);
		await until(() => removedOn(c, groupId) && removedOn(d, groupId), 'C and D both out', 40_000);
		await until(() => {
			const epochA = epochOf(a, groupId);
			return epochA !== undefined && epochA >= 2 && epochA === epochOf(b, groupId);
		}, 'A and B in the same epoch', 40_000);
		const rosterA = (await vaultOf(a, groupId)).rosterNow();
		expect(rosterA.members.has(keys[2]!)).toBe(false);
		expect(rosterA.members.has(keys[3]!)).toBe(false);
		for (const device of [a, b]) {
			await until(async () => {
				const body = await bodyOf(device, groupId, docId);
				return body.includes('A-edit.') && body.includes('B-edit.');
			}, 'both edits on both admins');
		}
		// The last epoch's key went to A and B only.
		const holders = (await vaultOf(a, groupId)).meta.getMap('epoch').get('holders') as string[];
		expect([...holders].sort()).toEqual([keys[0]!, keys[1]!].sort());
		for (const device of devices) await device.close();
	});
});

function rawSocket(url: string): WebSocket {
	const socket = new WebSocket(url);
	socket.on('error', () => undefined);
	return socket;
}

