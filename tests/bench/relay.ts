// `npm run bench:relay`: N connections across M rooms against this relay and, in the same run with the same
// clients, the stock @y/websocket-server 0.1.1. Flags: --connections 2000 --rooms 200 --rate 500 --seconds 10
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { randomRoom, randomToken } from '../helpers/clients';
import { updateFrame } from '../helpers/frames';
import { printTable, type BenchRow } from './table';

const { values: flags } = parseArgs({
	options: {
		connections: { type: 'string', default: '2000' },
		rooms: { type: 'string', default: '200' },
		rate: { type: 'string', default: '500' },
		seconds: { type: 'string', default: '10' }
	}
});
const CONNECTIONS = Number(flags.connections);
const ROOMS = Number(flags.rooms);
const RATE = Number(flags.rate);
const SECONDS = Number(flags.seconds);
const CLOCK_TICKS = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

interface Server {
	name: string;
	child: ChildProcess;
	syncUrl: string;
	stop(): Promise<void>;
}

function freePort(): Promise<number> {
	return new Promise((done) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => done(port));
		});
	});
}

async function waitForPort(port: number): Promise<void> {
	for (let i = 0; i < 200; i++) {
		const ok = await fetch(`http://127.0.0.1:${port}/`).then(
			() => true,
			() => false
		);
		if (ok) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`nothing listens on ${port}`);
}

