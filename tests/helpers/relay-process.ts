import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** A relay running as its own process (for crash and signal tests). */
export interface RelayProcess {
	url: string;
	syncUrl: string;
	child: ChildProcess;
	/** Resolves with the exit code (or signal name) once the process ended. */
	exited: Promise<number | string>;
}

/** Starts `sync-server/src/server.ts` in a child process on a free port; resolves once it listens. */
export function spawnRelay(env: Record<string, string>): Promise<RelayProcess> {
	const child = spawn(process.execPath, ['--import', 'tsx', resolve('sync-server/src/server.ts')], {
		env: { ...process.env, PORT: '0', HOST: '127.0.0.1', STATIC_DIR: '', LOG_LEVEL: 'warn', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const exited = new Promise<number | string>((done) => child.once('exit', (code, signal) => done(code ?? signal ?? -1)));
	return new Promise((resolveStart, reject) => {
		let output = '';
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			const url = /Fieldbook is running at (http:\/\/\S+)/.exec(output)?.[1];
			if (url) {
				child.stdout?.off('data', onData);
				resolveStart({ url, syncUrl: url.replace(/^http/, 'ws') + '/sync', child, exited });
			}
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
		void exited.then((code) => reject(new Error(`relay exited (${code}) before listening:\n${output}`)));
	});
}
