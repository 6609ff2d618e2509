/**
 * Presence: each member's name and the caret state of the document they have open, sealed like a blob and
 * published as one opaque awareness field of the relay room, then opened and mirrored into the awareness of
 * the matching inner document, where editors read carets from.
 */
import type { Awareness } from 'y-protocols/awareness';
import type { Presence } from './api';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes';
import { claimedAuthorOfBlob, SealError } from './sealed';
import type { Sealer } from './sealer';

/** Presence is sealed like a document, under this reserved id. */
export const PRESENCE_DOC_ID = 'presence';
/**
 * Cursor moves (every keystroke moves the caret) re-seal presence at most this often: each seal signs, and
 * every member opens every presence state it hears, so per-keystroke presence would cost typing time.
 */
export const PRESENCE_INTERVAL_MS = 250;
/**
 * Presence states opened (verified and decrypted) per member and second, at most: what one member publishes
 * at PRESENCE_INTERVAL_MS. States past it wait unopened (the newest is opened once the member's budget
 * allows), so a member flooding the room with sealed states costs the others' phones a few opens a second.
 */
export const PRESENCE_OPENS_PER_SECOND = 1000 / PRESENCE_INTERVAL_MS;
/** Opens of client ids not seen opening before, per second, whatever key they name (before a roster says who may). */
const NEWCOMER_OPENS_PER_SECOND = 4 * PRESENCE_OPENS_PER_SECOND;

/** A token bucket of opens: holds up to one second's worth. */
class OpenBudget {
	#tokens: number;
	#at: number;

	constructor(
		readonly perSecond: number,
		now: number
	) {
		this.#tokens = perSecond;
		this.#at = now;
	}

	/** Takes one open if there is one; otherwise says in how many ms there will be. */
	take(now: number): number {
		this.#tokens = Math.min(this.perSecond, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
		this.#at = now;
		if (this.#tokens >= 1) {
			this.#tokens -= 1;
			return 0;
		}
		return Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000);
	}

	/** Whether the bucket is full again (it can be forgotten). */
	full(now: number): boolean {
		return this.#tokens + ((now - this.#at) / 1000) * this.perSecond >= this.perSecond;
	}
}

/** A sealed presence state as other members see it. */
interface PresenceState {
	name: string;
	publicKey: string;
	docId?: string;
	doc?: Record<string, unknown> | null;
}

/** An open inner document as presence sees it. */
export interface PresenceDoc {
	docId: string;
	awareness: Awareness;
}

/** One vault's presence: publishing this device's, opening the others'. */
export class PresenceChannel {
	readonly #room: Awareness;
	readonly #sealer: Sealer;
	readonly #self: () => { name: string; publicKey: Uint8Array };
	/** The document this device's caret state is published for, if any. */
	readonly #focused: () => PresenceDoc | undefined;
	/** Every open document, whose awareness mirrors the others' carets. */
	readonly #docs: () => Iterable<PresenceDoc>;
	readonly #allowed: (key: string) => boolean;
	readonly #nameOf: (key: string) => string | undefined;
	#listeners = new Set<(people: Presence[]) => void>();
	#people: Presence[] = [];
	#timer: ReturnType<typeof setTimeout> | undefined;
	#dirty = false;
	#closed = false;
	/** Counts publications, so a state signed late never replaces a newer one. */
	#generation = 0;
	/** Opened presence states by client, kept while unchanged: a state is opened (and verified) once. */
	#opened = new Map<number, { sealed: string; state: PresenceState | undefined }>();
	/**
	 * Open budgets (PRESENCE_OPENS_PER_SECOND): per member key for the client ids that opened under it before,
	 * and per named key for client ids new to it, so states forged in a member's name cannot use up that
	 * member's own budget.
	 */
	#budgets = new Map<string, OpenBudget>();
	#newcomers: OpenBudget;
	/** States not opened yet (over budget, or of a key not shown), decoded once. */
	#waiting = new Map<number, { sealed: string; blob: Uint8Array | undefined; claimed: string | undefined }>();
	/** Client ids whose state was signed by another key than it named: never opened again. */
	#forged = new Set<number>();
	/** A read is due once a budget allows the states left unopened. */
	#retry: ReturnType<typeof setTimeout> | undefined;
	readonly #now: () => number;

	constructor(options: {
		room: Awareness;
		sealer: Sealer;
		self: () => { name: string; publicKey: Uint8Array };
		focused: () => PresenceDoc | undefined;
		docs: () => Iterable<PresenceDoc>;
		/** Whether a device key may be shown (a member); everyone when left out. */
		allowed?: (key: string) => boolean;
		/** The name the roster gives a device key, which wins over the name in its presence. */
		nameOf?: (key: string) => string | undefined;
		/** The clock of the open budgets (Date.now when left out). */
		now?: () => number;
	}) {
		this.#room = options.room;
		this.#sealer = options.sealer;
		this.#self = options.self;
		this.#focused = options.focused;
		this.#docs = options.docs;
		this.#allowed = options.allowed ?? (() => true);
		this.#nameOf = options.nameOf ?? (() => undefined);
		this.#now = options.now ?? Date.now;
		this.#newcomers = new OpenBudget(NEWCOMER_OPENS_PER_SECOND, this.#now());
	}