async function startServer(name: 'fieldbook' | 'stock'): Promise<Server> {
	const port = await freePort();
	const dataDir = mkdtempSync(join(tmpdir(), 'fieldbook-bench-'));
	const script = name === 'fieldbook' ? resolve('sync-server/dist/server.js') : resolve('node_modules/@y/websocket-server/src/server.js');
	const child = spawn(process.execPath, [script], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			STATIC_DIR: '',
			LOG_LEVEL: 'warn',
			// One benchmark process opens every room from one address.
			ROOMS_PER_MINUTE_PER_ADDRESS: '1000000',
			MAX_CONNECTIONS_PER_ADDRESS: String(CONNECTIONS + ROOMS + 10)
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
	await waitForPort(port);
	return {
		name,
		child,
		syncUrl: `ws://127.0.0.1:${port}/sync`,
		stop: async () => {
			child.kill('SIGTERM');
			await new Promise((done) => child.once('exit', done));
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

/** CPU seconds and resident memory of a process, from /proc. */
function usage(pid: number): { cpu: number; rss: number } {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	const cpu = (Number(stat[11]) + Number(stat[12])) / CLOCK_TICKS;
	const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
	return { cpu, rss: rssPages * 4096 };
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Result {
	p50: number;
	p99: number;
	sentPerSecond: number;
	deliveredPerSecond: number;
	cpuPercent: number;
	mbPerIdleConnection: number;
	failedConnections: number;
}

async function run(server: Server): Promise<Result> {
	const pid = server.child.pid!;
	await new Promise((r) => setTimeout(r, 500));
	const before = usage(pid);
	const rooms = Array.from({ length: ROOMS }, () => ({ name: randomRoom(), token: randomToken(), sentAt: 0 }));
	const sockets: WebSocket[] = [];
	const latencies: number[] = [];
	let delivered = 0;
	let failed = 0;
	let measuring = false;

	// Open every connection, a few at a time, like phones coming online.
	const open = (roomIndex: number, receiver: boolean) =>
		new Promise<WebSocket | undefined>((done) => {
			const room = rooms[roomIndex]!;
			const socket = new WebSocket(`${server.syncUrl}/${room.name}?token=${room.token}`, { perMessageDeflate: false });
			socket.binaryType = 'nodebuffer';
			socket.once('open', () => done(socket));
			socket.once('error', () => {
				failed++;
				done(undefined);
			});
			if (receiver) {
				socket.on('message', (data: Buffer) => {
					// Sync update messages (0, 2, …) are the fan-out; everything else is handshake.
					if (!measuring || data[0] !== 0 || data[1] !== 2 || room.sentAt === 0) return;
					latencies.push(performance.now() - room.sentAt);
					delivered++;
				});
			}
		});
	const receiversPerRoom = Math.max(1, Math.floor(CONNECTIONS / ROOMS) - 1);
	const writers: (WebSocket | undefined)[] = [];
	for (let start = 0; start < ROOMS; start += 20) {
		const batch: Promise<unknown>[] = [];
		for (let roomIndex = start; roomIndex < Math.min(ROOMS, start + 20); roomIndex++) {
			batch.push(open(roomIndex, false).then((socket) => (writers[roomIndex] = socket)));
			for (let r = 0; r < receiversPerRoom; r++) batch.push(open(roomIndex, true).then((socket) => socket && sockets.push(socket)));
		}
		await Promise.all(batch);
	}
	await new Promise((r) => setTimeout(r, 1000));
	const idle = usage(pid);
	const connections = sockets.length + writers.filter(Boolean).length;
	const mbPerIdleConnection = (idle.rss - before.rss) / 1024 / 1024 / Math.max(1, connections);

	// Writers: RATE small updates per second in total, round robin over the rooms.
	const docs = rooms.map(() => new Y.Doc());
	measuring = true;
	const cpuStart = usage(pid).cpu;
	const started = performance.now();
	let sent = 0;
	const interval = 1000 / RATE;
	while (performance.now() - started < SECONDS * 1000) {
		const roomIndex = sent % ROOMS;
		const writer = writers[roomIndex];
		const doc = docs[roomIndex]!;
		let update: Uint8Array | undefined;
		doc.once('update', (u: Uint8Array) => (update = u));
		doc.getText('t').insert(0, 'x');
		if (writer && update) {
			rooms[roomIndex]!.sentAt = performance.now();
			writer.send(updateFrame(update));
		}
		sent++;
		const next = started + sent * interval;
		const wait = next - performance.now();
		if (wait > 0) await new Promise((r) => setTimeout(r, wait));
	}
	await new Promise((r) => setTimeout(r, 1000));
	measuring = false;
	const elapsed = (performance.now() - started) / 1000;
	const cpuPercent = ((usage(pid).cpu - cpuStart) / elapsed) * 100;
	for (const socket of [...sockets, ...writers]) socket?.terminate();
	latencies.sort((a, b) => a - b);
	return {
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		sentPerSecond: sent / (elapsed - 1),
		deliveredPerSecond: delivered / (elapsed - 1),
		cpuPercent,
		mbPerIdleConnection,
		failedConnections: failed
	};
}

const results: Record<string, Result> = {};
for (const name of ['fieldbook', 'stock'] as const) {
	const server = await startServer(name);
	try {
		results[name] = await run(server);
	} finally {
		await server.stop();
	}
}
const ours = results.fieldbook!;
const stock = results.stock!;
const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);
console.log(`\n${CONNECTIONS} connections across ${ROOMS} rooms, ${RATE} updates/s for ${SECONDS} s (fieldbook stores every update in SQLite; stock keeps memory only)\n`);
const rows: BenchRow[] = [
	{ benchmark: 'fan-out latency p50 (ours / stock)', result: `${ours.p50.toFixed(1)} ms / ${stock.p50.toFixed(1)} ms (${ratio(ours.p50, stock.p50)})` },
	{ benchmark: 'fan-out latency p99 (ours / stock)', result: `${ours.p99.toFixed(1)} ms / ${stock.p99.toFixed(1)} ms (${ratio(ours.p99, stock.p99)})`, target: '≤ 50 ms', ok: ours.p99 <= 50 },
	{ benchmark: 'updates/s sent (ours / stock)', result: `${ours.sentPerSecond.toFixed(0)} / ${stock.sentPerSecond.toFixed(0)}` },
	{
		benchmark: 'deliveries/s (ours / stock)',
		result: `${ours.deliveredPerSecond.toFixed(0)} / ${stock.deliveredPerSecond.toFixed(0)} (${ratio(ours.deliveredPerSecond, stock.deliveredPerSecond)})`,
		target: '≥ stock',
		ok: ours.deliveredPerSecond >= stock.deliveredPerSecond * 0.98
	},
	{ benchmark: 'server CPU while writing (ours / stock)', result: `${ours.cpuPercent.toFixed(0)}% / ${stock.cpuPercent.toFixed(0)}% (${ratio(ours.cpuPercent, stock.cpuPercent)})` },
	{
		benchmark: 'RSS per idle connection (ours / stock)',
		result: `${ours.mbPerIdleConnection.toFixed(3)} MB / ${stock.mbPerIdleConnection.toFixed(3)} MB (${ratio(ours.mbPerIdleConnection, stock.mbPerIdleConnection)})`,
		target: '≤ 0.05 MB',
		ok: ours.mbPerIdleConnection <= 0.05
	},
	{ benchmark: 'failed connections (ours / stock)', result: `${ours.failedConnections} / ${stock.failedConnections}` }
];
printTable(rows);
process.exit(0);
