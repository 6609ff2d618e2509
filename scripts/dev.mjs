// `npm run dev`: the relay (built from sync-server/src, data in ./data) plus Vite's dev server proxying to it.
import { spawn } from 'node:child_process';
import { ensureDependencies, step } from './lib.mjs';

await ensureDependencies();
await step('relay build', 'npx', ['tsc', '-p', 'sync-server']);

const port = process.env.RELAY_PORT ?? '8787';
const relay = spawn(process.execPath, ['sync-server/dist/server.js'], {
	stdio: 'inherit',
	env: { ...process.env, PORT: port }
});
const vite = spawn('npx', ['vite', 'dev'], {
	stdio: 'inherit',
	env: { ...process.env, FIELDBOOK_DEV_RELAY: `http://127.0.0.1:${port}` }
});
const stop = () => {
	relay.kill('SIGTERM');
	vite.kill('SIGTERM');
};
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, stop);
relay.on('exit', stop);
vite.on('exit', (code) => {
	stop();
	process.exit(code ?? 0);
});
