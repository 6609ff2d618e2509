// Key rotation row of `npm run bench`: a group of 10 members with 50 guides (one of them the B4 trace, the
// automerge-paper history typed in batches), 5,000 messages in 10 discussions; the admin removes a member.
// Measured: the admin's time from the removal to its device on the new epoch, the bytes its sockets sent
// meanwhile, and the time an offline member takes to move over when it reconnects.
import 'fake-indexeddb/auto';
import WebSocket from 'ws';
import { newDevice, setOnline, until, type TestDevice } from '../helpers/devices';
import { startTestRelay } from '../helpers/relay';
import { applyPatches, loadTrace, memoryPersistence } from './vault';
import { kb, type BenchRow } from './table';

const MEMBERS = 10;
const GUIDES = 50;
const MESSAGES = 5_000;
const THREADS = 10;
/** Keystrokes of the trace per sealed batch. */
const KEYSTROKES_PER_BATCH = 500;

/** A ws WebSocket that counts the bytes every socket of its class sends, in `sent.bytes`. */
function sendingCounter(): { WebSocket: typeof WebSocket; sent: { bytes: number } } {
	const sent = { bytes: 0 };
	class Counting extends WebSocket {
		override send(data: Parameters<WebSocket['send']>[0], ...rest: unknown[]): void {
			sent.bytes += (data as { byteLength?: number }).byteLength ?? String(data).length;
			(super.send as (...args: unknown[]) => void)(data, ...rest);
		}
	}
	return { WebSocket: Counting, sent };
}

function epochOf(device: TestDevice, groupId: string): number | undefined {
	return device.workspace.groups().find((record) => record.id === groupId)?.epoch;
}

export async function rotationBench(): Promise<BenchRow[]> {
	const relay = await startTestRelay({ limits: { updatesPerSecond: 10_000, updateBurst: 10_000, maxRoomBytes: 500 * 1024 * 1024 } });
	const counter = sendingCounter();
	const devices: TestDevice[] = [];
	for (let i = 0; i < MEMBERS; i++) {
		devices.push(await newDevice(`Member ${i}`, { ...(i === 0 ? { WebSocket: counter.WebSocket } : {}), persist: memoryPersistence(), batchDelayMs: 20 }));
	}
	const [admin, offline] = devices as [TestDevice, TestDevice];
	const vault = await admin.workspace.createGroup({ name: 'Rotation bench', relayUrl: relay.url });
	const groupId = vault.id;
	const keys = devices.map((device) => device.workspace.identity!.publicKey);
	for (const device of devices.slice(1)) await device.workspace.joinGroup(vault.invite());
	await until(() => keys.every((key) => vault.rosterNow().members.has(key)), 'every member in the roster', 120_000);
	// Only the admin and the member who will be offline through the rotation hold the content; the others
	// are offline from here on (they move over whenever they come back).
	for (const device of devices.slice(2)) await setOnline(device, false);

	const trace = loadTrace('automerge-paper');
	const paper = await vault.create('guide', () => undefined, { title: 'B4' });
	for (let start = 0; start < trace.txns.length; start += KEYSTROKES_PER_BATCH) {
		paper.doc.transact(() => {
			for (const txn of trace.txns.slice(start, start + KEYSTROKES_PER_BATCH)) applyPatches(paper.doc.getText('body'), txn.patches);
		});
		await paper.flush();
	}
	await paper.close();
	for (let i = 1; i < GUIDES; i++) {
		const guide = await vault.create('guide', (doc) => doc.getText('body').insert(0, `Guide ${i}\n${'A paragraph of the guide. '.repeat(40)}`), { title: `Guide ${i}` });
		await guide.close();
	}
	for (let t = 0; t < THREADS; t++) {
		const thread = await vault.create('discussion', () => undefined, { title: `Thread ${t}` });
		const messages = thread.doc.getArray<{ text: string; author: string; at: number }>('messages');
		for (let m = 0; m < MESSAGES / THREADS; m += 50) {
			thread.doc.transact(() => {
				for (let k = 0; k < 50; k++) messages.push([{ text: `Message ${m + k} in thread ${t}: see you at the meeting`, author: keys[0]!, at: Date.now() }]);
			});
			await thread.flush();
		}
		await thread.close();
	}
	const adminVault = await admin.workspace.vault(groupId);
	await until(() => adminVault.status().state === 'savedRelay', 'the group on the relay', 300_000);
	const offlineVault = await offline.workspace.vault(groupId);
	await until(() => offlineVault.docIds().length >= GUIDES + THREADS + 2 && offlineVault.status().state === 'savedRelay', 'the offline member synced', 300_000);
	let live = 0;
	for (const docId of adminVault.docIds()) for (const blob of adminVault.outer.getArray<Uint8Array>(`d/${docId}`).toArray()) live += blob.byteLength;
	await setOnline(offline, false);

	const sentBefore = counter.sent.bytes;
	const started = performance.now();
	await adminVault.writeRoster([{ type: 'remove', member: keys[MEMBERS - 1]! }]);
	await until(() => epochOf(admin, groupId) === 2, 'the admin on the new epoch', 300_000);
	const adminMs = performance.now() - started;
	const uploaded = counter.sent.bytes - sentBefore;

	const back = performance.now();
	await setOnline(offline, true);
	await until(() => epochOf(offline, groupId) === 2, 'the offline member on the new epoch', 300_000);
	const offlineMs = performance.now() - back;

	for (const device of devices) await device.close().catch(() => undefined);
	await relay.close();
	const what = `rotation: ${MEMBERS} members, ${GUIDES} guides (one B4, ${trace.txns.length} keystrokes), ${MESSAGES} messages; sealed live state ${kb(live)}`;
	return [
		{ benchmark: `${what}, admin's time`, result: `${(adminMs / 1000).toFixed(2)} s`, target: '< 5 s', ok: adminMs < 5_000 },
		{ benchmark: `${what}, bytes uploaded by the admin`, result: `${kb(uploaded)} (${(uploaded / live).toFixed(2)}× live)`, target: '< 2× live', ok: uploaded < 2 * live },
		{ benchmark: `${what}, offline member's move on reconnect`, result: `${(offlineMs / 1000).toFixed(2)} s`, target: '< 5 s', ok: offlineMs < 5_000 }
	];
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const { printTable } = await import('./table');
	printTable(await rotationBench());
	process.exit(0);
}
