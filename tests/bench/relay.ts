// `npm run bench:relay`: N connections across M rooms against this relay and, in the same run with the same
// clients, the stock @y/websocket-server 0.1.1. Flags: --connections 2000 --rooms 200 --rate 500 --seconds 10
// `npm run bench:relay -- --cluster`: the same load against one SQLite process, one PostgreSQL process and two
// PostgreSQL+Redis processes side by side, with CPU counted over every process involved, then each setup's
// saturation point (the highest rate with p99 ≤ 50 ms).
// Side by side means interleaved: every setup is started once and warmed up (--warmup seconds of the same
// load, so no setup is measured while its JIT is still compiling), then --rounds rounds each measure every
// setup in turn, and the table gives each figure's median over the rounds. A shared machine's noise then
// falls on every setup alike instead of on whichever ran during it. --skip-saturation leaves out the search;
// --profile <dir> has every relay process write a CPU profile there.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
		seconds: { type: 'string', default: '10' },
		warmup: { type: 'string', default: '3' },
		rounds: { type: 'string', default: '3' },
		cluster: { type: 'boolean', default: false },
		/** A directory: every relay process writes a V8 CPU profile there when it stops (`--cpu-prof`). */
		profile: { type: 'string' },
		'skip-saturation': { type: 'boolean', default: false }
	}
});
const CONNECTIONS = Number(flags.connections);
const ROOMS = Number(flags.rooms);
const RATE = Number(flags.rate);
const SECONDS = Number(flags.seconds);
const WARMUP_SECONDS = Number(flags.warmup);
const ROUNDS = Math.max(1, Number(flags.rounds));
const CLOCK_TICKS = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

interface Server {
	name: string;
	/** Every relay process of the setup. */
	children: ChildProcess[];
	/** One sync URL per process; connections are spread over them. */
	syncUrls: string[];
	/** Processes besides the relays whose CPU counts too (PostgreSQL, Redis). */
	otherPids(): Promise<number[]>;
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

async function startProcess(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; syncUrl: string; dataDir: string }> {
	const port = await freePort();
	const dataDir = mkdtempSync(join(tmpdir(), 'fieldbook-bench-'));
	const child = spawn(process.execPath, [...(flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(flags.profile)}`] : []), script], {
		env: {
			...process.env,
			...env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			STATIC_DIR: '',
			LOG_LEVEL: 'warn',
			// One benchmark process opens every room from one address.
			ROOMS_PER_MINUTE_PER_ADDRESS: '1000000',
			// Per-day limits too: with REDIS_URL they count in the shared Redis across every run of the day.
			ROOMS_PER_DAY_PER_ADDRESS: '1000000000',
			BYTES_PER_DAY_PER_ADDRESS: String(2 ** 50),
			MAX_CONNECTIONS_PER_ADDRESS: String(CONNECTIONS + ROOMS + 10),
			// Handshakes in flight count as HTTP connections of the one benchmark address until they upgrade.
			MAX_HTTP_CONNECTIONS_PER_ADDRESS: String(CONNECTIONS + ROOMS + 10)
		},
		stdio: ['ignore', 'ignore', 'inherit']
	});
	await waitForPort(port);
	return { child, syncUrl: `ws://127.0.0.1:${port}/sync`, dataDir };
}

/** Pids of every process whose command is `name` (PostgreSQL's backends, redis-server). */
function pidsNamed(name: string): number[] {
	const pids: number[] = [];
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
		} catch {
			// The process ended while we looked.
		}
	}
	return pids;
}

/** A process's command name (`postgres`, `redis-server`), or '' once it ended. */
function commandName(pid: number): string {
	try {
		return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
	} catch {
		return '';
	}
}

/** A process's command line as `ps` shows it (PostgreSQL names its helper processes there). */
function commandLine(pid: number): string {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
	} catch {
		return '';
	}
}

