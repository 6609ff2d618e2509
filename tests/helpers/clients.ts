import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';

/** A random room name as the app derives them: 22+ base64url characters. */
export function randomRoom(): string {
	return randomBytes(18).toString('base64url');
}

/** A random room token (32 bytes, base64url). */
export function randomToken(): string {
	return randomBytes(32).toString('base64url');
}

/** A stock y-websocket client in Node. */
export interface TestClient {
	doc: Y.Doc;
	provider: WebsocketProvider;
	synced(): Promise<void>;
	destroy(): void;
}

/** Connects a stock y-websocket 3.1.0 client to a room of the relay, exactly as the docs show. */
export function connectClient(syncUrl: string, room: string, token: string, options: { params?: Record<string, string>; doc?: Y.Doc; WebSocketPolyfill?: typeof WebSocket } = {}): TestClient {
	const doc = options.doc ?? new Y.Doc();
	const provider = new WebsocketProvider(syncUrl, room, doc, {
		params: { token, ...options.params },
		WebSocketPolyfill: (options.WebSocketPolyfill ?? WebSocket) as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	return {
		doc,
		provider,
		synced: () =>
			provider.synced
				? Promise.resolve()
				: new Promise((resolve) => {
						const onSync = (isSynced: boolean) => {
							if (!isSynced) return;
							provider.off('sync', onSync);
							resolve();
						};
						provider.on('sync', onSync);
					}),
		destroy: () => {
			provider.destroy();
			doc.destroy();
		}
	};
}

/** Resolves when `check` holds, polling; rejects with `what` after `timeout` ms. */
export async function eventually(check: () => boolean, what: string, timeout = 15_000): Promise<void> {
	const start = Date.now();
	while (!check()) {
		if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

/** The close code the relay sent to a raw websocket. */
export function closeCode(socket: WebSocket): Promise<number> {
	return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}
