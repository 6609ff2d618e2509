// Sync-core rows of `npm run bench`: the vault against plain Yjs, measured side by side in one run.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { newDevice, until } from '../helpers/devices';
import { fetchMetrics, startTestRelay } from '../helpers/relay';
import { newDeviceKeys, newGroupId, newGroupKey, signatures } from '../../src/lib/sync/crypto';
import { Sealer } from '../../src/lib/sync/sealer';
import { kb, type BenchRow } from './table';

/** Simulated typing speed: one trace transaction (keystroke) every 200 ms, a quick thumb on a phone. */
const KEYSTROKE_MS = 200;
/** The vault's batching window on the simulated clock. */
const BATCH_MS = 500;

export interface SequentialTrace {
	startContent: string;
	endContent: string;
	txns: { patches: [number, number, string][] }[];
}

export function loadTrace(name: string): SequentialTrace {
	return JSON.parse(gunzipSync(readFileSync(`tests/fixtures/traces/${name}.json.gz`)).toString()) as SequentialTrace;
}

export function applyPatches(text: Y.Text, patches: [number, number, string][]): void {
	for (const [position, deleteCount, insert] of patches) {
		if (deleteCount > 0) text.delete(position, deleteCount);
		if (insert) text.insert(position, insert);
	}
}

/** Vault state kept in memory between "sessions", so the benchmark measures the sync core, not fake-indexeddb. */
export function memoryPersistence() {
	const saved = new Map<string, Uint8Array>();
	return async (room: string, doc: Y.Doc) => {
		const state = saved.get(room);
		if (state) Y.applyUpdate(doc, state);
		return {
			destroy: () => void saved.set(room, Y.encodeStateAsUpdate(doc)),
			clearData: async () => void saved.delete(room)
		};
	};
}

/** Batches of the sealing comparison: enough for a stable median, short enough to run twice. */
const SEAL_BATCHES = 2_000;

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Sealing cost per batch, the old path (noble Ed25519, synchronous) and the new one (WebCrypto Ed25519)
 * side by side on the same batches: the trace's first keystrokes merged per 0.5 s of simulated typing.
 */
export async function sealingCost(trace: SequentialTrace): Promise<{ noble: number; webcrypto: number; name: string }> {
	const doc = new Y.Doc();
	const batches: Uint8Array[] = [];
	let batch: Uint8Array[] = [];
	// What the vault seals: the v2 encoding (FORMAT.md, version 2).
	doc.on('updateV2', (update: Uint8Array) => batch.push(update));
	const text = doc.getText('body');
	const perBatch = Math.ceil(BATCH_MS / KEYSTROKE_MS);
	for (const [index, txn] of trace.txns.entries()) {
		if (batches.length === SEAL_BATCHES) break;
		doc.transact(() => applyPatches(text, txn.patches));
		if (index % perBatch === perBatch - 1) {
			batches.push(Y.mergeUpdatesV2(batch));
			batch = [];
		}
	}
	const groupId = newGroupId();
	const options = { groupId, epoch: 1, currentKey: newGroupKey(groupId, 1), device: newDeviceKeys() };
	const platform = await signatures();
	const sealer = new Sealer({ ...options, keys: () => undefined, signatures: platform });
	const noble: number[] = [];
	const webcrypto: number[] = [];
	// Interleaved, so both paths see the same machine load.
	for (const update of batches) {
		let started = performance.now();
		sealer.sealNow('guide', Y.mergeUpdatesV2([update]));
		noble.push(performance.now() - started);
		started = performance.now();
		await sealer.seal('guide', Y.mergeUpdatesV2([update]));
		webcrypto.push(performance.now() - started);
	}
	return { noble: median(noble), webcrypto: median(webcrypto), name: platform.name };
}

/** The bytes of the y-websocket message that carries an update: what the stock provider sends for it. */
export function wireMessageBytes(update: Uint8Array): number {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0); // messageSync
	syncProtocol.writeUpdate(encoder, update);
	return encoding.length(encoder);
}

/**
 * Plain Yjs: every transaction's update is what a stock y-websocket client sends at once, one sync message
 * each; counted with that message's framing, as the vault's bytes are counted as the relay received them.
 */
function plainYjs(trace: SequentialTrace): { ms: number; wireBytes: number; updateBytes: number; finalBytes: number } {
	const doc = new Y.Doc();
	let wireBytes = 0;
	let updateBytes = 0;
	doc.on('update', (update: Uint8Array) => {
		updateBytes += update.byteLength;
		wireBytes += wireMessageBytes(update);
	});
	const text = doc.getText('body');
	const started = performance.now();
	for (const txn of trace.txns) doc.transact(() => applyPatches(text, txn.patches));
	const ms = performance.now() - started;
	if (text.toString() !== trace.endContent) throw new Error('plain replay diverged');
	return { ms, wireBytes, updateBytes, finalBytes: Y.encodeStateAsUpdate(doc).byteLength };
}