/** A setup of `count` processes of `script` (each with `env`); `done` runs after they stopped. */
async function startSetup(
	name: string,
	script: string,
	count: number,
	env: Record<string, string>,
	options: { otherPids?: () => Promise<number[]>; done?: () => Promise<void> } = {}
): Promise<Server> {
	const processes = await Promise.all(Array.from({ length: count }, () => startProcess(script, env)));
	return {
		name,
		children: processes.map((p) => p.child),
		syncUrls: processes.map((p) => p.syncUrl),
		otherPids: options.otherPids ?? (async () => []),
		stop: async () => {
			await Promise.all(
				processes.map(async ({ child, dataDir }) => {
					child.kill('SIGTERM');
					await new Promise((done) => child.once('exit', done));
					rmSync(dataDir, { recursive: true, force: true });
				})
			);
			await options.done?.();
		}
	};
}

const RELAY = resolve('sync-server/dist/server.js');
const STOCK = resolve('node_modules/@y/websocket-server/src/server.js');

async function startServer(name: 'fieldbook' | 'stock'): Promise<Server> {
	return startSetup(name, name === 'fieldbook' ? RELAY : STOCK, 1, {});
}

/** CPU seconds and resident memory of a process, from /proc (nothing for a process that ended). */
function usage(pid: number): { cpu: number; rss: number } {
	let text: string;
	try {
		text = readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return { cpu: 0, rss: 0 };
	}
	const stat = text.split(') ')[1]!.split(' ');
	const cpu = (Number(stat[11]) + Number(stat[12])) / CLOCK_TICKS;
	const rssPages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
	return { cpu, rss: rssPages * 4096 };
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** CPU seconds so far of every process of a setup (relays and, for PostgreSQL and Redis setups, those services). */
async function setupCpu(server: Server): Promise<Map<number, number>> {
	const pids = [...server.children.map((child) => child.pid!), ...(await server.otherPids())];
	return new Map(pids.map((pid) => [pid, usage(pid).cpu]));
}

/**
 * CPU seconds spent between two readings of `setupCpu`: a process that appeared meanwhile counts whole, one
 * that ended meanwhile cannot be read any more (counted in `ended`, so the table can say the figure is low).
 */
function cpuBetween(start: Map<number, number>, end: Map<number, number>): { cpu: number; ended: number; byPid: Map<number, number> } {
	let cpu = 0;
	let ended = 0;
	const byPid = new Map<number, number>();
	for (const [pid, seconds] of end) {
		byPid.set(pid, seconds - (start.get(pid) ?? 0));
		cpu += seconds - (start.get(pid) ?? 0);
	}
	for (const pid of start.keys()) if (!end.has(pid)) ended++;
	return { cpu, ended, byPid };
}

interface Result {
	p50: number;
	p99: number;
	sentPerSecond: number;
	deliveredPerSecond: number;
	cpuPercent: number;
	/** CPU seconds of every process involved per 1,000 delivered updates. */
	cpuPer1000: number;
	mbPerIdleConnection: number;
	failedConnections: number;
	/** Processes that ended during the measurement (their CPU is missing from `cpuPer1000`). */
	endedProcesses: number;
	/** `cpuPer1000` by process: each relay, PostgreSQL (its backends and writers), Redis, and the load generator (not in `cpuPer1000`). */
	cpuPer1000By: { relays: number[]; postgres: number; redis: number; load: number };
}

async function run(server: Server, rate = RATE, seconds = SECONDS): Promise<Result> {
	const pid = server.children[0]!.pid!;
	await new Promise((r) => setTimeout(r, 500));
	const before = usage(pid);
	let opened = 0;
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
			// Spread over the setup's processes: a room's writer and receivers meet on different processes.
			const syncUrl = server.syncUrls[opened++ % server.syncUrls.length]!;
			const socket = new WebSocket(`${syncUrl}/${room.name}?token=${room.token}`, { perMessageDeflate: false });
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
	const allCpuStart = await setupCpu(server);
	const loadCpuStart = process.cpuUsage();
	const started = performance.now();
	let sent = 0;
	const interval = 1000 / rate;
	while (performance.now() - started < seconds * 1000) {
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
	const sendSeconds = (performance.now() - started) / 1000;
	// Wait for the deliveries still on their way (a busy machine delays them): until none arrived for a second.
	for (let last = -1; last !== delivered && performance.now() - started < (seconds + 15) * 1000; ) {
		last = delivered;
		await new Promise((r) => setTimeout(r, 1000));
	}
	measuring = false;
	const elapsed = (performance.now() - started) / 1000;
	const cpuPercent = ((usage(pid).cpu - cpuStart) / elapsed) * 100;
	const allCpuEnd = await setupCpu(server);
	const loadCpu = process.cpuUsage(loadCpuStart);
	const { cpu: allCpu, ended, byPid } = cpuBetween(allCpuStart, allCpuEnd);
	const per1000 = (seconds: number) => (seconds / Math.max(1, delivered)) * 1000;
	const relayPids = new Set(server.children.map((child) => child.pid!));
	const serviceCpu = (name: string) => [...byPid].filter(([pid]) => !relayPids.has(pid) && commandName(pid) === name).reduce((sum, [, cpu]) => sum + cpu, 0);
	for (const socket of [...sockets, ...writers]) socket?.terminate();
	latencies.sort((a, b) => a - b);
	return {
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		sentPerSecond: sent / sendSeconds,
		deliveredPerSecond: delivered / sendSeconds,
		cpuPercent,
		cpuPer1000: (allCpu / Math.max(1, delivered)) * 1000,
		mbPerIdleConnection,
		failedConnections: failed,
		endedProcesses: ended,
		cpuPer1000By: {
			relays: server.children.map((child) => per1000(byPid.get(child.pid!) ?? 0)),
			postgres: per1000(serviceCpu('postgres')),
			redis: per1000(serviceCpu('redis-server')),
			load: per1000((loadCpu.user + loadCpu.system) / 1e6)
		}
	};
}

/** The median of some numbers (the middle one, or the mean of the middle two). */
function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Each figure of `results` as its median over the rounds (failures and ended processes summed). */
function medianResult(results: Result[]): Result {
	const of = (pick: (r: Result) => number) => median(results.map(pick));
	return {
		p50: of((r) => r.p50),
		p99: of((r) => r.p99),
		sentPerSecond: of((r) => r.sentPerSecond),
		deliveredPerSecond: of((r) => r.deliveredPerSecond),
		cpuPercent: of((r) => r.cpuPercent),
		cpuPer1000: of((r) => r.cpuPer1000),
		mbPerIdleConnection: of((r) => r.mbPerIdleConnection),
		failedConnections: results.reduce((sum, r) => sum + r.failedConnections, 0),
		endedProcesses: results.reduce((sum, r) => sum + r.endedProcesses, 0),
		cpuPer1000By: {
			relays: results[0]!.cpuPer1000By.relays.map((_, i) => of((r) => r.cpuPer1000By.relays[i] ?? 0)),
			postgres: of((r) => r.cpuPer1000By.postgres),
			redis: of((r) => r.cpuPer1000By.redis),
			load: of((r) => r.cpuPer1000By.load)
		}
	};
}

/**
 * Starts every setup, warms each up with the same load, then measures them in turn for ROUNDS rounds and
 * gives each setup's medians; `after` runs on each setup (still started) once the rounds are done.
 */
async function interleaved(setups: { name: string; start(): Promise<Server> }[], after?: (server: Server, index: number) => Promise<void>): Promise<Result[]> {
	const servers: Server[] = [];
	try {
		for (const setup of setups) servers.push(await setup.start());
		// Memory per idle connection is read on a fresh process (its first run): a warmed one reuses what it freed.
		const fresh: Result[] = [];
		if (WARMUP_SECONDS > 0) for (const server of servers) fresh.push(await run(server, RATE, WARMUP_SECONDS));
		const rounds: Result[][] = servers.map(() => []);
		for (let round = 0; round < ROUNDS; round++) {
			for (const [index, server] of servers.entries()) {
				const result = await run(server);
				rounds[index]!.push(result);
				console.error(`round ${round + 1}/${ROUNDS} ${server.name}: p99 ${result.p99.toFixed(1)} ms, ${result.cpuPer1000.toFixed(3)} CPU s per 1,000`);
			}
		}
		if (after) for (const [index, server] of servers.entries()) await after(server, index);
		return rounds.map((results, index) => ({ ...medianResult(results), mbPerIdleConnection: (fresh[index] ?? results[0]!).mbPerIdleConnection }));
	} finally {
		for (const server of servers) await server.stop();
	}
}

if (flags.cluster) {
	await runCluster();
	process.exit(0);
}

const [ours, stock] = (await interleaved([
	{ name: 'fieldbook', start: () => startServer('fieldbook') },
	{ name: 'stock', start: () => startServer('stock') }
])) as [Result, Result];
const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);
console.log(
	`\n${CONNECTIONS} connections across ${ROOMS} rooms, ${RATE} updates/s for ${SECONDS} s (fieldbook stores every update in SQLite; stock keeps memory only);` +
		` medians of ${ROUNDS} interleaved rounds after ${WARMUP_SECONDS} s of warm-up each\n`
);
const rows: BenchRow[] = [
	{ benchmark: 'fan-out latency p50 (ours / stock)', result: `${ours.p50.toFixed(1)} ms / ${stock.p50.toFixed(1)} ms (${ratio(ours.p50, stock.p50)})` },
	{ benchmark: 'fan-out latency p99 (ours / stock)', result: `${ours.p99.toFixed(1)} ms / ${stock.p99.toFixed(1)} ms`, target: '≤ 50 ms', ok: ours.p99 <= 50 },
	{ benchmark: 'fan-out p99, ours vs stock (persisting before broadcast)', result: ratio(ours.p99, stock.p99), target: '≤ 1.0×', ok: ours.p99 <= stock.p99 },
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

/** The cluster comparison: one SQLite process, one PostgreSQL process, two PostgreSQL+Redis processes. */
async function runCluster(): Promise<void> {
	/** Rates tried for the saturation point, up from the standard load. */
	const SATURATION_RATES = [500, 1000, 1500, 2000, 3000, 4000];
	/** Seconds per saturation step (shorter than the main run; each step opens every connection again). */
	const SATURATION_SECONDS = 5;
	const { findPostgres, createTestDatabase } = await import('../helpers/postgres');
	const { findRedis } = await import('../helpers/redis');
	const pg = (await import('pg')).default;
	/** The PostgreSQL backends serving this database (not other users of the server), and Redis when used. */
	const servicePids = (databaseUrl: string, withRedis: boolean) => async () => {
		const client = new pg.Client({ connectionString: databaseUrl });
		await client.connect();
		try {
			const name = new URL(databaseUrl).pathname.slice(1);
			const backends = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
			// Every commit also costs the server's WAL writer (and, later, its checkpointer and background writer).
			const writers = pidsNamed('postgres').filter((pid) => /walwriter|checkpointer|background writer/.test(commandLine(pid)));
			return [...backends.rows.map((row) => row.pid), ...writers, ...(withRedis ? pidsNamed('redis-server') : [])];
		} finally {
			await client.end();
		}
	};
	const postgres = await findPostgres();
	const redis = await findRedis();
	if (!postgres || !redis) throw new Error('the cluster benchmark needs PostgreSQL (DATABASE_URL or 127.0.0.1:5432) and Redis (REDIS_URL or 127.0.0.1:6379)');
	const setups: { name: string; start(): Promise<Server> }[] = [
		{ name: '1 × SQLite', start: () => startSetup('1 × SQLite', RELAY, 1, {}) },
		{
			name: '1 × PostgreSQL',
			start: async () => {
				const database = await createTestDatabase(postgres);
				return startSetup('1 × PostgreSQL', RELAY, 1, { DATABASE_URL: database.url }, { otherPids: servicePids(database.url, false), done: database.drop });
			}
		},
		{
			name: '2 × PostgreSQL+Redis',
			start: async () => {
				const database = await createTestDatabase(postgres);
				return startSetup('2 × PostgreSQL+Redis', RELAY, 2, { DATABASE_URL: database.url, REDIS_URL: redis }, {
					otherPids: servicePids(database.url, true),
					done: database.drop
				});
			}
		}
	];
	const saturations: (number | undefined)[] = setups.map(() => undefined);
	const measured = await interleaved(setups, async (server, index) => {
		if (flags['skip-saturation']) return;
		for (const rate of SATURATION_RATES) {
			const step = await run(server, rate, SATURATION_SECONDS);
			if (step.p99 > 50 || step.sentPerSecond < rate * 0.9) break;
			saturations[index] = rate;
		}
	});
	const results = setups.map((setup, index) => ({ name: setup.name, result: measured[index]!, saturation: saturations[index] }));
	const [sqlite, single, cluster] = results.map((r) => r.result) as [Result, Result, Result];
	const ratio = (a: number, b: number) => (b === 0 ? 'n/a' : `${(a / b).toFixed(2)}×`);
	const side = (format: (r: Result) => string) => results.map((r) => format(r.result)).join(' / ');
	console.log(
		`\n${CONNECTIONS} connections across ${ROOMS} rooms, ${RATE} updates/s for ${SECONDS} s; ${results.map((r) => r.name).join(' / ')};` +
			` medians of ${ROUNDS} interleaved rounds after ${WARMUP_SECONDS} s of warm-up each.` +
			'\nCPU counts every process involved: the relays, the PostgreSQL backends serving them with the WAL writer and checkpointer, and Redis. This machine has 2 cores, shared with the load generator.\n'
	);
	const rows: BenchRow[] = [
		{ benchmark: 'fan-out p50', result: side((r) => `${r.p50.toFixed(1)} ms`) },
		{ benchmark: 'fan-out p99', result: side((r) => `${r.p99.toFixed(1)} ms`) },
		{
			benchmark: 'p99, 2 × PostgreSQL+Redis vs 1 × SQLite',
			result: ratio(cluster.p99, sqlite.p99),
			target: '≤ 2×',
			ok: cluster.p99 <= sqlite.p99 * 2
		},
		{ benchmark: 'deliveries/s', result: side((r) => r.deliveredPerSecond.toFixed(0)) },
		{ benchmark: 'CPU s per 1,000 delivered updates', result: side((r) => r.cpuPer1000.toFixed(3)) },
		{
			benchmark: 'CPU per delivery, 2 × PostgreSQL+Redis vs 1 × SQLite',
			result: ratio(cluster.cpuPer1000, sqlite.cpuPer1000),
			target: '≤ 2×',
			ok: cluster.cpuPer1000 <= sqlite.cpuPer1000 * 2
		},
		{
			benchmark: 'CPU s per 1,000 by process: relays | PostgreSQL | Redis (load generator apart)',
			result: side(
				({ cpuPer1000By: by }) =>
					`${by.relays.map((cpu) => cpu.toFixed(3)).join(' + ')} | ${by.postgres.toFixed(3)} | ${by.redis.toFixed(3)} (${by.load.toFixed(3)})`
			)
		},
		{ benchmark: '1 × PostgreSQL p99 vs 1 × SQLite', result: ratio(single.p99, sqlite.p99) },
		{
			benchmark: 'saturation (highest rate with p99 ≤ 50 ms)',
			result: flags['skip-saturation'] ? 'not measured (--skip-saturation)' : results.map((r) => (r.saturation === undefined ? `< ${SATURATION_RATES[0]}/s` : `${r.saturation}/s`)).join(' / ')
		},
		{ benchmark: 'failed connections', result: side((r) => String(r.failedConnections)) },
		{ benchmark: 'processes ended while measured (CPU not counted)', result: side((r) => String(r.endedProcesses)) }
	];
	printTable(rows);
}
