/** Argon2id in a Web Worker: the browser's DeriveKey for the app lock. */
import type { DeriveKey } from '$lib/sync/lock';
import type { DeriveRequest } from './argon2.worker';

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve(key: Uint8Array): void; reject(error: Error): void }>();

function lockWorker(): Worker {
	if (worker) return worker;
	worker = new Worker(new URL('./argon2.worker.ts', import.meta.url), { type: 'module' });
	worker.onmessage = (event: MessageEvent<{ id: number; key?: Uint8Array; error?: string }>) => {
		const pending = waiting.get(event.data.id);
		waiting.delete(event.data.id);
		if (event.data.key) pending?.resolve(event.data.key);
		else pending?.reject(new Error(event.data.error ?? 'Argon2id failed'));
	};
	worker.onerror = (event) => {
		// A worker that cannot start (out of memory, refused) fails every derivation waiting on it.
		for (const pending of waiting.values()) pending.reject(new Error(event.message || 'The lock worker stopped'));
		waiting.clear();
		worker?.terminate();
		worker = undefined;
	};
	return worker;
}

/** Derives in the worker; settles when the worker answers or fails. */
export const deriveInWorker: DeriveKey = (passphrase, salt, params) =>
	new Promise((resolve, reject) => {
		const id = ++nextId;
		waiting.set(id, { resolve, reject });
		const request: DeriveRequest = { id, passphrase, salt, params };
		lockWorker().postMessage(request);
	});
