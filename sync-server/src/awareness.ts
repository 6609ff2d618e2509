/**
 * Awareness (presence) bound to the connection that introduced it: a client id belongs to the first
 * connection that sets a state for it, and only that connection may change or remove the state until it
 * leaves. Entries for another connection's client ids are dropped, not applied and not passed on (y-websocket
 * clients send back every state they hear, so such entries are mostly harmless echoes; a hostile member's
 * overwrite or removal looks the same and goes the same way). With several relay processes, client ids
 * introduced on another process belong to REMOTE here.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** Owner of client ids introduced through another relay process. */
export const REMOTE = Symbol('another relay process');

/** One entry of an awareness update: a client id, its clock, and its state as JSON. */
export interface AwarenessEntry {
	clientId: number;
	clock: number;
	state: string;
	/** The state is JSON `null`: the entry removes the client's state. */
	removal: boolean;
}

/** Decodes a whole awareness update, validating every entry (throws on anything malformed, changing nothing). */
export function decodeAwareness(update: Uint8Array): AwarenessEntry[] {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const entries: AwarenessEntry[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const state = decoding.readVarString(decoder);
		entries.push({ clientId, clock, state, removal: JSON.parse(state) === null });
	}
	return entries;
}

/** The awareness update carrying `entries`. */
export function encodeAwareness(entries: readonly AwarenessEntry[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const entry of entries) {
		encoding.writeVarUint(encoder, entry.clientId);
		encoding.writeVarUint(encoder, entry.clock);
		encoding.writeVarString(encoder, entry.state);
	}
	return encoding.toUint8Array(encoder);
}
