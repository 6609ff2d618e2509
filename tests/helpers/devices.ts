import 'fake-indexeddb/auto';
import WebSocket from 'ws';
import type { LocalWorkspaceApi, WorkspaceOptions } from '../../src/lib/sync';
import { openDeviceWorkspace } from '../../src/lib/state/device-storage';

let counter = 0;

/** A simulated phone: its own catalogue and vault databases (fake-indexeddb), a real WebSocket, a switchable network. */
export interface TestDevice {
	workspace: LocalWorkspaceApi;
	namespace: string;
	online: boolean;
	close(): Promise<void>;
}

/** Opens a workspace as a fresh device named `name`. */
export async function newDevice(
	name: string,
	options: { batchDelayMs?: number; namespace?: string; persist?: WorkspaceOptions['persist']; WebSocket?: typeof WebSocket } = {}
): Promise<TestDevice> {
	const namespace = options.namespace ?? `device-${process.pid}-${++counter}-`;
	const device = { online: true } as TestDevice;
	device.namespace = namespace;
	device.workspace = await openDeviceWorkspace({
		namespace,
		WebSocket: (options.WebSocket ?? WebSocket) as unknown as typeof globalThis.WebSocket,
		online: () => device.online,
		batchDelayMs: options.batchDelayMs ?? 20,
		persist: options.persist
	});
	if (!device.workspace.identity) await device.workspace.createIdentity(name);
	device.close = () => device.workspace.close();
	return device;
}

/** Polls until `check` holds. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeout = 20_000): Promise<void> {
	const start = Date.now();
	while (!(await check())) {
		if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

/** Takes a device off the network (its vaults disconnect) or puts it back (they reconnect at once). */
export async function setOnline(device: TestDevice, online: boolean): Promise<void> {
	device.online = online;
	for (const record of device.workspace.groups()) {
		const vault = await device.workspace.vault(record.id);
		if (online) vault.reconnect();
		else vault.disconnect();
	}
}

/** A WebSocket class (ws) that counts the bytes of every message its sockets receive, in `received.bytes`. */
export function countingWebSocket(): { WebSocket: typeof WebSocket; received: { bytes: number } } {
	const received = { bytes: 0 };
	class Counting extends WebSocket {
		constructor(address: string | URL, protocols?: string | string[]) {
			super(address, protocols);
			this.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
				received.bytes += Array.isArray(data) ? data.reduce((sum, part) => sum + part.byteLength, 0) : data.byteLength;
			});
		}
	}
	return { WebSocket: Counting as unknown as typeof WebSocket, received };
}
