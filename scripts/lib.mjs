// Shared helpers of the project scripts (start, test, dev): plain Node, usable before `npm ci` ran.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Runs a command with inherited output; resolves with its exit code, never rejects on failure. */
export function run(command, args, options = {}) {
	return new Promise((resolve) => {
		const child = spawn(command, args, { stdio: 'inherit', ...options });
		child.on('error', (error) => {
			console.error(`Could not run ${command}: ${error.message}`);
			resolve(127);
		});
		child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
	});
}

/** Runs a command and exits the process when it fails, naming the step. */
export async function step(name, command, args, options) {
	const code = await run(command, args, options);
	if (code !== 0) {
		console.error(`\n${name} failed (exit ${code}).`);
		process.exit(code);
	}
}

/** The newest modification time below `path` (a file or a folder), ignoring generated folders. */
export function newestMtime(path) {
	if (!existsSync(path)) return 0;
	const stat = statSync(path);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let newest = stat.mtimeMs;
	for (const entry of readdirSync(path)) {
		if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
		newest = Math.max(newest, newestMtime(join(path, entry)));
	}
	return newest;
}

/** Where the installed lock file's hash is kept: a checkout that only touched the lock file needs no reinstall. */
const INSTALLED_LOCK = 'node_modules/.fieldbook-lock-sha256';

function lockHash() {
	return createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
}

/**
 * Installs dependencies from the lock file when node_modules is missing or was installed from another lock
 * (by its hash; without one, when it is older than the lock).
 */
export async function ensureDependencies() {
	const marker = 'node_modules/.package-lock.json';
	if (existsSync(marker)) {
		if (existsSync(INSTALLED_LOCK) ? readFileSync(INSTALLED_LOCK, 'utf8') === lockHash() : statSync(marker).mtimeMs >= statSync('package-lock.json').mtimeMs) return;
	}
	console.log('Installing dependencies (npm ci)…');
	await step('npm ci', 'npm', ['ci', '--no-audit', '--no-fund']);
	writeFileSync(INSTALLED_LOCK, lockHash());
}

/** The inputs whose change makes the build stale. */
const BUILD_INPUTS = ['src', 'static', 'sync-server/src', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];

/** Builds the app and the relay when either is missing or older than its sources. */
export async function ensureBuild({ force = false } = {}) {
	const built = Math.min(newestMtime('build/index.html'), newestMtime('sync-server/dist/server.js'));
	const sources = Math.max(...BUILD_INPUTS.map(newestMtime));
	if (!force && built > 0 && built >= sources) return;
	console.log('Building the app and the relay…');
	await step('build', 'npm', ['run', 'build']);
}

/** The Chromium the end-to-end tests drive: Debian's package, never a downloaded build. */
export const CHROMIUM = '/usr/bin/chromium';

/** Installs Debian's Chromium with apt when it is missing (the test machines run as root). */
export async function ensureChromium() {
	if (existsSync(CHROMIUM)) return;
	console.log('Installing Chromium from Debian (apt-get)…');
	const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
	const apt = (args) => run(sudo[0] ?? 'apt-get', sudo.length ? ['apt-get', ...args] : args, {
		env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
	});
	if ((await apt(['update', '-qq'])) !== 0 || (await apt(['install', '-y', '-qq', 'chromium'])) !== 0) {
		console.error('Could not install Chromium with apt-get; install the Debian package "chromium".');
		process.exit(1);
	}
}

/** True when a command exists on PATH. */
export function hasCommand(name) {
	return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}
