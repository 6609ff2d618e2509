/**
 * A group's sealed vault: one outer Y.Doc per group epoch, persisted locally and synced through the relay
 * with the stock y-websocket provider. The outer doc holds, per inner document, a top-level
 * `Y.Array<Uint8Array>` named `d/<docId>` of sealed blobs (top-level, so two members who write to a new
 * document at once never replace each other's array). Inner documents are plain Y.Docs in memory only.
 *
 * The vault is wiring: the relay link (relay-link.ts), the sealer (sealer.ts), the compaction planner
 * (compaction.ts), the status (sync-status.ts) and presence (presence.ts) each live in their own module.
 */
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { sha256 } from '@noble/hashes/sha2.js';
import {
	INDEX_DOC_ID,
	META_DOC_ID,
	type DocIndexEntry,
	type DocType,
	type GroupVault,
	type Invite,
	type OpenDoc,
	type Presence,
	type RequestInvite,
	type SyncStatus
} from './api';
import { fromBase64Url, toBase64Url, utf8 } from './bytes';
import { newDeviceKeys, newDocId, randomBytes, relayCredentials, sign, verify, type DeviceKeys, type GroupKey, type Signatures } from './crypto';
import { DocIndex } from './doc-index';
import { SealError, type OpenedBlob } from './sealed';
import { Sealer } from './sealer';
import { RelayLink } from './relay-link';
import { RELAY_UNREACHABLE_MS, StatusReporter, syncState, uncovered } from './sync-status';
import { PresenceChannel } from './presence';
import { COMPACT_JITTER_MS, MAX_BLOB_BYTES, planCompaction, type CompactionPlan } from './compaction';
import { uploadPieces } from './upload';
import { coveredBy, reachOf, type Reach } from './cover';
import { claimMessage, CLIENTS_MAP, judgeBlob, type ClientClaim, type Provenance, type Verdict } from './rules';
import { FORWARD_DOC_ID } from './rotation';
import { applySettled } from './settle';
import { mayAuthor, rosterName, type Roster, type RosterAction, type RosterEntry } from './roster';
import { onlyOwnRosterOps, RosterLog } from './roster-log';
import { INVITE_ID_BYTES } from './invite';
import { doorRevokeToken, newRequestInvite } from './door';
import { doorInvite, DOORS_MAP, type DoorRecord } from './door-keeper';

/** Invites expire after this long unless the admin picks otherwise (1, 7 or 30 days in the UI). */
export const DEFAULT_INVITE_MS = 7 * 24 * 60 * 60 * 1000;
import type { StorageEvents } from '../storage/vault-store';

export { MESSAGE_SAVED_STATE, MESSAGE_SYNC_PROGRESS } from './relay-link';
export { COMPACT_JITTER_MS, MAX_BLOB_BYTES } from './compaction';
export { PRESENCE_INTERVAL_MS } from './presence';

/** Local changes are sealed after this pause, so typing makes one blob per pause, not per keystroke. */
export const BATCH_DELAY_MS = 500;
/** Seal at once when this many local updates are waiting (a paste or a script, not typing): merging stays cheap. */
export const MAX_PENDING_UPDATES = 200;

/** Transaction origin of changes that came out of the vault (never sealed again). */
const FROM_VAULT = Symbol('from-vault');
/** Origin of a session's client claim (FORMAT.md "Client-id binding"), kept back until the session writes. */
const CLAIMING = Symbol('claiming');
/** Transaction origin of blobs this device wrote into the outer doc. */
const LOCAL = Symbol('local');
/** The prefix of the outer doc's top-level arrays. */
const DOC_PREFIX = 'd/';

/** Everything a vault needs from its workspace. */
export interface VaultOptions {
	groupId: string;
	epoch: number;
	relayUrl: string;
	/** The key blobs are sealed with now. */
	currentKey: GroupKey;
	/** Every key of the group this device holds, by id. */
	keys: (keyId: string) => GroupKey | undefined;
	device: DeviceKeys;
	/** The device's display name now (it can change). */
	deviceName: () => string;
	/**
	 * Loads the vault's stored state into the doc and keeps persisting it, telling `events` when storage
	 * refuses a write (disk full) and when everything is stored again.
	 */
	persist: (room: string, doc: Y.Doc, events: StorageEvents) => Promise<{ destroy(): Promise<void> | void; clearData(): Promise<void> }>;
	/** What the relay said it held, last time, and where to keep it. */
	relayState: { load(): Promise<Uint8Array | undefined>; save(stateVector: Uint8Array): Promise<void> };
	WebSocket?: typeof WebSocket;
	/** Whether the browser is online (navigator.onLine); defaults to true. */
	online?: () => boolean;
	now?: () => number;
	/** Whether to connect to the relay at once (default true). */
	connect?: boolean;
	/** Reports a blob that could not be opened (tampered, wrong key). */
	onRefusedBlob?: (docId: string, error: SealError) => void;
	batchDelayMs?: number;
	/** The Ed25519 implementation for everyday seals; the platform's best when left out (benchmarks compare). */
	signatures?: Signatures;
	/**
	 * A synchronous store for blobs sealed while the page is going away (localStorage in the browser), because
	 * IndexedDB writes started during unload may never finish. It only ever holds sealed blobs.
	 */
	journal?: VaultJournal;
}

/** Sealed blobs written synchronously at unload, replayed into the vault at the next start. */
export interface VaultJournal {
	append(entry: { docId: string; blob: Uint8Array }): void;
	read(): { docId: string; blob: Uint8Array }[];
	clear(): void;
}

interface InnerDoc {
	docId: string;
	doc: Y.Doc;
	awareness: Awareness;
	holders: number;
	/** Local updates not sealed yet. */
	pending: Uint8Array[];
	/** Local updates merged and being signed; a synchronous seal (unload) takes them over. */
	signing: Uint8Array | undefined;
	/** The seals of this doc, one after another, so its blobs keep the order of its changes. */
	sealing: Promise<void>;
	/** Blobs being opened (verified off the main thread), one batch after another. */
	applying: Promise<void>;
	timer: ReturnType<typeof setTimeout> | undefined;
	/** Blobs already applied (or refused), so none is opened twice. */
	seen: WeakSet<Uint8Array>;
	/** Blobs that opened; only these may ever be merged away by compaction. */
	opened: WeakSet<Uint8Array>;
	/** Blobs that opened but whose author the roster does not (yet) know: tried again when the roster changes. */
	held: Set<Uint8Array>;
	compactTimer: ReturnType<typeof setTimeout> | undefined;
	/** The compactions of this doc, one after another. */
	compacting: Promise<void>;
	/** Clients without a claim, bound to the signer of the first single-client blob they came in (rules.ts `Provenance`). */
	bound: Map<number, string>;
	/** This session's claim while it has changed nothing: sealed ahead of its first change, if one comes. */
	claim: Uint8Array | undefined;
}

