/**
 * The door room of a request link (DESIGN.md "Joining"): a small Yjs room on the relay where someone who
 * holds the link asks to join and an admin's device answers, so nobody needs to be online at the same time.
 * Everything in it is sealed under a key derived from the invite secret (XChaCha20-Poly1305, @noble/ciphers);
 * the relay sees the room name (expiry and invite id), the token hash, and ciphertext. Format in FORMAT.md
 * "Door room".
 *
 *   doc.getMap('door'):     'info' → sealed {groupName, groupId}            written by an admin's device
 *   doc.getMap('requests'): joiner key → sealed {entry} (their signed roster `join`)
 *   doc.getMap('answers'):  joiner key → sealed {decision, groupId, epoch, keyId, relayUrl, groupName, box?}
 *                           where `box` is the group key sealed to the joiner's X25519 key (key-box.ts)
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CLOSE, isPermanentRefusal } from '../../../sync-server/src/shared/protocol';
import type { RequestInvite } from './api';
import { concat, fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes';
import { randomBytes } from './crypto';
import { expiresBytes, INVITE_SECRET_BYTES } from './invite';
import type { RosterEntry } from './roster';

/** HKDF labels of the values a door derives from its invite secret (salt: the invite id). */
export const DOOR_LABELS = {
	token: 'fieldbook/door-token/v1',
	key: 'fieldbook/door-key/v1',
	revoke: 'fieldbook/door-revoke/v1',
	seal: 'fieldbook/door/v1'
} as const;

const NONCE_BYTES = 24;

/** What the door tells someone holding the link before they ask. */
export interface DoorInfo {
	groupName: string;
	groupId: string;
}

/** A joiner's request, as the door holds it. */
export interface DoorRequest {
	/** The joiner's `join` roster entry, signed by their device key. */
	entry: RosterEntry;
}

/** An admin's answer to one joiner. */
export interface DoorAnswer {
	decision: 'approve' | 'decline';
	groupId: string;
	epoch: number;
	keyId: string;
	relayUrl: string;
	groupName: string;
	/** The key box (base64url) for an approval. */
	box?: string;
}

/** The relay room, its token and the sealing key of a request link's door. */
export function doorCredentials(invite: Pick<RequestInvite, 'id' | 'secret' | 'expires'>): { room: string; token: string; key: Uint8Array } {
	const salt = utf8(invite.id);
	return {
		room: `door-${toBase64Url(expiresBytes(invite.expires))}${invite.id}`,
		token: toBase64Url(hkdf(sha256, invite.secret, salt, utf8(DOOR_LABELS.token), 32)),
		key: hkdf(sha256, invite.secret, salt, utf8(DOOR_LABELS.key), 32)
	};
}

/**
 * The revoke token of a door: derived from the group key, so only members can make it. The invite id is the
 * first 16 bytes of SHA-256 of it (as the relay hashes tokens: of its UTF-8), which is how the relay checks
 * a revocation without knowing anything of the group.
 */
export function doorRevokeToken(groupKey: Uint8Array, groupId: string, secret: Uint8Array): string {
	return toBase64Url(hkdf(sha256, groupKey, concat(utf8(`${groupId}|`), secret), utf8(DOOR_LABELS.revoke), 32));
}

/** The invite id that commits to a revoke token. */
export function inviteIdOf(revokeToken: string): string {
	return toBase64Url(sha256(utf8(revokeToken)).subarray(0, 16));
}

/** A new request link for a group: a random secret, its revoke token, and the invite it makes. */
export function newRequestInvite(groupKey: Uint8Array, groupId: string, relayUrl: string, expires: number): RequestInvite {
	const secret = randomBytes(INVITE_SECRET_BYTES);
	return { kind: 'request', version: 2, id: inviteIdOf(doorRevokeToken(groupKey, groupId, secret)), secret, expires, relayUrl };
}

function aad(id: string, field: string): Uint8Array {
	return utf8(`${DOOR_LABELS.seal}|${id}|${field}`);
}

/** Seals a JSON value into a door field. `nonce` is for test vectors only. */
export function sealDoorValue(key: Uint8Array, id: string, field: string, value: unknown, nonce: Uint8Array = randomBytes(NONCE_BYTES)): string {
	return toBase64Url(concat(nonce, xchacha20poly1305(key, nonce, aad(id, field)).encrypt(utf8(JSON.stringify(value)))));
}

/** Opens a door field; undefined when it does not open (another door's, tampered, or not sealed at all). */
export function openDoorValue<T>(key: Uint8Array, id: string, field: string, sealed: unknown): T | undefined {
	if (typeof sealed !== 'string') return undefined;
	try {
		const bytes = fromBase64Url(sealed);
		const plain = xchacha20poly1305(key, bytes.subarray(0, NONCE_BYTES), aad(id, field)).decrypt(bytes.subarray(NONCE_BYTES));
		return JSON.parse(fromUtf8(plain)) as T;
	} catch {
		return undefined;
	}
}

