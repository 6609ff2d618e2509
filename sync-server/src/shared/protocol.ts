/**
 * Wire constants of the relay, imported by the relay and by the app (src/lib/sync) so both sides read one
 * definition: message types, close codes, frame limits and the room and token formats (documented in
 * ../../PROTOCOL.md). No imports: this file compiles for Node and for the browser alike.
 * The first four message types are y-websocket's; 100 and up are Fieldbook's opt-in extension.
 */

/** y-websocket: a y-protocols sync message (step 1, step 2 or update) follows. */
export const MESSAGE_SYNC = 0;
/** y-websocket: an awareness update follows. */
export const MESSAGE_AWARENESS = 1;
/** y-websocket: auth messages; the relay never sends them and refuses them from clients. */
export const MESSAGE_AUTH = 2;
/** y-websocket: the client asks for every awareness state. */
export const MESSAGE_QUERY_AWARENESS = 3;
/** Extension (only with `saved=1`): varUint8Array, the room's state vector after the client's updates were stored. */
export const MESSAGE_SAVED_STATE = 100;
/** Extension (only with `saved=1`): varUint, bytes the first sync will stream, sent before it starts. */
export const MESSAGE_SYNC_PROGRESS = 101;
/**
 * Forwarding record (every client): varUint8Array. From a client, the record of the room's move to a new group
 * key; the first one a room receives is kept and the room is frozen. From the relay, the record the room
 * holds: sent before anything else to whoever joins a frozen room, and to everyone in it when it freezes.
 */
export const MESSAGE_FORWARD = 102;
/** Largest forwarding record the relay keeps (key boxes for a few thousand devices). */
export const MAX_FORWARD_BYTES = 256 * 1024;

/**
 * The relay's default frame limit (MAX_FRAME_BYTES): a larger websocket message closes the connection with
 * 1009. Clients must send what the relay lacks in several update messages, each below UPLOAD_FRAME_BYTES.
 */
export const DEFAULT_MAX_FRAME_BYTES = 2 * 1024 * 1024;
/**
 * Largest update message a client should send: a quarter of the default frame limit, so a relay configured
 * tighter still takes it, and a 50 kB/s link sends it in about 10 s, within y-websocket's 30 s silence timer.
 */
export const UPLOAD_FRAME_BYTES = DEFAULT_MAX_FRAME_BYTES / 4;
/**
 * The relay's default first-sync frame (SYNC_FRAME_BYTES): what a newcomer lacks is streamed as update
 * messages of about this size (one larger struct is a frame of its own), then a closing step 2.
 */
export const DEFAULT_SYNC_FRAME_BYTES = 256 * 1024;

/**
 * Close codes. y-websocket 3 never reconnects after a 44xx code (a decision reconnecting cannot fix) and
 * retries with backoff after anything else, so limits that pass with time use 45xx.
 */
export const CLOSE = {
	/** The server is shutting down; clients reconnect. */
	GOING_AWAY: 1001,
	/** A frame above MAX_FRAME_BYTES (sent by the ws library itself). */
	FRAME_TOO_LARGE: 1009,
	/** A frame that does not decode as a y-websocket message. */
	BAD_MESSAGE: 4400,
	/** The token is missing, malformed, or not the room's token. */
	BAD_TOKEN: 4401,
	/** The room name is not 22–64 base64url characters. */
	BAD_ROOM: 4404,
	/** A frozen room (it has a forwarding record) refuses a write: the group moved to a new key. */
	ROOM_FROZEN: 4409,
	/** The room was deleted (by the relay, after a key rotation's grace period); its tombstone keeps the name claimed. */
	ROOM_DELETED: 4410,
	/** A door room (an invite's) whose invite an admin revoked: nobody may ask through it any more. */
	DOOR_REVOKED: 4411,
	/** A door room past the expiry its name carries. */
	DOOR_EXPIRED: 4412,
	/** The room would grow past MAX_ROOM_BYTES. */
	ROOM_TOO_LARGE: 4413,
	/** A message type the relay does not accept from clients. */
	UNKNOWN_MESSAGE: 4415,
	/** An awareness message above MAX_AWARENESS_BYTES, or more client ids than AWARENESS_CLIENTS_PER_CONNECTION. */
	AWARENESS_TOO_LARGE: 4431,
	/** An update Yjs cannot decode; it was not stored. */
	BAD_UPDATE: 4422,
	/**
	 * An update whose integration could take more than MAX_UPDATE_WORK steps (contested inserts walking long
	 * lists), or that would leave more than MAX_PENDING_BYTES waiting for missing dependencies; not applied.
	 */
	UPDATE_TOO_COSTLY: 4420,
	/** More updates per second than the token bucket allows; retry later. */
	RATE_LIMITED: 4529,
	/** The room has MAX_CONNECTIONS_PER_ROOM connections; retry later. */
	ROOM_BUSY: 4503,
	/** This address has MAX_CONNECTIONS_PER_ADDRESS connections; retry later. */
	ADDRESS_BUSY: 4504,
	/** This address created too many rooms in the last minute; retry later. */
	ROOM_CREATION_LIMITED: 4505,
	/** The room or the relay spent its integration work for now (ROOM_WORK_PER_SECOND, RELAY_WORK_PER_SECOND); retry later. */
	WORK_LIMITED: 4508,
	/** The relay is past its memory budget (MEMORY_BUDGET_MB) and loads no room, or unloaded this idle one; retry later. */
	MEMORY_FULL: 4507,
	/** Every room together holds MAX_TOTAL_BYTES; the update was not stored; retry later. */
	STORAGE_FULL: 4509,
	/** This address stored BYTES_PER_DAY_PER_ADDRESS today; retry later. */
	ADDRESS_QUOTA: 4510,
	/** Storage failed; retry later. */
	STORAGE_FAILED: 4506
} as const;

export type CloseReason = keyof typeof CLOSE;

/** The relay refused for good (44xx): reconnecting cannot help, so the app reports it instead of retrying. */
export function isPermanentRefusal(code: number): boolean {
	return code >= 4400 && code < 4500;
}

/** Room names: 22–64 base64url characters (the app derives them from the group key). */
export const ROOM_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

/** Tokens: base64url of at least 32 bytes (43 characters), at most 512 characters. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43,512}$/;

/**
 * Door rooms: where a request link's joiner asks and an admin answers (src/lib/sync/door.ts). The name is
 * `door-` + 8 base64url characters of the invite's expiry (6 bytes, big-endian milliseconds) + the 22
 * characters of its invite id, so the relay can refuse it once expired (DOOR_EXPIRED) without knowing
 * anything else; the invite id is the first 16 bytes of SHA-256 of the revoke token, which only the group's
 * members can derive, so `DELETE` with that token revokes the door for good (DOOR_REVOKED).
 */
export const DOOR_ROOM_PATTERN = /^door-([A-Za-z0-9_-]{8})([A-Za-z0-9_-]{22})$/;

/** The expiry (ms) and invite id a door room's name carries, or undefined for any other room. */
export function parseDoorRoom(name: string): { expires: number; inviteId: string } | undefined {
	const match = DOOR_ROOM_PATTERN.exec(name);
	if (!match) return undefined;
	const expiry = match[1]!;
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	// 8 base64url characters are 48 bits: the 6 bytes of the expiry exactly.
	let expires = 0;
	for (const char of expiry) expires = expires * 64 + alphabet.indexOf(char);
	return { expires, inviteId: match[2]! };
}
