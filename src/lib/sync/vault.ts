/**
 * A group's sealed vault: one outer Y.Doc per group epoch, persisted with y-indexeddb and synced through
 * the relay with the stock y-websocket provider. The outer doc holds, per inner document, a top-level
 * `Y.Array<Uint8Array>` named `d/<docId>` of sealed blobs (top-level, so two members who write to a new
 * document at once never replace each other's array). Inner documents are plain Y.Docs in memory only.
 */
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import * as decoding from 'lib0/decoding';
import { WebsocketProvider } from 'y-websocket';
import {
	INDEX_DOC_ID,
	META_DOC_ID,
	type DocIndexEntry,
	type DocType,
	type GroupVault,
	type Invite,
	type OpenDoc,
	type Presence,
	type SyncStatus
} from './api';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes';
import { newDocId, relayCredentials, type DeviceKeys, type GroupKey } from './crypto';
import { DocIndex } from './doc-index';
import { open as openBlob, seal, SealError, type SealContext } from './sealed';
import type { StorageEvents } from '../storage/vault-store';

/** Local changes are sealed after this pause, so typing makes one blob per pause, not per keystroke. */
export const BATCH_DELAY_MS = 500;
/** Seal at once when this many local updates are waiting (a paste or a script, not typing): merging stays cheap. */
export const MAX_PENDING_UPDATES = 200;
/** Compact a document's blobs past this many… */
export const COMPACT_BLOBS = 200;
/** …or past this many bytes. */
export const COMPACT_BYTES = 256 * 1024;
/** Members wait a random part of this before compacting, so they rarely compact the same doc at once. */
export const COMPACT_JITTER_MS = 8_000;
/**
 * Merged blobs stay below this: under the relay's 2 MB frame limit and small enough to cross a 50 kB/s link
 * well within y-websocket's 30-second silence timer. Larger documents are compacted into several blobs.
 */
export const MAX_BLOB_BYTES = 1024 * 1024;
/** The status is recomputed at most this often. */
const STATUS_INTERVAL_MS = 100;
/** Relay extension message types (sync-server/PROTOCOL.md). */
export const MESSAGE_SAVED_STATE = 100;
export const MESSAGE_SYNC_PROGRESS = 101;

/** Transaction origin of changes that came out of the vault (never sealed again). */
const FROM_VAULT = Symbol('from-vault');
/** Transaction origin of blobs this device wrote into the outer doc. */
const LOCAL = Symbol('local');
/** The prefix of the outer doc's top-level arrays. */
const DOC_PREFIX = 'd/';
/** Presence is sealed like a document, under this reserved id. */
const PRESENCE_DOC_ID = 'presence';
/**
 * Cursor moves (every keystroke moves the caret) re-seal presence at most this often: each seal signs, and
 * every member opens every presence state it hears, so per-keystroke presence would cost typing time.
 */
export const PRESENCE_INTERVAL_MS = 250;

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
	timer: ReturnType<typeof setTimeout> | undefined;
	/** Blobs already applied (or refused), so none is opened twice. */
	seen: WeakSet<Uint8Array>;
	/** Blobs that opened; only these may ever be merged away by compaction. */
	opened: WeakSet<Uint8Array>;
	compactTimer: ReturnType<typeof setTimeout> | undefined;
	/** Bytes of the doc's blobs right after its last compaction here: the byte threshold is relative to it. */
	compactedBytes: number;
}

/** A sealed presence state as other members see it. */
interface PresenceState {
	name: string;
	publicKey: string;
	docId?: string;
	doc?: Record<string, unknown> | null;
}

function arrayName(docId: string): string {
	return DOC_PREFIX + docId;
}

/** Counts the elements of a Y.Array the relay's state vector does not cover (items of one client can be merged). */
function uncovered(array: Y.Array<Uint8Array>, relay: Map<number, number>): number {
	let count = 0;
	for (let item = array._start; item !== null; item = item.right) {
		if (item.deleted) continue;
		const known = relay.get(item.id.client) ?? 0;
		const end = item.id.clock + item.length;
		if (end > known) count += end - Math.max(item.id.clock, known);
	}
	return count;
}

