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

/** A sync message of `subtype` (step 1, step 2 or update) carrying `payload`. */
export function syncMessage(subtype: number, payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, subtype);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
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