	/** Publishes presence now, or once the current interval ends when it was published a moment ago. */
	soon(): void {
		if (this.#timer) {
			this.#dirty = true;
			return;
		}
		this.publish();
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			if (!this.#dirty) return;
			this.#dirty = false;
			this.soon();
		}, PRESENCE_INTERVAL_MS);
	}

	/** Seals and publishes this device's presence now (the newest state wins if signing overlaps). */
	publish(): void {
		if (this.#closed) return;
		const self = this.#self();
		const open = this.#focused();
		const state: PresenceState = {
			name: self.name,
			publicKey: toBase64Url(self.publicKey),
			...(open ? { docId: open.docId, doc: open.awareness.getLocalState() } : {})
		};
		const generation = ++this.#generation;
		this.#sealer.seal(PRESENCE_DOC_ID, utf8(JSON.stringify(state))).then(
			(sealed) => {
				// All the relay and other rooms' members can see: one opaque field.
				if (generation === this.#generation && !this.#closed) this.#room.setLocalState({ e: toBase64Url(sealed) });
			},
			// Signing cannot fail with a valid device key; a failure leaves the last published state.
			() => undefined
		);
	}

	/**
	 * Opens one member's sealed presence; undefined when it does not open or is not theirs. A state the
	 * budget cannot open now keeps the client's last opened state (`waitMs` says when to read again).
	 */
	#open(clientId: number, sealed: string): { state: PresenceState | undefined; waitMs?: number } {
		const known = this.#opened.get(clientId);
		if (known?.sealed === sealed) return { state: known.state };
		const kept = { state: known?.state };
		if (this.#forged.has(clientId)) return kept;
		let waiting = this.#waiting.get(clientId);
		if (waiting?.sealed !== sealed) {
			let blob: Uint8Array | undefined;
			try {
				blob = fromBase64Url(sealed);
			} catch {
				blob = undefined;
			}
			waiting = { sealed, blob, claimed: blob && claimedAuthorOfBlob(blob) };
			this.#waiting.set(clientId, waiting);
		}
		const { blob, claimed } = waiting;
		// Only a key that may be shown is worth a signature check.
		if (!blob || !claimed || !this.#allowed(claimed)) return kept;
		const waitMs = this.#take(clientId, claimed, known?.state?.publicKey === claimed);
		if (waitMs > 0) return { ...kept, waitMs };
		let state: PresenceState | undefined;
		try {
			const opened = this.#sealer.openNow(PRESENCE_DOC_ID, blob);
			const parsed = JSON.parse(fromUtf8(opened.plaintext)) as PresenceState;
			if (typeof parsed.name === 'string' && parsed.publicKey === opened.author) state = parsed;
			else if (parsed.publicKey !== opened.author) this.#forged.add(clientId);
		} catch (error) {
			if (error instanceof SealError && error.code === 'signature') this.#forged.add(clientId);
			state = undefined;
		}
		this.#waiting.delete(clientId);
		this.#opened.set(clientId, { sealed, state });
		return { state };
	}

	/** Takes one open from the budget of `key` (for a client id that opened under it before, or a new one). */
	#take(clientId: number, key: string, known: boolean): number {
		const now = this.#now();
		if (!known) {
			const wait = this.#newcomers.take(now);
			if (wait > 0) return wait;
		}
		const name = `${known ? 'known' : 'new'}:${key}`;
		let budget = this.#budgets.get(name);
		if (!budget) this.#budgets.set(name, (budget = new OpenBudget(PRESENCE_OPENS_PER_SECOND, now)));
		return budget.take(now);
	}

	/** Re-reads the others' states after the room's awareness changed. */
	read(): void {
		const awareness = this.#room;
		const people: Presence[] = [];
		const byDoc = new Map<string, Map<number, Record<string, unknown>>>();
		let retryMs = Infinity;
		for (const [clientId, raw] of awareness.getStates()) {
			if (clientId === awareness.clientID) continue;
			const sealed = (raw as { e?: unknown }).e;
			if (typeof sealed !== 'string') continue;
			// A presence state that does not open is someone else's business: it is left out.
			const { state, waitMs } = this.#open(clientId, sealed);
			if (waitMs !== undefined) retryMs = Math.min(retryMs, waitMs);
			if (!state || !this.#allowed(state.publicKey)) continue;
			const name = this.#nameOf(state.publicKey) ?? state.name;
			people.push({ clientId, name, publicKey: state.publicKey, ...(state.docId ? { docId: state.docId } : {}) });
			if (state.docId && state.doc) {
				let states = byDoc.get(state.docId);
				if (!states) byDoc.set(state.docId, (states = new Map()));
				states.set(clientId, withName(state.doc, name));
			}
		}
		for (const clientId of this.#opened.keys()) if (!awareness.getStates().has(clientId)) this.#opened.delete(clientId);
		for (const clientId of this.#forged) if (!awareness.getStates().has(clientId)) this.#forged.delete(clientId);
		for (const clientId of this.#waiting.keys()) if (!awareness.getStates().has(clientId)) this.#waiting.delete(clientId);
		const now = this.#now();
		for (const [name, budget] of this.#budgets) if (budget.full(now)) this.#budgets.delete(name);
		if (retryMs < Infinity && !this.#retry && !this.#closed) {
			this.#retry = setTimeout(() => {
				this.#retry = undefined;
				this.read();
			}, retryMs);
		}
		this.#people = people;
		for (const listener of this.#listeners) listener(people);
		for (const doc of this.#docs()) feedAwareness(doc.awareness, byDoc.get(doc.docId) ?? new Map());
	}

	people(): Presence[] {
		return this.#people;
	}

	listen(listener: (people: Presence[]) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	close(): void {
		this.#closed = true;
		clearTimeout(this.#timer);
		clearTimeout(this.#retry);
	}
}

/** A caret state with the roster's name for its person (editors show `user.name` beside the caret). */
function withName(state: Record<string, unknown>, name: string): Record<string, unknown> {
	const user = state.user;
	if (!user || typeof user !== 'object') return state;
	return { ...state, user: { ...(user as Record<string, unknown>), name } };
}

/** Mirrors decrypted remote states into a doc's awareness, where editors read carets from. */
function feedAwareness(awareness: Awareness, states: Map<number, Record<string, unknown>>): void {
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