/** The Yjs update a document blob holds, in the v2 encoding whatever the blob's format version. */
function updateOf(opened: OpenedBlob): Uint8Array {
	return opened.version === 1 ? Y.convertUpdateFormatV1ToV2(opened.plaintext) : opened.plaintext;
}

/** Claims remembered as checked before the cache starts over (a few hundred bytes each). */
const MAX_VERIFIED_CLAIMS = 10_000;

/** Members who saw the same uncovered deletion wait a random part of this before writing the blobs back. */
export const RESTORE_JITTER_MS = 1_000;
/** How long a deletion's check waits for the blobs that would cover it while the outer document has some parked. */
export const COVER_WAIT_MS = 10_000;

/** Something another device did that this one refused or undid, for the group to see. */
export interface Refusal {
	/** `restored`: blobs deleted without cover were written back; `refused`: a blob broke its document's rules. */
	kind: 'restored' | 'refused';
	docId: string;
	/** The device keys (base64url) that signed what the change carried; empty when it carried nothing signed. */
	by: string[];
	/** A refused blob's fingerprint (`blobFingerprint`): the same blob refused again in a later session has the same. */
	blob?: string;
	at: number;
}

/** Bytes of SHA-256 a blob's fingerprint keeps: enough to tell a group's blobs apart, short to store. */
const FINGERPRINT_BYTES = 12;

/** A short fingerprint of a blob's bytes (base64url), to remember a refusal by. */
export function blobFingerprint(blob: Uint8Array): string {
	return toBase64Url(sha256(blob).subarray(0, FINGERPRINT_BYTES));
}

/** Blobs of one document an outer transaction deleted, and the blobs it added to the same document. */
interface BlobRemoval {
	deleted: Uint8Array[];
	added: Uint8Array[];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a.byteLength === b.byteLength && a.every((byte, index) => byte === b[index]);
}

/**
 * The blobs a (remote) outer transaction deleted, by document: only blobs that were there before it (one
 * added and deleted within it never counted), with what it added to the same documents. Yjs collects the
 * deleted structs only after the transaction's observers, so their content is still at hand here.
 */
function removedBlobs(transaction: Y.Transaction): Map<string, BlobRemoval> {
	const removals = new Map<string, BlobRemoval>();
	const arrays = new Map<string, Y.AbstractType<unknown>>();
	Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
		if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentBinary)) return;
		if (struct.id.clock >= (transaction.beforeState.get(struct.id.client) ?? 0)) return;
		const parent = struct.parent;
		if (!(parent instanceof Y.AbstractType) || parent._item !== null) return;
		const name = Y.findRootTypeKey(parent);
		if (!name.startsWith(DOC_PREFIX)) return;
		const docId = name.slice(DOC_PREFIX.length);
		let removal = removals.get(docId);
		if (!removal) {
			removal = { deleted: [], added: [] };
			removals.set(docId, removal);
			arrays.set(docId, parent);
		}
		removal.deleted.push(struct.content.content);
	});
	for (const [docId, array] of arrays) {
		for (let item = array._start; item; item = item.right) {
			if (item.deleted || !(item.content instanceof Y.ContentBinary)) continue;
			if (item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0)) removals.get(docId)!.added.push(item.content.content);
		}
	}
	return removals;
}

function arrayName(docId: string): string {
	return DOC_PREFIX + docId;
}

/**
 * A document's whole state as compaction writes it: one v2 update, or parts of at most MAX_BLOB_BYTES (each
 * a valid update) when larger. Key rotation writes its snapshots the same way.
 */
export function snapshotParts(doc: Y.Doc): Uint8Array[] {
	const snapshot = Y.encodeStateAsUpdateV2(doc);
	return snapshot.byteLength <= MAX_BLOB_BYTES ? [snapshot] : uploadPieces(doc, new Map(), MAX_BLOB_BYTES).map((piece) => Y.convertUpdateFormatV1ToV2(piece));
}

/**
 * What `doc` has integrated beyond `stateVector`, as a v2 update, leaving out what it keeps pending (structs
 * whose dependencies it lacks): `Y.encodeStateAsUpdateV2` would merge those in.
 */
function integratedState(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
	const { pendingStructs, pendingDs } = doc.store;
	doc.store.pendingStructs = null;
	doc.store.pendingDs = null;
	try {
		return Y.encodeStateAsUpdateV2(doc, stateVector);
	} finally {
		doc.store.pendingStructs = pendingStructs;
		doc.store.pendingDs = pendingDs;
	}
}

/** One open group vault. */
export class Vault implements GroupVault {
	readonly id: string;
	readonly epoch: number;
	readonly relayUrl: string;
	readonly room: string;
	readonly outer = new Y.Doc();
	#meta: Y.Doc | undefined;
	#roster: RosterLog | undefined;
	#index: DocIndex | undefined;
	#options: VaultOptions;
	#token: string;
	#sealer: Sealer;
	/** The document this device's presence (its carets) is published for: the one last focused or edited here. */
	#focused: InnerDoc | undefined;
	#link: RelayLink | undefined;
	#presence: PresenceChannel | undefined;
	#reporter = new StatusReporter(() => this.status());
	/** Re-evaluates the status once the relay has been silent for RELAY_UNREACHABLE_MS. */
	#silenceTimer: ReturnType<typeof setTimeout> | undefined;
	#persistence: { destroy(): Promise<void> | void; clearData(): Promise<void> } | undefined;
	#docs = new Map<string, InnerDoc>();
	#problem: SyncStatus['problem'];
	#closed = false;
	#unsealedFailures = 0;
	#forwardListeners = new Set<(record: Uint8Array) => void>();
	#refusals: Refusal[] = [];
	#coverChecks: Promise<void> = Promise.resolve();
	#refusalListeners = new Set<(refusal: Refusal) => void>();
	/** Set while this device moves the group's documents to the next epoch ("Moving to the group's new key…"). */
	#moving = false;
	#readOnly = false;
	/** Client claims checked already (rules.ts `Provenance.verify`), by document, client, key and signature. */
	#verifiedClaims = new Map<string, boolean>();

	private constructor(options: VaultOptions) {
		this.#options = options;
		this.id = options.groupId;
		this.epoch = options.epoch;
		this.relayUrl = options.relayUrl;
		const credentials = relayCredentials(options.currentKey.key, options.groupId, options.epoch);
		this.room = credentials.room;
		this.#token = credentials.token;
		this.#sealer = new Sealer(options);
	}

