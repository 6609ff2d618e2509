/**
 * Encoders of the y-websocket messages the relay sends, shared by client connections and by the fan-out
 * that broadcasts what other relay processes stored.
 */
import * as encoding from 'lib0/encoding';
import { MESSAGE_AWARENESS, MESSAGE_FORWARD, MESSAGE_SYNC } from './shared/protocol.js';

/** y-protocols sync message subtypes. */
export const SYNC_STEP_1 = 0;
export const SYNC_STEP_2 = 1;
export const SYNC_UPDATE = 2;

/** A sync message of `subtype` (step 1, step 2 or update) carrying `payload`: one allocation of its exact size. */
export function syncMessage(subtype: number, payload: Uint8Array): Uint8Array {
	let header = 3;
	for (let length = payload.byteLength; length > 0x7f; length >>>= 7) header++;
	const message = new Uint8Array(header + payload.byteLength);
	message[0] = MESSAGE_SYNC;
	message[1] = subtype;
	let at = 2;
	let length = payload.byteLength;
	for (; length > 0x7f; length >>>= 7) message[at++] = 0x80 | (length & 0x7f);
	message[at++] = length;
	message.set(payload, at);
	return message;
}

/** An awareness message carrying an encoded awareness update. */
export function awarenessMessage(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** A forwarding-record message: the record a frozen room holds. */
export function forwardMessage(record: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_FORWARD);
	encoding.writeVarUint8Array(encoder, record);
	return encoding.toUint8Array(encoder);
}