/** One open group vault. */
export class Vault implements GroupVault {
	readonly id: string;
	readonly epoch: number;
	readonly relayUrl: string;
	readonly room: string;
	readonly outer = new Y.Doc();
	#meta: Y.Doc | undefined;
	#index: DocIndex | undefined;
	#options: VaultOptions;
	#token: string;
	#provider: WebsocketProvider | undefined;
	#persistence: { destroy(): Promise<void> | void; clearData(): Promise<void> } | undefined;
	#docs = new Map<string, InnerDoc>();
	#relayState = new Map<number, number>();
	/** Clocks of what arrived from the relay: it broadcasts only what it stored, so these are on it too. */
	#received = new Map<number, number>();
	/** True while a message from the relay's websocket is being applied. */
	#fromRelay = false;
	#progress: { received: number; total: number } | undefined;
	#problem: SyncStatus['problem'];
	#statusListeners = new Set<(status: SyncStatus) => void>();
	#presenceListeners = new Set<(people: Presence[]) => void>();
	#presence: Presence[] = [];
	#statusQueued = false;
	#lastStatus: SyncStatus | undefined;
	#closed = false;
	#unsealedFailures = 0;

	private constructor(options: VaultOptions) {
		this.#options = options;
		this.id = options.groupId;
		this.epoch = options.epoch;
		this.relayUrl = options.relayUrl;
		const credentials = relayCredentials(options.currentKey.key, options.groupId, options.epoch);
		this.room = credentials.room;
		this.#token = credentials.token;
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

	/** Opens a vault: loads it from IndexedDB, opens the meta and index docs, then connects to the relay. */
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
		const stored = await this.#options.relayState.load();
		if (stored) this.#relayState = Y.decodeStateVector(stored);
		this.#replayJournal();
		this.outer.on('afterTransaction', (transaction: Y.Transaction) => this.#onOuterTransaction(transaction));
		this.#meta = this.#acquire(META_DOC_ID).doc;
		this.#index = new DocIndex(this.#acquire(INDEX_DOC_ID).doc);
		this.#connect();
		return this;
	}

	/** Puts back blobs sealed during the last unload that IndexedDB did not get to store. */
	#replayJournal(): void {
		const journal = this.#options.journal;
		if (!journal) return;
		const entries = journal.read();
		if (entries.length === 0) return;
		const same = (a: Uint8Array, b: Uint8Array) => a.byteLength === b.byteLength && a.every((byte, index) => byte === b[index]);
		this.outer.transact(() => {
			for (const { docId, blob } of entries) {
				const blobs = this.#blobs(docId);
				if (!blobs.toArray().some((stored) => same(stored, blob))) blobs.push([blob]);
			}
		}, LOCAL);
		journal.clear();
	}

