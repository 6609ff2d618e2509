// `npm run bench:soak` (and rows of `npm run bench`): a group's year on a real relay process. Five members
// through the app's real sync core (vault, sealing, compaction) in Node with fake-indexeddb: the
// automerge-paper trace typed into one guide, 20 more guides, 5,000 messages in 30 threads, 100 actions with
// RSVPs, two members offline for weeks at a time, and a member joining in the last month.
import 'fake-indexeddb/auto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { initAction, setRsvp } from '../../src/lib/actions/action';
import { initDiscussion, Thread } from '../../src/lib/discussions/thread';
import type { GroupVault, OpenDoc } from '../../src/lib/sync';
import { createSqliteStore } from '../../sync-server/src/store/sqlite';
import { countingWebSocket, newDevice, until, type TestDevice } from '../helpers/devices';
import { spawnRelay } from '../helpers/relay-process';
import { applyPatches, loadTrace, memoryPersistence } from './vault';
import { kb, printTable, type BenchRow } from './table';

const WEEKS = 52;
const GUIDES = 20;
const THREADS = 30;
const MESSAGES = 5_000;
const ACTIONS = 100;
const RSVPS_PER_ACTION = 3;
/** Keystrokes of the trace per sealed batch: a pause every few seconds of typing. */
const KEYSTROKES_PER_BATCH = 25;
/** Members offline for weeks: [member, first week, last week]. */
const OFFLINE: [number, number, number][] = [
	[2, 10, 14],
	[3, 30, 36]
];
/** The member who joins in the last month, and when. */
const LATE_MEMBER = 4;
const LATE_WEEK = 48;
/** The slow link the late member's first sync is priced at. */
const LINK_BYTES_PER_SECOND = 50 * 1000;
const METRICS_TOKEN = 'soak-metrics-token-0123456789';

interface Member {
	device: TestDevice;
	vault: GroupVault;
	docs: Map<string, OpenDoc>;
	online: boolean;
}

async function metric(url: string, name: string): Promise<number> {
	const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
	return Number(new RegExp(`^${name} (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)`, 'm').exec(text)?.[1] ?? NaN);
}

function peakRssBytes(pid: number): number {
	const status = readFileSync(`/proc/${pid}/status`, 'utf8');
	return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
}