/** Why a door cannot be used. */
export type DoorRefusal = 'revoked' | 'expired' | 'refused';

/** A connection to one door room. */
export class DoorLink {
	readonly doc = new Y.Doc();
	readonly invite: Pick<RequestInvite, 'id' | 'secret' | 'expires' | 'relayUrl'>;
	readonly #key: Uint8Array;
	readonly #provider: WebsocketProvider;
	#refusal: DoorRefusal | undefined;
	#listeners = new Set<() => void>();

	constructor(options: {
		invite: Pick<RequestInvite, 'id' | 'secret' | 'expires' | 'relayUrl'>;
		WebSocket?: typeof WebSocket;
		connect?: boolean;
	}) {
		this.invite = options.invite;
		const { room, token, key } = doorCredentials(options.invite);
		this.#key = key;
		const base = options.invite.relayUrl.replace(/^http/, 'ws').replace(/\/+$/, '') + '/sync';
		this.#provider = new WebsocketProvider(base, room, this.doc, {
			params: { token },
			connect: options.connect ?? true,
			...(options.WebSocket ? { WebSocketPolyfill: options.WebSocket } : {}),
			maxBackoffTime: 5_000,
			// Doors are per device, never shared between tabs: no BroadcastChannel.
			disableBc: true
		});
		this.#provider.on('connection-close', (event: CloseEvent | null) => {
			if (!event || !isPermanentRefusal(event.code)) return;
			this.#refusal = event.code === CLOSE.DOOR_REVOKED ? 'revoked' : event.code === CLOSE.DOOR_EXPIRED ? 'expired' : 'refused';
			this.#emit();
		});
		this.#provider.on('sync', () => this.#emit());
		this.doc.on('update', () => this.#emit());
	}

	#emit(): void {
		for (const listener of this.#listeners) listener();
	}

	/** Calls `listener` after anything changed (content, sync, refusal); returns an unsubscribe function. */
	listen(listener: () => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Why the relay refused the door, once it did. */
	get refusal(): DoorRefusal | undefined {
		return this.#refusal;
	}

	/** Whether the first sync with the relay is done. */
	get synced(): boolean {
		return this.#provider.synced;
	}

	info(): DoorInfo | undefined {
		const info = openDoorValue<DoorInfo>(this.#key, this.invite.id, 'info', this.doc.getMap('door').get('info'));
		return info && typeof info.groupName === 'string' && typeof info.groupId === 'string' ? info : undefined;
	}

	setInfo(info: DoorInfo): void {
		const current = this.info();
		if (current?.groupName === info.groupName && current.groupId === info.groupId) return;
		this.doc.getMap('door').set('info', sealDoorValue(this.#key, this.invite.id, 'info', info));
	}

	/** Requests by joiner key (each joiner's own entry; one whose sealed key does not match is left out). */
	requests(): Map<string, DoorRequest> {
		const out = new Map<string, DoorRequest>();
		for (const [joiner, sealed] of this.doc.getMap('requests')) {
			const request = openDoorValue<DoorRequest>(this.#key, this.invite.id, `request|${joiner}`, sealed);
			if (request?.entry && typeof request.entry.o === 'string' && typeof request.entry.s === 'string') out.set(joiner, request);
		}
		return out;
	}

	ask(joiner: string, request: DoorRequest): void {
		this.doc.getMap('requests').set(joiner, sealDoorValue(this.#key, this.invite.id, `request|${joiner}`, request));
	}

	answer(joiner: string): DoorAnswer | undefined {
		return openDoorValue<DoorAnswer>(this.#key, this.invite.id, `answer|${joiner}`, this.doc.getMap('answers').get(joiner));
	}

	setAnswer(joiner: string, answer: DoorAnswer): void {
		this.doc.getMap('answers').set(joiner, sealDoorValue(this.#key, this.invite.id, `answer|${joiner}`, answer));
	}

	reconnect(): void {
		this.#provider.connect();
	}

	destroy(): void {
		this.#listeners.clear();
		this.#provider.destroy();
		this.doc.destroy();
	}
}

/** Revokes a door at the relay (`DELETE` with its revoke token). Resolves false when the relay could not be told. */
export async function revokeDoor(
	invite: Pick<RequestInvite, 'id' | 'secret' | 'expires' | 'relayUrl'>,
	revokeToken: string,
	fetcher: typeof fetch = fetch
): Promise<boolean> {
	const { room } = doorCredentials(invite);
	try {
		const response = await fetcher(`${invite.relayUrl.replace(/\/+$/, '')}/sync/${room}`, { method: 'DELETE', headers: { Authorization: `Bearer ${revokeToken}` } });
		return response.ok;
	} catch {
		return false;
	}
}
