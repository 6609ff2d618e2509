// `npm start`: installs what is missing, builds what is stale, then runs the relay serving the app.
import { ensureBuild, ensureDependencies } from './lib.mjs';
import { spawn } from 'node:child_process';

await ensureDependencies();
await ensureBuild();

const relay = spawn(process.execPath, ['sync-server/dist/server.js'], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => relay.kill(signal));
relay.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