/** Bytes the relay stores for a room, read from its SQLite database. */
function relayStoredBytes(dataDir: string, room: string): number {
	const db = new Database(join(dataDir, 'rooms.sqlite'), { readonly: true, fileMustExist: true });
	try {
		const row = db.prepare('SELECT COALESCE(SUM(LENGTH(data)), 0) AS bytes FROM updates WHERE room = ?').get(room) as { bytes: number };
		return row.bytes;
	} finally {
		db.close();
	}
}

/**
 * The same trace through a vault connected to the relay all along: sealed every 0.5 s of simulated time,
 * compacted whenever the compaction planner says so (the vault's jittered timer, run at once on the
 * simulated clock), every blob and compaction leaving for the relay as it happens. Wire bytes are what the
 * relay received meanwhile (its bytes-in counter: every message, presence and acknowledgement requests too).
 */
export async function throughVault(trace: SequentialTrace, relay: { url: string; dataDir: string }) {
	const relayUrl = relay.url;
	const persist = memoryPersistence();
	const device = await newDevice('Bench', { batchDelayMs: 60 * 60 * 1000, persist });
	const vault = await device.workspace.createGroup({ name: 'bench', relayUrl });
	const internals = await device.workspace.vault(vault.id);
	const opened = await vault.create('guide', () => undefined, { title: 'paper' });
	await opened.flush();
	internals.flushAll();
	await until(() => vault.status().state === 'savedRelay' && vault.status().pending === 0, 'the new group on the relay', 60_000);
	const relayBytesBefore = await relayBytesIn(relayUrl);
	let batchBytes = 0;
	let compactionBytes = 0;
	let compacting = false;
	internals.outer.on('update', (update: Uint8Array) => {
		if (compacting) compactionBytes += wireMessageBytes(update);
		else batchBytes += wireMessageBytes(update);
	});
	const text = opened.doc.getText('body');
	let clock = 0;
	let batchStarted = -1;
	let blobs = 0;
	const started = performance.now();
	for (const [index, txn] of trace.txns.entries()) {
		if (index % 50_000 === 0) process.stderr.write(`vault replay: ${index} of ${trace.txns.length} keystrokes\n`);
		opened.doc.transact(() => applyPatches(text, txn.patches));
		if (batchStarted < 0) batchStarted = clock;
		clock += KEYSTROKE_MS;
		if (clock - batchStarted >= BATCH_MS) {
			await opened.flush();
			blobs++;
			batchStarted = -1;
			// The vault's compaction timer, on the simulated clock: compacts only when the planner says so.
			compacting = true;
			await internals.compact(opened.docId);
			compacting = false;
		}
	}
	await opened.flush();
	internals.flushAll();
	if (text.toString() !== trace.endContent) throw new Error('vault replay diverged');
	await until(() => vault.status().state === 'savedRelay' && vault.status().pending === 0, 'the trace on the relay', 300_000);
	const ms = performance.now() - started;
	const wireBytes = (await relayBytesIn(relayUrl)) - relayBytesBefore;
	const liveBytes = Y.encodeStateAsUpdate(internals.outer).byteLength;
	const groupId = vault.id;
	const docId = opened.docId;
	const room = internals.room;
	const namespace = device.namespace;
	await device.close();
	// The relay's stored bytes once it is done with the room: nobody connected, the room left memory (the
	// relay compacts a room that leaves memory when its rows hold markedly more than the live state).
	await until(async () => /^fieldbook_rooms_loaded 0$/m.test(await fetchMetrics(relayUrl)), 'the relay to release the room', 60_000);
	const relayBytes = relayStoredBytes(relay.dataDir, room);

	// Reopen the device (catalogue from IndexedDB, vault from the saved state) offline, compact the document
	// fully (the size row), and time opening the compacted document.
	const again = await newDevice('Bench', { namespace, persist });
	const reopened = await again.workspace.group(groupId);
	const reopenedVault = await again.workspace.vault(groupId);
	reopenedVault.disconnect();
	const full = await reopened.open(docId);
	await reopenedVault.compact(docId, true);
	await full.close();
	const vaultBytes = Y.encodeStateAsUpdate(reopenedVault.outer).byteLength;
	// Median of several opens: each one decrypts, verifies and applies the snapshot again.
	const opens: number[] = [];
	for (let run = 0; run < 5; run++) {
		const openStart = performance.now();
		const doc = await reopened.open(docId);
		opens.push(performance.now() - openStart);
		if (doc.doc.getText('body').toString() !== trace.endContent) throw new Error('reopened document differs');
		await doc.close();
	}
	const openMs = [...opens].sort((a, b) => a - b)[Math.floor(opens.length / 2)]!;
	await again.close();
	return { ms, wireBytes, batchBytes, compactionBytes, vaultBytes, liveBytes, relayBytes, openMs, blobs };
}

