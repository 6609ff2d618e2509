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
