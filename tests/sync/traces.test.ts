import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, until } from '../helpers/devices';

interface ConcurrentTrace {
	endContent: string;
	numAgents: number;
	txns: { parents: number[]; agent: number; patches: [number, number, string][] }[];
}

let relay: TestRelay;
const CLIENT_ID_BASE = 1000;

beforeAll(async () => {
	relay = await startTestRelay({ limits: { updatesPerSecond: 10_000, updateBurst: 10_000 } });
});

afterAll(async () => {
	await relay?.close();
});

function load(name: string): ConcurrentTrace {
	return JSON.parse(gunzipSync(readFileSync(`tests/fixtures/traces/${name}.json.gz`)).toString()) as ConcurrentTrace;
}

/**
 * Replays a concurrent trace on one replica per agent: before each transaction, the agent's replica gets
 * exactly the transactions its parents name (the state the person saw), then the edit is made there.
 * Every replica is a vault inner document, so each edit is sealed into the vault as it would be in the app.
 */
async function replay(name: string): Promise<void> {
	const trace = load(name);
	const devices = await Promise.all(Array.from({ length: trace.numAgents }, (_, i) => newDevice(`agent ${i}`, { batchDelayMs: 200 })));
	const first = await devices[0]!.workspace.createGroup({ name, relayUrl: relay.url });
	const vaults = [first, ...(await Promise.all(devices.slice(1).map((device) => device.workspace.joinGroup(first.invite()))))];
	// Partitioned while the trace plays: what each replica learns comes from the trace's parents only.
	for (const device of devices) device.online = false;
	for (const device of devices) for (const record of device.workspace.groups()) (await device.workspace.vault(record.id)).disconnect();
	const doc = await first.create('guide', () => undefined, { title: name });
	const replicas = [doc, ...(await Promise.all(vaults.slice(1).map((vault) => vault.open(doc.docId))))];
	// Yjs orders concurrent inserts at one position by client id; the traces were recorded with the agents'
	// edits ordered by agent number, so each replica takes its agent's number as its client id.
	replicas.forEach((replica, agent) => (replica.doc.clientID = CLIENT_ID_BASE + agent));
	const updates: Uint8Array[] = [];
	const applied = replicas.map(() => new Set<number>());

	for (let index = 0; index < trace.txns.length; index++) {
		const txn = trace.txns[index]!;
		const replica = replicas[txn.agent]!;
		// Bring in the missing ancestors, oldest first.
		const missing: number[] = [];
		const stack = [...txn.parents];
		const visited = new Set<number>();
		while (stack.length > 0) {
			const parent = stack.pop()!;
			if (visited.has(parent) || applied[txn.agent]!.has(parent)) continue;
			visited.add(parent);
			missing.push(parent);
			stack.push(...trace.txns[parent]!.parents);
		}
		missing.sort((a, b) => a - b);
		for (const parent of missing) {
			Y.applyUpdate(replica.doc, updates[parent]!);
			applied[txn.agent]!.add(parent);
		}
		const text = replica.doc.getText('body');
		const before = Y.encodeStateVector(replica.doc);
		replica.doc.transact(() => {
			for (const [position, deleteCount, insert] of txn.patches) {
				if (deleteCount > 0) text.delete(position, deleteCount);
				if (insert) text.insert(position, insert);
			}
		});
		updates[index] = Y.encodeStateAsUpdate(replica.doc, before);
		applied[txn.agent]!.add(index);
	}
	// Back online: the sealed blobs meet through the relay.
	for (const device of devices) device.online = true;
	for (const device of devices) for (const record of device.workspace.groups()) (await device.workspace.vault(record.id)).reconnect();
	await until(() => replicas.every((replica) => replica.doc.getText('body').toString() === trace.endContent), `${name} ends in endContent`, 60_000);
	for (const replica of replicas) expect(replica.doc.getText('body').toString()).toBe(trace.endContent);
	for (const device of devices) await device.close();
}

describe('concurrent editing traces through vaults and the relay', () => {
	it('friendsforever ends in its endContent on both replicas', async () => {
		await replay('friendsforever');
	}, 120_000);

	it('clownschool ends in its endContent on both replicas', async () => {
		await replay('clownschool');
	}, 120_000);
});