/** 1,000 edits across 20 documents made offline, then a reconnect: time until the relay has all, and bytes sent. */
async function offlineReconnect(relay: Awaited<ReturnType<typeof startTestRelay>>) {
	const device = await newDevice('Offline', { batchDelayMs: 20 });
	const vault = await device.workspace.createGroup({ name: 'offline', relayUrl: relay.url });
	const docs = [];
	for (let i = 0; i < 20; i++) docs.push(await vault.create('guide', (doc) => doc.getText('body').insert(0, `Guide ${i}\n`), { title: `Guide ${i}` }));
	await until(() => vault.status().state === 'savedRelay', 'initial save', 30_000);
	const internals = await device.workspace.vault(vault.id);
	device.online = false;
	internals.disconnect();
	for (let edit = 0; edit < 1000; edit++) {
		const doc = docs[edit % docs.length]!;
		doc.doc.getText('body').insert(doc.doc.getText('body').length, `edit ${edit}; `);
		if (edit % 10 === 9) await doc.flush();
	}
	for (const doc of docs) await doc.flush();
	const bytesBefore = await relayBytesIn(relay.url);
	const started = performance.now();
	device.online = true;
	internals.reconnect();
	await until(() => vault.status().state === 'savedRelay' && vault.status().pending === 0, 'reconnect sync', 60_000);
	const ms = performance.now() - started;
	const bytes = (await relayBytesIn(relay.url)) - bytesBefore;
	await device.close();
	return { ms, bytes };
}

async function relayBytesIn(url: string): Promise<number> {
	const metrics = await fetchMetrics(url);
	return Number(/^fieldbook_bytes_in_total (\d+)/m.exec(metrics)?.[1] ?? 0);
}

/** The benchmark rows of the sync core. */
export async function vaultBench(): Promise<BenchRow[]> {
	const relay = await startTestRelay({ limits: { updatesPerSecond: 100_000, updateBurst: 100_000 } });
	try {
		const trace = loadTrace('automerge-paper');
		const plain = plainYjs(trace);
		const vault = await throughVault(trace, relay);
		const sealing = await sealingCost(trace);
		const offline = await offlineReconnect(relay);
		const timeRatio = vault.ms / plain.ms;
		const wireRatio = vault.wireBytes / plain.wireBytes;
		const sizeRatio = vault.vaultBytes / plain.finalBytes;
		return [
			{
				benchmark: `automerge-paper typed: plain Yjs (${trace.txns.length} keystrokes, one y-websocket message each)`,
				result: `${plain.ms.toFixed(0)} ms, ${kb(plain.wireBytes)} sent (updates ${kb(plain.updateBytes)}), doc ${kb(plain.finalBytes)}`
			},
			{
				benchmark: `automerge-paper typed: vault connected to the relay (${vault.blobs} sealed batches of ${BATCH_MS} ms)`,
				result: `${vault.ms.toFixed(0)} ms, ${kb(vault.wireBytes)} received by the relay (batches ${kb(vault.batchBytes)}, compaction ${kb(vault.compactionBytes)})`
			},
			{
				benchmark: `sealing cost per batch, median of ${SEAL_BATCHES.toLocaleString('en')} batches: before (noble Ed25519) | now (${sealing.name} Ed25519)`,
				result: `${sealing.noble.toFixed(3)} ms | ${sealing.webcrypto.toFixed(3)} ms`,
				target: '≤ 0.2 ms',
				ok: sealing.webcrypto <= 0.2
			},
			{ benchmark: 'vault / plain Yjs: time', result: `${timeRatio.toFixed(2)}×`, target: '≤ 1.30×', ok: timeRatio <= 1.3 },
			{
				benchmark: 'vault / plain Yjs: bytes on the wire',
				result: `${wireRatio.toFixed(2)}× (batches ${(vault.batchBytes / plain.wireBytes).toFixed(2)}×, compaction ${(vault.compactionBytes / plain.wireBytes).toFixed(2)}×)`,
				target: '≤ 3.00×',
				ok: wireRatio <= 3
			},
			{
				benchmark: 'relay stored bytes at the end / sealed live state',
				result: `${kb(vault.relayBytes)} / ${kb(vault.liveBytes)} (${(vault.relayBytes / vault.liveBytes).toFixed(2)}×)`,
				target: '≤ 1.30×',
				ok: vault.relayBytes <= 1.3 * vault.liveBytes
			},
			{ benchmark: 'vault after a full compaction / plain Yjs doc', result: `${kb(vault.vaultBytes)} (${sizeRatio.toFixed(2)}×)`, target: '≤ 1.20×', ok: sizeRatio <= 1.2 },
			{ benchmark: 'open the compacted document (median of 5 opens)', result: `${vault.openMs.toFixed(1)} ms`, target: '≤ 60 ms', ok: vault.openMs <= 60 },
			{ benchmark: '1,000 offline edits in 20 docs: reconnect sync', result: `${offline.ms.toFixed(0)} ms, ${kb(offline.bytes)}`, target: '≤ 2 s', ok: offline.ms <= 2000 }
		];
	} finally {
		await relay.close();
	}
}