	/** The group's meta doc (name, description, members); always open. */
	get meta(): Y.Doc {
		if (!this.#meta) throw new Error('the vault is not open');
		return this.#meta;
	}

	/** The doc index (`index` doc, map `docs`); always open. */
	get indexMap(): Y.Map<DocIndexEntry> {
		if (!this.#index) throw new Error('the vault is not open');
		return this.#index.entries;
	}

	/** Opens a vault: loads it from local storage, opens the meta and index docs, then connects to the relay. */
	static async open(options: VaultOptions): Promise<Vault> {
		return new Vault(options).#start();
	}

	async #start(): Promise<Vault> {
		this.#persistence = await this.#options.persist(this.room, this.outer, {
			onRefused: (error) => {
				// Only a full disk is the person's to fix; other refusals are retried the same way.
				if (error.name !== 'QuotaExceededError') return;
				this.#problem = 'storageFull';
				this.#queueStatus();
			},
			onStored: () => {
				if (this.#problem !== 'storageFull') return;
				this.#problem = undefined;
				this.#queueStatus();
			}
		});
		const savedState = await this.#options.relayState.load();
		this.#replayJournal();
		this.outer.on('afterTransaction', (transaction: Y.Transaction) => this.#onOuterTransaction(transaction));
		const meta = this.#acquire(META_DOC_ID);
		// Before any blob applies (#acquire only queues them): authorship checks read it from the first blob on.
		this.#roster = new RosterLog(meta.doc, this.id);
		this.#roster.listen(() => this.#rosterChanged());
		const index = this.#acquire(INDEX_DOC_ID);
		await Promise.all([meta.applying, index.applying]);
		this.#meta = meta.doc;
		this.#index = new DocIndex(index.doc);
		this.#connect(savedState);
		return this;
	}

	/** Puts back blobs sealed during the last unload that IndexedDB did not get to store. */
	#replayJournal(): void {
		const journal = this.#options.journal;
		if (!journal) return;
		const entries = journal.read();
		if (entries.length === 0) return;
		this.outer.transact(() => {
			for (const { docId, blob } of entries) {
				const blobs = this.#blobs(docId);
				if (!blobs.toArray().some((stored) => sameBytes(stored, blob))) blobs.push([blob]);
			}
		}, LOCAL);
		journal.clear();
	}

	#connect(savedState: Uint8Array | undefined): void {
		const link = new RelayLink({
			relayUrl: this.relayUrl,
			room: this.room,
			token: this.#token,
			outer: this.outer,
			savedState,
			relayState: this.#options.relayState,
			connect: this.#options.connect ?? true,
			WebSocket: this.#options.WebSocket,
			events: {
				onChange: () => this.#queueStatus(),
				onRefused: () => {
					this.#problem = 'relayRefused';
				},
				onPresenceChange: () => this.#presence?.read(),
				onForward: (record) => {
					for (const listener of this.#forwardListeners) listener(record);
				}
			}
		});
		this.#link = link;
		this.#presence = new PresenceChannel({
			room: link.awareness,
			sealer: this.#sealer,
			self: () => ({ name: this.#options.deviceName(), publicKey: this.#options.device.publicKey }),
			// Only members are shown, by the names the roster gives them.
			allowed: (key) => !this.#roster || mayAuthor(this.#roster.current(), key),
			nameOf: (key) => (this.#roster ? rosterName(this.#roster.current(), key) : undefined),
			focused: () => this.#focused,
			docs: () => this.#docs.values()
		});
		this.#presence.publish();
	}

	/** Whether the first sync with the relay in this session is done. */
	get synced(): boolean {
		return this.#link?.synced ?? false;
	}

	/** Reconnects now (the browser came back online), instead of waiting for the backoff. */
	reconnect(): void {
		this.#link?.reconnect();
	}

	/** Drops the relay connection (tests, going offline deliberately). */
	disconnect(): void {
		this.#link?.disconnect();
	}

	#blobs(docId: string): Y.Array<Uint8Array> {
		return this.outer.getArray<Uint8Array>(arrayName(docId));
	}

	/** Applies the blobs of a doc not applied yet, in array order, once they are opened; `applying` settles after. */
	#applyBlobs(inner: InnerDoc): Promise<void> {
		inner.applying = inner.applying.then(() => this.#applyNew(inner));
		return inner.applying;
	}