function mb(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The year; returns the benchmark rows. */
export async function soakBench(): Promise<BenchRow[]> {
	const started = performance.now();
	const dataDir = mkdtempSync(join(tmpdir(), 'fieldbook-soak-'));
	const relay = await spawnRelay({
		DATA_DIR: dataDir,
		METRICS_TOKEN,
		LOG_LEVEL: 'warn',
		UPDATES_PER_SECOND: '100000',
		UPDATE_BURST: '100000',
		ROOMS_PER_MINUTE_PER_ADDRESS: '1000'
	});
	const trace = loadTrace('automerge-paper');
	// Plain Yjs doing the same edits: each local transaction's update, uploaded once and delivered once to
	// every other member of the group at that time (offline members get it later, still once).
	let plainWire = 0;
	let plainMembers = 1;
	const plainDocs = new Map<string, Y.Doc>();
	const members: Member[] = [];
	try {
		// Each member is its own phone: y-websocket passes updates between providers of one room URL in one
		// process (its BroadcastChannel stand-in), so each member spells the relay's URL differently.
		const phoneUrl = (index: number) => `${relay.url}/phone-${index}/..`;
		const join = (device: TestDevice, index: number) => device.workspace.joinGroup({ ...groupVault.invite(), relayUrl: phoneUrl(index) });
		const first = await newDevice('Member 0', { batchDelayMs: 20, persist: memoryPersistence() });
		const groupVault = await first.workspace.createGroup({ name: 'A year', relayUrl: phoneUrl(0) });
		members.push({ device: first, vault: groupVault, docs: new Map(), online: true });
		for (let index = 1; index < LATE_MEMBER; index++) {
			const device = await newDevice(`Member ${index}`, { batchDelayMs: 20, persist: memoryPersistence() });
			members.push({ device, vault: await join(device, index), docs: new Map(), online: true });
		}
		plainMembers = members.length;

		/** Opens (once) a doc on a member's device. */
		const docOf = async (member: Member, docId: string) => {
			let opened = member.docs.get(docId);
			if (!opened) {
				await until(() => member.vault.indexMap.has(docId) || !member.online, `member sees ${docId}`, 60_000);
				opened = await member.vault.open(docId);
				member.docs.set(docId, opened);
			}
			return opened;
		};
		/** One local edit, sealed at once or left for the next flush; mirrored on a plain Yjs doc. */
		const edit = async (member: Member, docId: string, change: (doc: Y.Doc) => void, flush = true) => {
			const opened = await docOf(member, docId);
			let bytes = 0;
			const count = (update: Uint8Array) => (bytes += update.byteLength);
			opened.doc.on('update', count);
			opened.doc.transact(() => change(opened.doc));
			opened.doc.off('update', count);
			plainWire += bytes * plainMembers;
			if (flush) await opened.flush();
		};
		const create = async (member: Member, type: 'guide' | 'discussion' | 'action', init: (doc: Y.Doc) => void, title: string) => {
			let bytes = 0;
			const opened = await member.vault.create(
				type,
				(doc) => {
					doc.on('update', (update: Uint8Array) => (bytes += update.byteLength));
					init(doc);
				},
				{ title }
			);
			plainWire += bytes * plainMembers;
			await opened.flush();
			member.docs.set(opened.docId, opened);
			plainDocs.set(opened.docId, opened.doc);
			return opened.docId;
		};
		const setOnline = async (member: Member, online: boolean) => {
			member.online = online;
			member.device.online = online;
			const internals = await member.device.workspace.vault(member.vault.id);
			if (online) internals.reconnect();
			else internals.disconnect();
		};
		const author = (member: Member) => ({ publicKey: member.device.workspace.identity!.publicKey, name: member.device.workspace.identity!.name });

		const paperId = await create(members[0]!, 'guide', () => undefined, 'The paper');
		const guides: string[] = [];
		const threads: string[] = [];
		const actions: string[] = [];
		const perWeek = (total: number, week: number) => Math.floor((total * (week + 1)) / WEEKS) - Math.floor((total * week) / WEEKS);
		let keystroke = 0;
		let lateJoin = { ms: 0, bytes: 0, relayOut: 0 };
		let lateLive = 0;
		const room = (await first.workspace.vault(groupVault.id)).room;
		let messages = 0;
		const yearStart = Date.UTC(2026, 0, 1);

		for (let week = 0; week < WEEKS; week++) {
			const now = yearStart + week * 7 * 86_400_000;
			for (const [index, from, to] of OFFLINE) {
				if (week === from) await setOnline(members[index]!, false);
				if (week === to + 1) await setOnline(members[index]!, true);
			}
			if (week === LATE_WEEK) {
				// Everyone else idles while the newcomer's first sync is measured.
				for (const member of members) if (member.online) await until(() => member.vault.status().state === 'savedRelay', 'saved before the join', 120_000);
				const bytesBefore = await metric(relay.url, 'fieldbook_bytes_out_total');
				const joinStarted = performance.now();
				// What the newcomer's sockets receive is its first sync; the relay's bytes out also count what it
				// relays to the others meanwhile (the newcomer's roster entry, presence, their compactions).
				const counting = countingWebSocket();
				const device = await newDevice(`Member ${LATE_MEMBER}`, { batchDelayMs: 20, persist: memoryPersistence(), WebSocket: counting.WebSocket });
				const vault = await join(device, LATE_MEMBER);
				await until(() => vault.status().state === 'savedRelay' && vault.indexMap.has(paperId), 'the late member synced', 300_000);
				lateJoin = {
					ms: performance.now() - joinStarted,
					bytes: counting.received.bytes,
					relayOut: (await metric(relay.url, 'fieldbook_bytes_out_total')) - bytesBefore
				};
				lateLive = Y.encodeStateAsUpdate((await device.workspace.vault(vault.id)).outer).byteLength;
				members.push({ device, vault, docs: new Map(), online: true });
				plainMembers = members.length;
				// Plain Yjs would send the newcomer every document's state.
				for (const doc of plainDocs.values()) plainWire += Y.encodeStateAsUpdate(doc).byteLength;
			}
			const online = members.filter((member) => member.online);
			const pick = (n: number) => online[n % online.length]!;

			// The paper, typed by member 0 a little every week.
			const paper = perWeek(trace.txns.length, week);
			for (let i = 0; i < paper; i += KEYSTROKES_PER_BATCH) {
				const batch = trace.txns.slice(keystroke + i, keystroke + Math.min(paper, i + KEYSTROKES_PER_BATCH));
				await edit(members[0]!, paperId, (doc) => {
					for (const txn of batch) applyPatches(doc.getText('body'), txn.patches);
				});
			}
			keystroke += paper;

			if (week < GUIDES) guides.push(await create(pick(week), 'guide', (doc) => doc.getText('body').insert(0, `Guide ${week}\n${'How we do it. '.repeat(200)}`), `Guide ${week}`));
			else {
				// A monthly touch-up of an older guide: a paragraph replaced.
				const docId = guides[week % GUIDES]!;
				await edit(pick(week), docId, (doc) => {
					const text = doc.getText('body');
					text.delete(Math.min(10, text.length), Math.min(300, Math.max(0, text.length - 10)));
					text.insert(Math.min(10, text.length), `Revised in week ${week}. `.repeat(12));
				});
			}
			if (week < THREADS) threads.push(await create(pick(week + 1), 'discussion', (doc) => initDiscussion(doc, { title: `Thread ${week}` }), `Thread ${week}`));
			for (let i = 0; i < perWeek(MESSAGES, week); i++) {
				const member = pick(i);
				const docId = threads[(messages * 7) % threads.length]!;
				await edit(member, docId, (doc) => void new Thread(doc).send(author(member), `Message ${messages}: see you at the square at ${i % 24}:00`, { time: now + i * 60_000 }));
				messages++;
			}
			for (let i = 0; i < perWeek(ACTIONS, week); i++) {
				const creator = pick(i + week);
				const docId = await create(
					creator,
					'action',
					(doc) =>
						initAction(doc, {
							title: `Action ${actions.length}`,
							description: 'Bring water and banners.',
							starts: '2026-06-01T10:00',
							ends: '',
							timeZone: 'Europe/Stockholm',
							place: 'The square',
							callToAction: 'Come'
						}),
					`Action ${actions.length}`
				);
				actions.push(docId);
				for (let r = 1; r <= RSVPS_PER_ACTION; r++) {
					const member = pick(i + week + r);
					await edit(member, docId, (doc) => setRsvp(doc, author(member), 'going', now));
				}
			}
			// Members online at the end of the week have what was written (and the relay has it).
			for (const member of members) if (member.online) await until(() => member.vault.status().state === 'savedRelay', `week ${week} saved`, 120_000);
			if (week % 4 === 3) process.stderr.write(`soak: week ${week + 1} of ${WEEKS}, ${messages} messages, ${keystroke} keystrokes, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
		}

		// Everyone ends online and synced: equal replicas?
		for (const member of members) if (!member.online) await setOnline(member, true);
		const outers = await Promise.all(members.map(async (member) => (await member.device.workspace.vault(member.vault.id)).outer));
		const sameAsFirst = (doc: Y.Doc) =>
			Buffer.from(Y.encodeStateVector(doc)).equals(Buffer.from(Y.encodeStateVector(outers[0]!))) &&
			Y.equalDeleteSets(Y.createDeleteSetFromStructStore(doc.store), Y.createDeleteSetFromStructStore(outers[0]!.store));
		let equal = true;
		try {
			await until(() => outers.every(sameAsFirst) && members.every((member) => member.vault.status().state === 'savedRelay'), 'replicas equal', 120_000);
		} catch {
			equal = false;
		}
		const late = members[LATE_MEMBER]!;
		const latePaper = await late.vault.open(paperId);
		equal &&= latePaper.doc.getText('body').toString() === trace.endContent;
		await latePaper.close();
		const liveSealed = Y.encodeStateAsUpdate(outers[0]!).byteLength;
		const wire = (await metric(relay.url, 'fieldbook_bytes_in_total')) + (await metric(relay.url, 'fieldbook_bytes_out_total'));
		const clientPeak = process.resourceUsage().maxRSS * 1024;

		// Everyone leaves: the relay frees the room after its last compaction check; then read what it stored.
		for (const member of members.splice(0)) await member.device.close();
		const deadline = Date.now() + 60_000;
		while ((await metric(relay.url, 'fieldbook_rooms_loaded')) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
		const relayPeak = peakRssBytes(relay.child.pid!);
		const store = createSqliteStore(dataDir);
		const stored = (await store.info(room)).bytes;
		await store.close();

		const storedRatio = stored / liveSealed;
		const wireRatio = wire / plainWire;
		const firstSyncRatio = lateJoin.bytes / lateLive;
		const linkSeconds = lateJoin.bytes / LINK_BYTES_PER_SECOND;
		const seconds = (performance.now() - started) / 1000;
		return [
			{
				benchmark: `soak: a year of 5 members (${trace.txns.length} keystrokes, ${GUIDES + 1} guides, ${MESSAGES} messages in ${THREADS} threads, ${ACTIONS} actions), run time`,
				result: `${seconds.toFixed(0)} s`
			},
			{ benchmark: 'soak: relay stored bytes / live sealed state', result: `${kb(stored)} / ${kb(liveSealed)} = ${storedRatio.toFixed(2)}×`, target: '≤ 1.5×', ok: storedRatio <= 1.5 },
			{ benchmark: 'soak: total wire bytes / plain Yjs doing the same edits', result: `${mb(wire)} / ${mb(plainWire)} = ${wireRatio.toFixed(2)}×` },
			{
				benchmark: 'soak: late member first sync bytes / sealed live state',
				result: `${kb(lateJoin.bytes)} / ${kb(lateLive)} = ${firstSyncRatio.toFixed(2)}× (relay sent ${kb(lateJoin.relayOut)} to everyone meanwhile)`,
				target: '≤ 1.5×',
				ok: firstSyncRatio <= 1.5
			},
			{
				benchmark: 'soak: late member first sync on a 50 kB/s link (bytes at 50 kB/s + measured join on loopback)',
				result: `${(linkSeconds + lateJoin.ms / 1000).toFixed(1)} s (${linkSeconds.toFixed(1)} s + ${(lateJoin.ms / 1000).toFixed(1)} s)`
			},
			{ benchmark: 'soak: peak relay memory (RSS)', result: mb(relayPeak) },
			{ benchmark: 'soak: peak client memory (RSS of the process holding all 5 members)', result: mb(clientPeak) },
			{ benchmark: 'soak: all replicas equal at the end', result: equal ? 'yes' : 'no', target: 'yes', ok: equal }
		];
	} finally {
		for (const member of members) await member.device.close().catch(() => undefined);
		relay.child.kill('SIGTERM');
		await relay.exited;
		rmSync(dataDir, { recursive: true, force: true });
	}
}

if (process.argv[1]?.endsWith('soak.ts')) {
	printTable(await soakBench());
	process.exit(0);
}
