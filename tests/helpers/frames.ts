import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';

/** A y-websocket sync message carrying an update (type 0, subtype 2). */
export function updateFrame(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 2);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** A y-websocket sync step 1 with an empty state vector. */
export function step1Frame(): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint8Array(encoder, Y.encodeStateVector(new Y.Doc()));
	return encoding.toUint8Array(encoder);
}

/** A valid small Yjs update inserting `text`. */
export function textUpdate(text: string): Uint8Array {
	const doc = new Y.Doc();
	doc.getText('t').insert(0, text);
	return Y.encodeStateAsUpdate(doc);
}

/** Opens a raw websocket and resolves once it is open (or closed early). */
export function openRaw(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
	const socket = new WebSocket(url, options);
	socket.on('error', () => undefined);
	return new Promise((resolve) => {
		socket.once('open', () => resolve(socket));
		socket.once('close', () => resolve(socket));
	});
}