	async #applyNew(inner: InnerDoc): Promise<void> {
		// Every other doc waits for the meta doc's blobs at hand: its authors are judged by the roster in there.
		const meta = this.#docs.get(META_DOC_ID);
		if (meta && meta !== inner) await meta.applying;
		const blobs = this.#blobs(inner.docId)
			.toArray()
			.filter((blob) => !inner.seen.has(blob));
		if (blobs.length === 0) return;
		for (const blob of blobs) {
			inner.seen.add(blob);
			inner.held.delete(blob);
		}
		// Verified together: WebCrypto works on them in parallel, off the main thread.
		const results = await Promise.all(
			blobs.map((blob) =>
				this.#sealer.open(inner.docId, blob).then(
					(opened) => ({ blob, opened }),
					(error: unknown) => ({ blob, error: error instanceof SealError ? error : new SealError('decrypt') })
				)
			)
		);
		if (this.#docs.get(inner.docId) !== inner) return;
		let refused = false;
		/** Blobs that build on structs the document does not hold yet: judged again after the others. */
		let waiting: { blob: Uint8Array; opened: OpenedBlob }[] = [];
		const apply = (blob: Uint8Array, opened: OpenedBlob): void => {
			try {
				const update = updateOf(opened);
				const verdict = this.#rulesHold(inner, opened, update);
				if (verdict === 'wait') {
					waiting.push({ blob, opened });
					return;
				}
				if (verdict === 'refuse') {
					// Refused for good, left in the outer array unapplied (and so never merged away by compaction).
					this.#report({ kind: 'refused', docId: inner.docId, by: [opened.author], blob: blobFingerprint(blob), at: this.#options.now?.() ?? Date.now() });
					return;
				}
				this.#bind(inner, update, opened.author);
				applySettled(inner.doc, opened.plaintext, FROM_VAULT, opened.version === 1 ? 1 : 2);
				inner.opened.add(blob);
			} catch {
				// A signed blob whose content is not a Yjs update: refused like a tampered one.
				refused = true;
				this.#options.onRefusedBlob?.(inner.docId, new SealError('decrypt'));
			}
		};
		Y.transact(
			inner.doc,
			() => {
				for (const result of results) {
					if ('error' in result) {
						refused = true;
						this.#options.onRefusedBlob?.(inner.docId, result.error);
						continue;
					}
					if (!this.#mayApply(inner, result.opened.author, result.opened)) {
						// Refused like a tampered blob, but kept: an approval that has not arrived yet may admit its author.
						inner.seen.delete(result.blob);
						inner.held.add(result.blob);
						this.#options.onRefusedBlob?.(inner.docId, new SealError('author'));
						continue;
					}
					apply(result.blob, result.opened);
				}
				// The outer order may put a blob before the one it builds on (a compaction's snapshot, say).
				const retry = () => {
					for (let tried = waiting.length + 1; waiting.length > 0 && waiting.length < tried; ) {
						tried = waiting.length;
						const again = waiting;
						waiting = [];
						for (const { blob, opened } of again) apply(blob, opened);
					}
				};
				retry();
				// Blobs can also wait on each other: a compaction that merged a session's batches around a larger
				// blob it kept (the snapshot) made a blob whose clocks skip that one, which in turn builds on the
				// batches before it. What of a waiting blob the document can take now is taken, then all are tried again.
				while (waiting.length > 1) {
					const held = integratedState(inner.doc);
					if (!waiting.some(({ opened }) => this.#applyReadyPart(inner, opened, held))) break;
					retry();
				}
			},
			FROM_VAULT
		);
		// Still waiting: opened again when the document's blobs change.
		for (const { blob } of waiting) inner.seen.delete(blob);
		if (refused) {
			this.#problem = 'tampered';
			this.#queueStatus();
		}
		if (inner.held.size > 0) this.#queueStatus();
		this.#maybeCompact(inner);
	}

	/**
	 * Whether a blob's author may write in this group: a member of the roster (or once one), anyone in a group
	 * from before rosters, or, in the meta doc, someone appending only their own join, profile or leave.
	 */
	#mayApply(inner: InnerDoc, author: string, opened: OpenedBlob): boolean {
		const log = this.#roster;
		if (!log) return true;
		if (inner.docId !== META_DOC_ID) return mayAuthor(log.current(), author);
		// Blobs of the meta doc apply one by one in this transaction: the roster may have changed since it began.
		if (mayAuthor(log.now(), author)) return true;
		return onlyOwnRosterOps(inner.doc, updateOf(opened), author);
	}

	/**
	 * Whether a blob's update keeps the client-id binding and its document type's rules (rules.ts
	 * `judgeBlob`), judged against the document as it stands. A document whose type the index does not know
	 * (yet) is held to every type's rules.
	 */
	#rulesHold(inner: InnerDoc, opened: OpenedBlob, update: Uint8Array, clients?: number): Verdict {
		const kind = inner.docId === META_DOC_ID ? 'meta' : inner.docId === INDEX_DOC_ID ? 'index' : this.#index?.entries.get(inner.docId)?.type;
		return judgeBlob(kind, inner.doc, update, opened.author, this.#provenance(inner), clients);
	}

	/**
	 * Applies the part of a waiting blob that the document can take now: its structs up to the first clock it
	 * lacks (Yjs integrates those and keeps the rest pending, in a scratch copy), judged as the whole blob is,
	 * with its signer and its number of Yjs clients. The blob itself stays waiting, and is judged whole (the
	 * part already held then counts as known) once what it builds on has arrived. `held` is what the document
	 * has integrated (`integratedState`): content it keeps pending from other blobs would otherwise join the
	 * part and be judged as this blob's signer's. True when a part applied.
	 */
	#applyReadyPart(inner: InnerDoc, opened: OpenedBlob, held: Uint8Array): boolean {
		const update = updateOf(opened);
		const scratch = new Y.Doc({ gc: false });
		Y.applyUpdateV2(scratch, held);
		const before = Y.encodeStateVector(scratch);
		Y.applyUpdateV2(scratch, update);
		const ready = integratedState(scratch, before);
		scratch.destroy();
		if (Y.parseUpdateMetaV2(ready).to.size === 0) return false;
		if (this.#rulesHold(inner, opened, ready, Y.parseUpdateMetaV2(update).to.size) !== 'apply') return false;
		this.#bind(inner, ready, opened.author);
		applySettled(inner.doc, ready, FROM_VAULT, 2);
		return true;
	}

	#provenance(inner: InnerDoc): Provenance {
		return {
			verify: (client, claim) => {
				const cacheKey = `${inner.docId} ${client} ${claim.key} ${claim.signature}`;
				let valid = this.#verifiedClaims.get(cacheKey);
				if (valid === undefined) {
					try {
						valid = verify(fromBase64Url(claim.signature), utf8(claimMessage(this.id, inner.docId, client)), fromBase64Url(claim.key));
					} catch {
						valid = false;
					}
					if (this.#verifiedClaims.size >= MAX_VERIFIED_CLAIMS) this.#verifiedClaims.clear();
					this.#verifiedClaims.set(cacheKey, valid);
				}
				return valid;
			},
			bound: (client) => inner.bound.get(client)
		};
	}

	/** This device's claim of `client` in `docId`. */
	#claimOf(docId: string, client: number): ClientClaim {
		const { publicKey, secretKey } = this.#options.device;
		return { key: toBase64Url(publicKey), signature: toBase64Url(sign(utf8(claimMessage(this.id, docId, client)), secretKey)) };
	}

	/** Binds the client of a single-client update to its signer, unless the client is bound or claimed already. */
	#bind(inner: InnerDoc, update: Uint8Array, signer: string): void {
		const clients = Y.parseUpdateMetaV2(update).to;
		if (clients.size !== 1) return;
		const [client] = clients.keys() as Iterable<number>;
		if (inner.bound.has(client!) || inner.doc.share.get(CLIENTS_MAP)?._map.has(String(client))) return;
		inner.bound.set(client!, signer);
	}

	/** Held blobs are tried again and presence is read again whenever the roster changes. */
	#rosterChanged(): void {
		for (const inner of this.#docs.values()) {
			if (inner.held.size === 0) continue;
			inner.held.clear();
			void this.#applyBlobs(inner);
		}
		this.#presence?.read();
		this.#queueStatus();
	}

	/** Blobs held back because the roster does not know their author. */
	get heldBlobs(): number {
		let held = 0;
		for (const inner of this.#docs.values()) held += inner.held.size;
		return held;
	}

	/** The group's roster log (meta doc). */
	get roster(): RosterLog {
		if (!this.#roster) throw new Error('the vault is not open');
		return this.#roster;
	}

	/** The evaluated roster now. */
	rosterNow(): Roster {
		return this.roster.current();
	}

	/** Signs (as this device) and appends roster operations, then seals the meta doc at once. */
	async writeRoster(items: (RosterAction | RosterEntry)[]): Promise<void> {
		this.roster.append(items, this.#options.device, this.#options.now?.() ?? Date.now());
		const meta = this.#docs.get(META_DOC_ID);
		if (meta) await this.#seal(meta);
	}

	#onOuterTransaction(transaction: Y.Transaction): void {
		if (transaction.origin !== LOCAL) {
			for (const [docId, removal] of removedBlobs(transaction)) {
				const check = this.#coverChecks.then(() => this.#checkCover(docId, removal));
				this.#coverChecks = check.catch(() => undefined);
			}
			for (const type of transaction.changed.keys()) {
				if (type._item !== null) continue;
				const name = Y.findRootTypeKey(type);
				if (!name.startsWith(DOC_PREFIX)) continue;
				const inner = this.#docs.get(name.slice(DOC_PREFIX.length));
				if (inner) void this.#applyBlobs(inner);
			}
		}
		this.#queueStatus();
	}

	/**
	 * Nothing is destroyed (FORMAT.md "Nothing destroyed"): blobs another device deleted count only as
	 * compaction, when the blobs added in the same outer transaction cover their content. Deleted blobs without
	 * that cover are written back as they were (their authors' signatures intact), unless another member did
	 * so first, and reported with the name of whoever signed the uncovering blobs, when any did.
	 */
	async #checkCover(docId: string, removal: BlobRemoval): Promise<void> {
		const open = (blob: Uint8Array) => this.#sealer.open(docId, blob).then(updateOf, () => undefined);
		const added = (await Promise.all(removal.added.map((blob) => this.#sealer.open(docId, blob).catch(() => undefined)))).filter((opened) => opened !== undefined);
		const deleted = await Promise.all(removal.deleted.map(async (blob) => ({ blob, update: await open(blob) })));
		const uncoveredBy = (reach: Reach, of: typeof deleted) => of.filter(({ update }) => !update || !coveredBy(update, reach));
		let uncovered = uncoveredBy(reachOf(added.map(updateOf)), deleted);
		if (uncovered.length === 0 || this.#closed) return;
		// A compaction's blobs can reach this device apart from its deletions: parked until a blob they follow
		// arrives, or in an earlier message. What matters is that nothing is destroyed, so once nothing is
		// parked the blobs the array holds now are weighed too.
		await this.#outerSettled();
		const live = (await Promise.all(this.#blobs(docId).toArray().map(open))).filter((update) => update !== undefined);
		uncovered = uncoveredBy(reachOf(live), uncovered);
		if (uncovered.length === 0 || this.#closed) return;
		this.#report({ kind: 'restored', docId, by: [...new Set(added.map((opened) => opened.author))], at: this.#options.now?.() ?? Date.now() });
		void this.#restore(docId, uncovered.map(({ blob }) => blob));
	}

	/** Settles once the outer document holds no parked structs, or after COVER_WAIT_MS. */
	#outerSettled(): Promise<void> {
		if (!this.outer.store.pendingStructs) return Promise.resolve();
		return new Promise((resolve) => {
			const done = () => {
				clearTimeout(timer);
				this.outer.off('afterTransaction', check);
				resolve();
			};
			const check = () => {
				if (!this.outer.store.pendingStructs) done();
			};
			const timer = setTimeout(done, COVER_WAIT_MS);
			this.outer.on('afterTransaction', check);
		});
	}

	/** Writes deleted blobs back as they were; members who saw the same deletion wait a moment, so one copy usually does. */
	async #restore(docId: string, uncovered: Uint8Array[]): Promise<void> {
		await new Promise((resolve) => setTimeout(resolve, Math.random() * RESTORE_JITTER_MS));
		if (this.#closed) return;
		const blobs = this.#blobs(docId);
		const present = blobs.toArray();
		const missing = uncovered.filter((blob) => !present.some((stored) => sameBytes(stored, blob)));
		if (missing.length === 0) return;
		this.outer.transact(() => blobs.push(missing), LOCAL);
		const inner = this.#docs.get(docId);
		if (inner) void this.#applyBlobs(inner);
	}

	/** Settles once every deletion seen so far has been checked for cover (tests). */
	coverChecked(): Promise<void> {
		return this.#coverChecks;
	}

	#report(refusal: Refusal): void {
		this.#refusals.push(refusal);
		for (const listener of this.#refusalListeners) listener(refusal);
		this.#queueStatus();
	}

	/** Refused changes and restored deletions seen in this session, oldest first. */
	refusals(): readonly Refusal[] {
		return this.#refusals;
	}

	/** Calls `listener` with every refused change and restored deletion from now on. */
	onRefusal(listener: (refusal: Refusal) => void): () => void {
		this.#refusalListeners.add(listener);
		return () => this.#refusalListeners.delete(listener);
	}

	#acquire(docId: string): InnerDoc {
		let inner = this.#docs.get(docId);
		if (inner) {
			inner.holders++;
			return inner;
		}
		const doc = new Y.Doc();
		inner = {
			docId,
			doc,
			awareness: new Awareness(doc),
			holders: 1,
			pending: [],
			signing: undefined,
			sealing: Promise.resolve(),
			applying: Promise.resolve(),
			timer: undefined,
			seen: new WeakSet(),
			opened: new WeakSet(),
			held: new Set(),
			compactTimer: undefined,
			compacting: Promise.resolve(),
			bound: new Map(),
			claim: undefined
		};
		this.#docs.set(docId, inner);
		const state = inner;
		// Sealed in the v2 encoding (FORMAT.md, version 2): a third smaller for typing, far smaller once merged.
		doc.on('updateV2', (update: Uint8Array, origin: unknown) => {
			// A removed member's copy is read-only: its changes are neither sealed, stored nor sent.
			if (origin === FROM_VAULT || this.#readOnly) return;
			if (origin === CLAIMING) {
				state.claim = update;
				return;
			}
			if (state.claim) {
				state.pending.push(state.claim);
				state.claim = undefined;
			}
			state.pending.push(update);
			// A paste or a script, not typing: sealed now, so a loop that never yields keeps few updates in memory.
			if (state.pending.length >= MAX_PENDING_UPDATES) this.#trySealNow(state);
			else this.#scheduleSeal(state);
			this.#queueStatus();
		});
		inner.awareness.on('change', (_changes: unknown, origin: unknown) => {
			if (origin !== 'local') return;
			// An editor writing carets is the document in use, whatever else is open (lists, search, home).
			this.#focused = state;
			this.#presence?.soon();
		});
		// This session's claim of its client id (FORMAT.md "Client-id binding"), at clock 0 before anything it
		// writes: kept back until the session changes the document, so reading it writes nothing.
		if (!this.#readOnly) doc.transact(() => doc.getMap<ClientClaim>(CLIENTS_MAP).set(String(doc.clientID), this.#claimOf(docId, doc.clientID)), CLAIMING);
		void this.#applyBlobs(inner);
		// Others already editing it show their carets at once, not at their next move.
		this.#presence?.read();
		return inner;
	}

	#scheduleSeal(inner: InnerDoc): void {
		if (inner.timer) return;
		inner.timer = setTimeout(() => {
			inner.timer = undefined;
			this.#trySeal(inner);
		}, this.#options.batchDelayMs ?? BATCH_DELAY_MS);
	}

	/** Seals, keeping the changes pending (and the status saying why) when storage refuses. */
	#trySeal(inner: InnerDoc): void {
		this.#seal(inner).catch(() => {
			// Reported through the status; retried at the next change or flush.
			this.#scheduleSeal(inner);
		});
	}

	/** Seals synchronously, keeping the changes pending when storage refuses (reported in the status). */
	#trySealNow(inner: InnerDoc): void {
		try {
			this.#sealNow(inner);
		} catch {
			this.#scheduleSeal(inner);
		}
	}

	/** Seals a doc's pending local changes into one blob, after the seals before it. */
	#seal(inner: InnerDoc): Promise<void> {
		clearTimeout(inner.timer);
		inner.timer = undefined;
		const run = inner.sealing.then(() => this.#sealPending(inner));
		inner.sealing = run.catch(() => undefined);
		return run;
	}

	async #sealPending(inner: InnerDoc): Promise<void> {
		if (inner.pending.length === 0 || this.#closed) return;
		const merged = inner.pending.length === 1 ? inner.pending[0]! : Y.mergeUpdatesV2(inner.pending);
		inner.pending = [];
		inner.signing = merged;
		let blob: Uint8Array;
		try {
			blob = await this.#sealer.seal(inner.docId, merged);
		} catch (error) {
			if (inner.signing === merged) this.#putBack(inner, merged);
			throw error;
		}
		// Sealed synchronously meanwhile (the page went away, or the vault closed): that blob holds it.
		if (inner.signing !== merged) return;
		inner.signing = undefined;
		this.#push(inner, blob, merged);
	}

	/** Seals a doc's pending and signing changes now, synchronously (noble): the page may not live to wait. */
	#sealNow(inner: InnerDoc): void {
		clearTimeout(inner.timer);
		inner.timer = undefined;
		const updates = [...(inner.signing ? [inner.signing] : []), ...inner.pending];
		if (updates.length === 0 || this.#closed) return;
		const merged = updates.length === 1 ? updates[0]! : Y.mergeUpdatesV2(updates);
		inner.signing = undefined;
		inner.pending = [];
		this.#push(inner, this.#sealer.sealNow(inner.docId, merged), merged);
	}

	/** Keeps changes whose seal failed pending, ahead of newer ones. */
	#putBack(inner: InnerDoc, merged: Uint8Array): void {
		inner.signing = undefined;
		inner.pending.unshift(merged);
		this.#queueStatus();
	}

	/** Adds a sealed blob to the outer doc; on a storage error the changes stay pending. */
	#push(inner: InnerDoc, blob: Uint8Array, merged: Uint8Array): void {
		try {
			this.outer.transact(() => {
				const blobs = this.#blobs(inner.docId);
				blobs.push([blob]);
				this.#markOwn(inner, blobs, 1);
			}, LOCAL);
		} catch (error) {
			// The changes stay pending in memory and are sealed again at the next change or flush.
			this.#unsealedFailures++;
			if (error instanceof DOMException && error.name === 'QuotaExceededError') this.#problem = 'storageFull';
			this.#putBack(inner, merged);
			throw error;
		} finally {
			this.#queueStatus();
		}
		this.#maybeCompact(inner);
	}

	/**
	 * Yjs stores a copy of each pushed Uint8Array, so the blobs just pushed are known by the copies it
	 * returns from now on: the last `count` elements.
	 */
	#markOwn(inner: InnerDoc, blobs: Y.Array<Uint8Array>, count: number): void {
		for (const stored of blobs.toArray().slice(-count)) {
			inner.seen.add(stored);
			inner.opened.add(stored);
		}
	}

	/**
	 * Seals every open doc's pending changes now (page hidden, page closing). With `unloading`, each new blob
	 * also goes to the synchronous journal, since the IndexedDB write may not finish before the page dies.
	 */
	flushAll(unloading = false): void {
		for (const inner of this.#docs.values()) {
			try {
				const before = this.#blobs(inner.docId).length;
				this.#sealNow(inner);
				if (unloading && this.#options.journal) {
					const blobs = this.#blobs(inner.docId).toArray();
					for (const blob of blobs.slice(before)) this.#options.journal.append({ docId: inner.docId, blob });
				}
			} catch {
				// Reported through the status; the changes stay in memory.
			}
		}
	}

	/** What the planner would do with a doc's blobs now. */
	#plan(inner: InnerDoc): { plan: CompactionPlan; blobs: Uint8Array[] } {
		const blobs = this.#blobs(inner.docId).toArray();
		return { plan: planCompaction(blobs.map((blob) => ({ bytes: blob.byteLength, opened: inner.opened.has(blob) }))), blobs };
	}

	#maybeCompact(inner: InnerDoc): void {
		if (inner.compactTimer || this.#closed) return;
		if (this.#plan(inner).plan.kind === 'none') return;
		inner.compactTimer = setTimeout(() => {
			inner.compactTimer = undefined;
			if (this.#docs.get(inner.docId) === inner) void this.compact(inner.docId);
		}, Math.random() * COMPACT_JITTER_MS);
	}

	/**
	 * Performs the compaction plan of an open doc (compaction.ts), after its pending changes are sealed. The
	 * merged blob (or the snapshot, in parts when above MAX_BLOB_BYTES) is opened and sealed with the platform's
	 * Ed25519, then in one outer transaction inserted while exactly the blobs it merged are deleted. Blobs that
	 * could not be opened are never merged; blobs that arrive meanwhile are untouched; when another member
	 * merged all of them meanwhile, nothing is written. With `full`, everything opened is rewritten as a
	 * snapshot whatever the plan says. Compactions of a doc run one after another.
	 */
	compact(docId: string, full = false): Promise<void> {
		const inner = this.#docs.get(docId);
		if (!inner || this.#closed) return Promise.resolve();
		const run = inner.compacting.then(() => this.#compact(inner, full));
		inner.compacting = run.catch(() => undefined);
		return run;
	}

	async #compact(inner: InnerDoc, full: boolean): Promise<void> {
		await this.#seal(inner).catch(() => undefined);
		await inner.applying;
		const live = () => !this.#closed && this.#docs.get(inner.docId) === inner;
		if (!live()) return;
		const docId = inner.docId;
		const { plan: planned, blobs: current } = this.#plan(inner);
		const mergeAll = current.flatMap((blob, index) => (inner.opened.has(blob) ? [index] : []));
		const plan: CompactionPlan = full && mergeAll.length >= 2 ? { kind: 'snapshot', merge: mergeAll } : planned;
		if (plan.kind === 'none') return;
		const merged = plan.merge.map((index) => current[index]!);
		let replacements: Uint8Array[];
		let opened: OpenedBlob[] | undefined;
		if (plan.kind === 'snapshot') {
			replacements = snapshotParts(inner.doc);
		} else {
			opened = await Promise.all(merged.map((blob) => this.#sealer.open(docId, blob)));
			replacements = [Y.mergeUpdatesV2(opened.map(updateOf))];
		}
		// What one Yjs session wrote, merged, is judged where it is new as its signer's own write (rules.ts
		// `ownWrite`): only the device that wrote it merges it, or another's rules would refuse it there.
		const clients = new Set(replacements.flatMap((update) => [...Y.parseUpdateMetaV2(update).to.keys()]));
		if (clients.size === 1) {
			opened ??= await Promise.all(merged.map((blob) => this.#sealer.open(docId, blob)));
			const me = toBase64Url(this.#options.device.publicKey);
			if (opened.some((blob) => blob.author !== me)) return;
		}
		const sealed = await Promise.all(replacements.map((update) => this.#sealer.seal(docId, update)));
		if (!live()) return;
		const mergedSet = new Set(merged);
		const blobs = this.#blobs(docId);
		const now = blobs.toArray();
		if (!now.some((blob) => mergedSet.has(blob))) return;
		this.outer.transact(() => {
			for (let index = now.length - 1; index >= 0; index--) {
				if (mergedSet.has(now[index]!)) blobs.delete(index, 1);
			}
			blobs.push(sealed);
			this.#markOwn(inner, blobs, sealed.length);
		}, LOCAL);
	}

	// ——— GroupVault ———

	async open(docId: string): Promise<OpenDoc> {
		const inner = this.#acquire(docId);
		await inner.applying;
		let closed = false;
		return {
			docId,
			doc: inner.doc,
			awareness: inner.awareness,
			flush: () => this.#seal(inner),
			focus: () => {
				if (closed || this.#focused === inner) return;
				this.#focused = inner;
				this.#presence?.soon();
			},
			close: async () => {
				if (closed) return;
				closed = true;
				await this.#release(inner);
			}
		};
	}

	async #release(inner: InnerDoc): Promise<void> {
		inner.holders--;
		if (inner.holders === 0) {
			// Sealed from the merged update alone, so the doc can go while the signature is made.
			await this.#seal(inner).catch(() => undefined);
		}
		if (inner.holders > 0 || inner.docId === META_DOC_ID || inner.docId === INDEX_DOC_ID) return;
		clearTimeout(inner.compactTimer);
		inner.awareness.destroy();
		inner.doc.destroy();
		this.#docs.delete(inner.docId);
		if (this.#focused === inner) this.#focused = undefined;
		this.#presence?.publish();
	}

	async create(
		type: DocType,
		init: (doc: Y.Doc) => void,
		entry: Pick<DocIndexEntry, 'title'> & Partial<DocIndexEntry>
	): Promise<OpenDoc> {
		const docId = newDocId();
		const opened = await this.open(docId);
		opened.doc.transact(() => init(opened.doc));
		this.touch(docId, { created: this.#options.now?.() ?? Date.now(), ...entry, type });
		return opened;
	}

	touch(docId: string, patch: Partial<DocIndexEntry>): void {
		if (!this.#index) throw new Error('the vault is not open');
		this.#index.touch(docId, patch, this.#options.now?.() ?? Date.now(), this.#options.deviceName(), toBase64Url(this.#options.device.publicKey));
	}

	countSent(docId: string, sent: number): void {
		if (!this.#index) throw new Error('the vault is not open');
		this.#index.countSent(docId, toBase64Url(this.#options.device.publicKey), sent);
	}

	// ——— epochs (rotation.ts) ———

	/** The ids of every inner document this vault holds blobs of. */
	docIds(): string[] {
		return [...this.outer.share.keys()].filter((name) => name.startsWith(DOC_PREFIX)).map((name) => name.slice(DOC_PREFIX.length));
	}

	/**
	 * Writes `update` (v2) into a document as compaction writes a snapshot: sealed by this device in parts of
	 * at most MAX_BLOB_BYTES, added in one outer transaction, and applied to the document if it is open. Key
	 * rotation writes each document's state into the new epoch this way, and a member moving over its diff.
	 */
	async importUpdate(docId: string, update: Uint8Array): Promise<void> {
		let parts = [update];
		if (update.byteLength > MAX_BLOB_BYTES) {
			const source = new Y.Doc();
			Y.applyUpdateV2(source, update);
			parts = snapshotParts(source);
			source.destroy();
		}
		const sealed = await Promise.all(parts.map((part) => this.#sealer.seal(docId, part)));
		if (this.#closed) throw new Error('the vault is closed');
		const inner = this.#docs.get(docId);
		this.outer.transact(() => {
			const blobs = this.#blobs(docId);
			blobs.push(sealed);
			if (inner) this.#markOwn(inner, blobs, sealed.length);
		}, LOCAL);
		if (inner) applySettled(inner.doc, update, FROM_VAULT, 2);
		this.#queueStatus();
	}

	/** The documents holding a blob (live or deleted) past `stateVector` of the outer doc. */
	docsBeyond(stateVector: Map<number, number>): string[] {
		return this.docIds().filter((docId) => {
			for (let item = this.#blobs(docId)._start; item; item = item.right) {
				if (item.id.clock + item.length > (stateVector.get(item.id.client) ?? 0)) return true;
			}
			return false;
		});
	}

	/** Seals a forwarding record's content under this epoch's key (rotation.ts, FORWARD_DOC_ID). */
	sealForward(plaintext: Uint8Array): Promise<Uint8Array> {
		return this.#sealer.seal(FORWARD_DOC_ID, plaintext);
	}

	/** Opens a forwarding record sealed under this epoch's key; rejects with SealError. */
	openForward(record: Uint8Array): Promise<OpenedBlob> {
		return this.#sealer.open(FORWARD_DOC_ID, record);
	}

	/** Sends a forwarding record into this epoch's room (the relay freezes it); false when not connected. */
	forward(record: Uint8Array): boolean {
		return this.#link?.forward(record) ?? false;
	}

	/** Called with each forwarding record the relay sends: the room is frozen, the group moved on. */
	onForward(listener: (record: Uint8Array) => void): () => void {
		this.#forwardListeners.add(listener);
		return () => this.#forwardListeners.delete(listener);
	}

	/** Whether this device read everything the room held (see RelayLink.caughtUp). */
	get caughtUp(): boolean {
		return this.#link?.caughtUp ?? false;
	}

	/** Whether the relay froze this epoch's room. */
	get frozen(): boolean {
		return this.#link?.frozen ?? false;
	}

	/** Whether anything this device holds is not yet on the relay (every document). */
	get pendingAnywhere(): boolean {
		return this.docIds().some((docId) => this.isPendingOnRelay(docId));
	}

	/** Read-only from now on (this device was removed from the group): local changes are dropped. */
	set readOnly(readOnly: boolean) {
		this.#readOnly = readOnly;
	}

	set moving(moving: boolean) {
		this.#moving = moving;
		this.#queueStatus();
	}

	// ——— status ———

	status(): SyncStatus {
		const link = this.#link;
		const onRelay = link?.onRelay() ?? new Map<number, number>();
		let pending = 0;
		for (const name of [...this.outer.share.keys()]) {
			// Arrays that arrived remotely are untyped until asked for by type.
			if (name.startsWith(DOC_PREFIX)) pending += uncovered(this.outer.getArray<Uint8Array>(name), onRelay);
		}
		for (const inner of this.#docs.values()) if (inner.pending.length > 0 || inner.signing) pending++;
		const online = this.#options.online?.() ?? true;
		const silentSince = link?.silentSince;
		const silentFor = silentSince === undefined ? undefined : Date.now() - silentSince;
		const state = syncState({ online, synced: link?.synced ?? false, connecting: link?.connecting ?? false, silentFor }, pending);
		// Nothing else may change while the relay is silent: look again when it has been silent long enough.
		clearTimeout(this.#silenceTimer);
		if (online && silentFor !== undefined && silentFor < RELAY_UNREACHABLE_MS) {
			this.#silenceTimer = setTimeout(() => this.#queueStatus(), RELAY_UNREACHABLE_MS - silentFor);
		}
		const status: SyncStatus = { state, pending };
		if (state === 'unreachable' && link?.lastSyncedAt !== undefined) status.lastSyncedAt = link.lastSyncedAt;
		const progress = link?.progress;
		if (progress) status.progress = progress;
		const upload = link?.upload;
		if (upload) status.upload = upload;
		if (this.#problem) status.problem = this.#problem;
		else if (this.heldBlobs > 0) status.problem = 'tampered';
		if (this.#moving) status.moving = true;
		return status;
	}

	onStatus(listener: (status: SyncStatus) => void): () => void {
		return this.#reporter.listen(listener);
	}

	#queueStatus(): void {
		if (!this.#closed) this.#reporter.queue();
	}

	/** Notes a change of connectivity (the browser's online/offline events). */
	connectivityChanged(): void {
		if (this.#options.online?.() ?? true) this.reconnect();
		this.#queueStatus();
	}

	isPendingOnRelay(docId: string): boolean {
		const inner = this.#docs.get(docId);
		if (inner && (inner.pending.length > 0 || inner.signing)) return true;
		return uncovered(this.#blobs(docId), this.#link?.onRelay() ?? new Map()) > 0;
	}

	/** The relay's last saved-state answer (what it said it stored). */
	get relayStateVector(): Map<number, number> {
		return this.#link?.savedState ?? new Map();
	}

	// ——— presence ———

	/** Re-publishes presence (after a rename). */
	refreshPresence(): void {
		this.#presence?.publish();
	}

	presence(): Presence[] {
		return this.#presence?.people() ?? [];
	}

	onPresence(listener: (people: Presence[]) => void): () => void {
		if (!this.#presence) throw new Error('the vault is not open');
		return this.#presence.listen(listener);
	}

	/**
	 * Creates a direct invite: writes the roster's `invite` operation naming a new one-time key, and returns
	 * the invite (group key and that key's secret) for the link. Only an admin's invite admits anyone.
	 */
	invite(validForMs: number = DEFAULT_INVITE_MS): Invite {
		const name = this.meta.getMap('meta').get('name');
		const now = this.#options.now?.() ?? Date.now();
		const id = toBase64Url(randomBytes(INVITE_ID_BYTES));
		const oneTime = newDeviceKeys();
		const expires = now + validForMs;
		this.roster.append([{ type: 'invite', invite: id, kind: 'direct', expires, inviteKey: toBase64Url(oneTime.publicKey) }], this.#options.device, now);
		return {
			version: 2,
			groupId: this.id,
			epoch: this.epoch,
			keyId: this.#options.currentKey.keyId,
			key: this.#options.currentKey.key,
			relayUrl: this.relayUrl,
			groupName: typeof name === 'string' ? name : '',
			direct: { id, secret: oneTime.secretKey, expires }
		};
	}

	/**
	 * Creates a request link (valid `validForMs`): the roster's `invite` operation and, in the meta doc's
	 * `doors` map, the secret every admin's device needs to open its door room. Nothing of the group key is in it.
	 */
	requestInvite(validForMs: number = DEFAULT_INVITE_MS): RequestInvite {
		const now = this.#options.now?.() ?? Date.now();
		const invite = newRequestInvite(this.#options.currentKey.key, this.id, this.relayUrl, now + validForMs);
		this.meta.transact(() => {
			const record: DoorRecord = { secret: toBase64Url(invite.secret), expires: invite.expires, relayUrl: invite.relayUrl };
			this.meta.getMap<DoorRecord>(DOORS_MAP).set(invite.id, record);
			this.roster.append([{ type: 'invite', invite: invite.id, kind: 'request', expires: invite.expires }], this.#options.device, now);
		});
		return invite;
	}

	/** The request link of a request invite this group made (for showing it again), if its secret is known. */
	requestLink(id: string): RequestInvite | undefined {
		const record = this.meta.getMap<DoorRecord>(DOORS_MAP).get(id);
		return record && typeof record.secret === 'string' ? doorInvite(id, record) : undefined;
	}

	/** The token that revokes a request link's door at the relay (door.ts). */
	doorRevokeToken(id: string): string | undefined {
		const record = this.meta.getMap<DoorRecord>(DOORS_MAP).get(id);
		return record && typeof record.secret === 'string' ? doorRevokeToken(this.#options.currentKey.key, this.id, fromBase64Url(record.secret)) : undefined;
	}

	/** Seals what is pending, disconnects, and releases memory. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.flushAll();
		this.#closed = true;
		clearTimeout(this.#silenceTimer);
		this.#presence?.close();
		this.#reporter.stop();
		for (const inner of this.#docs.values()) {
			clearTimeout(inner.timer);
			clearTimeout(inner.compactTimer);
			inner.awareness.destroy();
			inner.doc.destroy();
		}
		this.#docs.clear();
		this.#index?.destroy();
		this.#link?.destroy();
		await this.#persistence?.destroy();
		this.outer.destroy();
	}

	/** Closes the vault and deletes its local database. */
	async destroyLocal(): Promise<void> {
		const persistence = this.#persistence;
		this.#persistence = undefined;
		await this.close();
		await persistence?.clearData();
	}

	/** The number of seals that failed (storage errors); for tests and the status. */
	get unsealedFailures(): number {
		return this.#unsealedFailures;
	}
}
