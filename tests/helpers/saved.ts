/** A stock y-websocket client that also records the relay's saved-state answers (extension message 100). */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { MESSAGE_SAVED_STATE, MESSAGE_SYNC_PROGRESS } from '../../sync-server/src/shared/protocol';
import { connectClient, type TestClient } from './clients';

/** A writer and the highest clock of its own updates the relay confirmed as stored. */
export interface SavedWriter {
	client: TestClient;
	confirmed: { clock: number };
}

/** Connects a writer with `saved=1`; `doc` reconnects an existing replica (as a phone does after a drop). */
export function savedWriter(syncUrl: string, room: string, token: string, doc?: Y.Doc): SavedWriter {
	const client = connectClient(syncUrl, room, token, { params: { saved: '1' }, doc });
	const confirmed = { clock: 0 };
	client.provider.messageHandlers[MESSAGE_SAVED_STATE] = (_encoder, decoder) => {
		const saved = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
		confirmed.clock = Math.max(confirmed.clock, saved.get(client.doc.clientID) ?? 0);
	};
	client.provider.messageHandlers[MESSAGE_SYNC_PROGRESS] = (_encoder, decoder) => void decoding.readVarUint(decoder);
	return { client, confirmed };
}

/**
 * Each writer appends `w<index>-<n>` to its `log` array every `pauseMs` until `stop()`, which resolves once every
 * loop has ended: a steady stream of small updates for durability and fan-out tests.
 */
export function streamWrites(writers: SavedWriter[], pauseMs = 1): { stop(): Promise<void> } {
	let running = true;
	const streams = writers.map(async ({ client }, index) => {
		for (let i = 0; running; i++) {
			client.doc.getArray<string>('log').push([`w${index}-${i}`]);
			await new Promise((resolve) => setTimeout(resolve, pauseMs));
		}
	});
	return {
		async stop() {
			running = false;
			await Promise.all(streams);
		}
	};
}