	#connect(): void {
		const base = this.relayUrl.replace(/^http/, 'ws').replace(/\/+$/, '') + '/sync';
		const provider = new WebsocketProvider(base, this.room, this.outer, {
			params: { token: this.#token, saved: '1' },
			connect: this.#options.connect ?? true,
			...(this.#options.WebSocket ? { WebSocketPolyfill: this.#options.WebSocket } : {}),
			// Reconnect attempts back off up to this; a phone coming back online retries within seconds.
			maxBackoffTime: 5_000
		});
		this.#provider = provider;
		this.outer.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin !== provider || !this.#fromRelay) return;
			for (const [client, clock] of Y.parseUpdateMeta(update).to) {
				if (clock > (this.#received.get(client) ?? 0)) this.#received.set(client, clock);
			}
		});
		provider.messageHandlers[MESSAGE_SAVED_STATE] = (_encoder, decoder) => {
			const stateVector = decoding.readVarUint8Array(decoder);
			this.#relayState = Y.decodeStateVector(stateVector);
			void this.#options.relayState.save(stateVector).catch(() => undefined);
			this.#queueStatus();
		};
		provider.messageHandlers[MESSAGE_SYNC_PROGRESS] = (_encoder, decoder) => {
			const total = decoding.readVarUint(decoder);
			this.#progress = total > 0 ? { received: 0, total } : undefined;
			this.#queueStatus();
		};
		const syncHandler = provider.messageHandlers[0]!;
		provider.messageHandlers[0] = (encoder, decoder, p, emitSynced, type) => {
			if (this.#progress && !provider.synced) {
				this.#progress = { ...this.#progress, received: this.#progress.received + decoder.arr.byteLength };
				this.#queueStatus();
			}
			// y-websocket passes emitSynced only for websocket messages; other tabs' (BroadcastChannel) do not
			// prove anything about the relay.
			this.#fromRelay = emitSynced;
			try {
				syncHandler(encoder, decoder, p, emitSynced, type);
			} finally {
				this.#fromRelay = false;
			}
		};
		provider.on('status', () => this.#queueStatus());
		provider.on('sync', (synced: boolean) => {
			if (synced) this.#progress = undefined;
			this.#queueStatus();
		});
		provider.on('connection-close', (event: CloseEvent | null) => {
			if (event && event.code >= 4400 && event.code < 4500) this.#problem = 'relayRefused';
			this.#queueStatus();
		});
		// Only others' states need opening; our own change (origin 'local') leaves theirs as they were.
		provider.awareness.on('change', (_changes: unknown, origin: unknown) => {
			if (origin !== 'local') this.#readPresence();
		});
		this.#publishPresence();
	}

	/** Reconnects now (the browser came back online), instead of waiting for the backoff. */
	reconnect(): void {
		if (this.#provider && !this.#provider.wsconnected && !this.#provider.wsconnecting) this.#provider.connect();
	}

	/** Drops the relay connection (tests, going offline deliberately). */
	disconnect(): void {
		this.#provider?.disconnect();
	}

	#context(docId: string): SealContext {
		return { groupId: this.id, epoch: this.epoch, docId };
	}

	#blobs(docId: string): Y.Array<Uint8Array> {
		return this.outer.getArray<Uint8Array>(arrayName(docId));
	}

	/** Applies the blobs of a doc not applied yet, in array order. */
	#applyBlobs(inner: InnerDoc): void {
		const blobs = this.#blobs(inner.docId).toArray();
		let refused = false;
		Y.transact(
			inner.doc,
			() => {
				for (const blob of blobs) {
					if (inner.seen.has(blob)) continue;
					inner.seen.add(blob);
					try {
						const { plaintext } = openBlob(blob, this.#context(inner.docId), this.#options.keys);
						Y.applyUpdate(inner.doc, plaintext, FROM_VAULT);
						inner.opened.add(blob);
					} catch (error) {
						refused = true;
						const sealError = error instanceof SealError ? error : new SealError('decrypt');
						this.#options.onRefusedBlob?.(inner.docId, sealError);
					}
				}
			},
			FROM_VAULT
		);
		if (refused) {
			this.#problem = 'tampered';
			this.#queueStatus();
		}
		this.#maybeCompact(inner);
	}

	#onOuterTransaction(transaction: Y.Transaction): void {
		if (transaction.origin !== LOCAL) {
			for (const type of transaction.changed.keys()) {
				if (type._item !== null) continue;
				const name = Y.findRootTypeKey(type);
				if (!name.startsWith(DOC_PREFIX)) continue;
				const inner = this.#docs.get(name.slice(DOC_PREFIX.length));
				if (inner) this.#applyBlobs(inner);
			}
		}
		this.#queueStatus();
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
			timer: undefined,
			seen: new WeakSet(),
			opened: new WeakSet(),
			compactTimer: undefined,
			compactedBytes: 0
		};
		this.#docs.set(docId, inner);
		this.#applyBlobs(inner);
		const state = inner;
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === FROM_VAULT) return;
			state.pending.push(update);
			if (state.pending.length >= MAX_PENDING_UPDATES) this.#trySeal(state);
			else this.#scheduleSeal(state);
			this.#queueStatus();
		});
		inner.awareness.on('change', (_changes: unknown, origin: unknown) => {
			if (origin === 'local') this.#presenceSoon();
		});
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
		try {
			this.#seal(inner);
		} catch {
			// Reported through the status; retried at the next change or flush.
			this.#scheduleSeal(inner);
		}
	}

	/** Seals a doc's pending local changes into one blob now. */
	#seal(inner: InnerDoc): void {
		clearTimeout(inner.timer);
		inner.timer = undefined;
		if (inner.pending.length === 0 || this.#closed) return;
		const merged = inner.pending.length === 1 ? inner.pending[0]! : Y.mergeUpdates(inner.pending);
		const blob = seal(merged, this.#context(inner.docId), this.#options.currentKey, this.#options.device);
		try {
			this.outer.transact(() => {
				const blobs = this.#blobs(inner.docId);
				blobs.push([blob]);
				this.#markOwn(inner, blobs, 1);
			}, LOCAL);
			inner.pending = [];
		} catch (error) {
			// The changes stay pending in memory and are sealed again at the next change or flush.
			this.#unsealedFailures++;
			if (error instanceof DOMException && error.name === 'QuotaExceededError') this.#problem = 'storageFull';
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
				this.#seal(inner);
				if (unloading && this.#options.journal) {
					const blobs = this.#blobs(inner.docId).toArray();
					for (const blob of blobs.slice(before)) this.#options.journal.append({ docId: inner.docId, blob });
				}
			} catch {
				// Reported through the status; the changes stay in memory.
			}
		}
	}

	#maybeCompact(inner: InnerDoc): void {
		if (inner.compactTimer || this.#closed) return;
		const blobs = this.#blobs(inner.docId);
		const bytes = blobs.toArray().reduce((sum, blob) => sum + blob.byteLength, 0);
		// Past the byte threshold only once the blobs have grown well beyond the last snapshot: a large guide
		// is not compacted again after every pause.
		const tooBig = bytes > COMPACT_BYTES && bytes > 2 * inner.compactedBytes;
		if (blobs.length <= COMPACT_BLOBS && !tooBig) return;
		inner.compactTimer = setTimeout(() => {
			inner.compactTimer = undefined;
			if (this.#docs.get(inner.docId) === inner) this.compact(inner.docId);
		}, Math.random() * COMPACT_JITTER_MS);
	}

	/**
	 * Compacts an open doc: one snapshot of everything opened replaces exactly the blobs it merged, in one
	 * outer transaction. Blobs that could not be opened are never deleted; blobs that arrive meanwhile are
	 * untouched. When the snapshot would exceed MAX_BLOB_BYTES, runs of blobs are merged instead.
	 */
	compact(docId: string): void {
		const inner = this.#docs.get(docId);
		if (!inner || this.#closed) return;
		this.#seal(inner);
		const blobs = this.#blobs(docId);
		const mergeable = blobs.toArray().filter((blob) => inner.opened.has(blob));
		if (mergeable.length < 2) return;
		const snapshot = Y.encodeStateAsUpdate(inner.doc);
		const replacements: Uint8Array[] = [];
		if (snapshot.byteLength <= MAX_BLOB_BYTES) {
			replacements.push(snapshot);
		} else {
			let run: Uint8Array[] = [];
			let size = 0;
			const flushRun = () => {
				if (run.length === 0) return;
				replacements.push(Y.mergeUpdates(run));
				run = [];
				size = 0;
			};
			for (const blob of mergeable) {
				const { plaintext } = openBlob(blob, this.#context(docId), this.#options.keys);
				if (size + plaintext.byteLength > MAX_BLOB_BYTES) flushRun();
				run.push(plaintext);
				size += plaintext.byteLength;
			}
			flushRun();
		}
		const sealed = replacements.map((update) => seal(update, this.#context(docId), this.#options.currentKey, this.#options.device));
		const merged = new Set(mergeable);
		this.outer.transact(() => {
			const current = blobs.toArray();
			for (let index = current.length - 1; index >= 0; index--) {
				if (merged.has(current[index]!)) blobs.delete(index, 1);
			}
			blobs.push(sealed);
			this.#markOwn(inner, blobs, sealed.length);
		}, LOCAL);
		inner.compactedBytes = blobs.toArray().reduce((sum, blob) => sum + blob.byteLength, 0);
	}

	// ——— GroupVault ———

	async open(docId: string): Promise<OpenDoc> {
		const inner = this.#acquire(docId);
		let closed = false;
		return {
			docId,
			doc: inner.doc,
			awareness: inner.awareness,
			flush: async () => this.#seal(inner),
			close: async () => {
				if (closed) return;
				closed = true;
				this.#release(inner);
			}
		};
	}

	#release(inner: InnerDoc): void {
		this.#seal(inner);
		inner.holders--;
		if (inner.holders > 0 || inner.docId === META_DOC_ID || inner.docId === INDEX_DOC_ID) return;
		clearTimeout(inner.compactTimer);
		inner.awareness.destroy();
		inner.doc.destroy();
		this.#docs.delete(inner.docId);
		this.#publishPresence();
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

	// ——— status ———

	/** What the relay is known to hold: its last saved-state answer, plus everything it sent us since. */
	#onRelay(): Map<number, number> {
		const known = new Map(this.#relayState);
		for (const [client, clock] of this.#received) if (clock > (known.get(client) ?? 0)) known.set(client, clock);
		return known;
	}

	status(): SyncStatus {
		const provider = this.#provider;
		const onRelay = this.#onRelay();
		let pending = 0;
		for (const name of [...this.outer.share.keys()]) {
			// Arrays that arrived remotely are untyped until asked for by type.
			if (name.startsWith(DOC_PREFIX)) pending += uncovered(this.outer.getArray<Uint8Array>(name), onRelay);
		}
		for (const inner of this.#docs.values()) if (inner.pending.length > 0) pending++;
		const online = this.#options.online?.() ?? true;
		let state: SyncStatus['state'];
		if (!online) state = 'offline';
		else if (provider?.wsconnected && provider.synced) state = pending === 0 ? 'savedRelay' : 'syncing';
		else if (provider?.wsconnected || provider?.wsconnecting) state = 'syncing';
		else state = 'savedLocal';
		const status: SyncStatus = { state, pending };
		if (this.#progress && !provider?.synced) status.progress = this.#progress;
		if (this.#problem) status.problem = this.#problem;
		return status;
	}

	onStatus(listener: (status: SyncStatus) => void): () => void {
		this.#statusListeners.add(listener);
		return () => this.#statusListeners.delete(listener);
	}

	/**
	 * Re-evaluates the status soon: at most once per STATUS_INTERVAL_MS, since counting what the relay lacks
	 * walks every blob of the vault.
	 */
	#queueStatus(): void {
		if (this.#statusQueued || this.#closed) return;
		this.#statusQueued = true;
		setTimeout(() => {
			this.#statusQueued = false;
			const status = this.status();
			const last = this.#lastStatus;
			if (
				last &&
				last.state === status.state &&
				last.pending === status.pending &&
				last.problem === status.problem &&
				last.progress?.received === status.progress?.received
			) {
				return;
			}
			this.#lastStatus = status;
			for (const listener of this.#statusListeners) listener(status);
		}, STATUS_INTERVAL_MS);
	}

	/** Notes a change of connectivity (the browser's online/offline events). */
	connectivityChanged(): void {
		if (this.#options.online?.() ?? true) this.reconnect();
		this.#queueStatus();
	}

	isPendingOnRelay(docId: string): boolean {
		const inner = this.#docs.get(docId);
		if (inner && inner.pending.length > 0) return true;
		return uncovered(this.#blobs(docId), this.#onRelay()) > 0;
	}

	/** Whether the relay holds every blob this device has of `docId`, right now. */
	get relayStateVector(): Map<number, number> {
		return this.#relayState;
	}

	// ——— presence ———

	#presenceTimer: ReturnType<typeof setTimeout> | undefined;
	#presenceDirty = false;

	/** Publishes presence now, or once the current interval ends when it was published a moment ago. */
	#presenceSoon(): void {
		if (this.#presenceTimer) {
			this.#presenceDirty = true;
			return;
		}
		this.#publishPresence();
		this.#presenceTimer = setTimeout(() => {
			this.#presenceTimer = undefined;
			if (!this.#presenceDirty) return;
			this.#presenceDirty = false;
			this.#presenceSoon();
		}, PRESENCE_INTERVAL_MS);
	}

	#publishPresence(): void {
		const awareness = this.#provider?.awareness;
		if (!awareness || this.#closed) return;
		const open = [...this.#docs.values()].find((inner) => inner.docId !== META_DOC_ID && inner.docId !== INDEX_DOC_ID);
		const state: PresenceState = {
			name: this.#options.deviceName(),
			publicKey: toBase64Url(this.#options.device.publicKey),
			...(open ? { docId: open.docId, doc: open.awareness.getLocalState() } : {})
		};
		const sealed = seal(utf8(JSON.stringify(state)), this.#context(PRESENCE_DOC_ID), this.#options.currentKey, this.#options.device);
		// All the relay and other rooms' members can see: one opaque field.
		awareness.setLocalState({ e: toBase64Url(sealed) });
	}

	/** Re-publishes presence (after a rename). */
	refreshPresence(): void {
		this.#publishPresence();
	}

	/** Opened presence states by client, kept while unchanged: a state is opened (and verified) once. */
	#openedPresence = new Map<number, { sealed: string; state: PresenceState | undefined }>();

	/** Opens one member's sealed presence; undefined when it does not open or is not theirs. */
	#openPresence(clientId: number, sealed: string): PresenceState | undefined {
		const known = this.#openedPresence.get(clientId);
		if (known?.sealed === sealed) return known.state;
		let state: PresenceState | undefined;
		try {
			const opened = openBlob(fromBase64Url(sealed), this.#context(PRESENCE_DOC_ID), this.#options.keys);
			const parsed = JSON.parse(fromUtf8(opened.plaintext)) as PresenceState;
			if (typeof parsed.name === 'string' && parsed.publicKey === opened.author) state = parsed;
		} catch {
			state = undefined;
		}
		this.#openedPresence.set(clientId, { sealed, state });
		return state;
	}

	#readPresence(): void {
		const awareness = this.#provider?.awareness;
		if (!awareness) return;
		const people: Presence[] = [];
		const byDoc = new Map<string, Map<number, Record<string, unknown>>>();
		for (const [clientId, raw] of awareness.getStates()) {
			if (clientId === awareness.clientID) continue;
			const sealed = (raw as { e?: unknown }).e;
			if (typeof sealed !== 'string') continue;
			// A presence state that does not open is someone else's business: it is left out.
			const state = this.#openPresence(clientId, sealed);
			if (!state) continue;
			people.push({ clientId, name: state.name, publicKey: state.publicKey, ...(state.docId ? { docId: state.docId } : {}) });
			if (state.docId && state.doc) {
				let states = byDoc.get(state.docId);
				if (!states) byDoc.set(state.docId, (states = new Map()));
				states.set(clientId, state.doc);
			}
		}
		for (const clientId of this.#openedPresence.keys()) if (!awareness.getStates().has(clientId)) this.#openedPresence.delete(clientId);
		this.#presence = people;
		for (const listener of this.#presenceListeners) listener(people);
		for (const inner of this.#docs.values()) this.#feedAwareness(inner, byDoc.get(inner.docId) ?? new Map());
	}

	/** Mirrors decrypted remote states into a doc's awareness, where editors read carets from. */
	#feedAwareness(inner: InnerDoc, states: Map<number, Record<string, unknown>>): void {
		const awareness = inner.awareness;
		const added: number[] = [];
		const updated: number[] = [];
		const removed: number[] = [];
		const now = Date.now();
		for (const [clientId, state] of states) {
			const previous = awareness.states.get(clientId);
			if (previous === undefined) added.push(clientId);
			else if (JSON.stringify(previous) !== JSON.stringify(state)) updated.push(clientId);
			const meta = awareness.meta.get(clientId);
			awareness.states.set(clientId, state);
			awareness.meta.set(clientId, { clock: (meta?.clock ?? 0) + 1, lastUpdated: now });
		}
		for (const clientId of [...awareness.states.keys()]) {
			if (clientId !== awareness.clientID && !states.has(clientId)) {
				awareness.states.delete(clientId);
				removed.push(clientId);
			}
		}
		if (added.length + updated.length + removed.length > 0) {
			awareness.emit('change', [{ added, updated, removed }, 'remote']);
			awareness.emit('update', [{ added, updated, removed }, 'remote']);
		}
	}

	presence(): Presence[] {
		return this.#presence;
	}

	onPresence(listener: (people: Presence[]) => void): () => void {
		this.#presenceListeners.add(listener);
		return () => this.#presenceListeners.delete(listener);
	}

	invite(): Invite {
		const name = this.meta.getMap('meta').get('name');
		return {
			version: 1,
			groupId: this.id,
			epoch: this.epoch,
			keyId: this.#options.currentKey.keyId,
			key: this.#options.currentKey.key,
			relayUrl: this.relayUrl,
			groupName: typeof name === 'string' ? name : ''
		};
	}

	/** Seals what is pending, disconnects, and releases memory. */
	async close(): Promise<void> {
		if (this.#closed) return;
		this.flushAll();
		this.#closed = true;
		clearTimeout(this.#presenceTimer);
		for (const inner of this.#docs.values()) {
			clearTimeout(inner.timer);
			clearTimeout(inner.compactTimer);
			inner.awareness.destroy();
			inner.doc.destroy();
		}
		this.#docs.clear();
		this.#index?.destroy();
		this.#provider?.destroy();
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
