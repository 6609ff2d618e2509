import { createSubscriber } from 'svelte/reactivity';
import type { GroupVault, OpenDoc } from '$lib/sync/api';
import { keepOpen } from '$lib/discussions/open-docs';
import { Thread, ORDER, type Message } from '$lib/discussions/thread';
import { isPendingMessage, markRelayed, markSeen, relayedAt, seenCount, unreadCount, type MarkerStorage } from '$lib/discussions/markers';

function browserStorage(): MarkerStorage | undefined {
	try {
		return typeof window === 'undefined' ? undefined : window.localStorage;
	} catch {
		return undefined;
	}
}

/**
 * This device's read markers as Svelte sees them: reading a count re-runs when this tab or another tab of
 * the app moves a marker (the `storage` event).
 */
class ReadMarkers {
	#version = $state(0);

	constructor() {
		if (typeof window !== 'undefined') window.addEventListener('storage', () => this.#version++);
	}

	/** Messages of a thread shown on this device. */
	seen(groupId: string, docId: string): number | undefined {
		void this.#version;
		return seenCount(browserStorage(), groupId, docId);
	}

	/** Moves the marker forward to `count` messages. */
	markSeen(groupId: string, docId: string, count: number): void {
		if (markSeen(browserStorage(), groupId, docId, count)) this.#version++;
	}
}

/** The app-wide read markers. */
export const readMarkers = new ReadMarkers();

/**
 * One open thread: its ordered ids, messages and pending state, re-read only after the doc or the group's
 * sync status changed. Messages are read one by one, so a long thread costs only what is on screen.
 */
export class ThreadView {
	readonly thread: Thread;
	readonly groupId: string;
	readonly docId: string;
	#vault: GroupVault;
	#version = 0;
	#idsVersion = -1;
	#ids: string[] = [];
	#subscribeDoc: () => void;
	#subscribeStatus: () => void;

	constructor(vault: GroupVault, groupId: string, opened: OpenDoc) {
		this.#vault = vault;
		this.groupId = groupId;
		this.docId = opened.docId;
		this.thread = new Thread(opened.doc);
		this.#subscribeDoc = createSubscriber((update) => {
			const changed = () => {
				this.#version++;
				update();
			};
			opened.doc.on('update', changed);
			return () => opened.doc.off('update', changed);
		});
		opened.doc.on('update', () => this.#version++);
		this.#subscribeStatus = createSubscriber((update) =>
			vault.onStatus(() => {
				this.#notePending();
				update();
			})
		);
		this.#notePending();
	}

	/** Message ids in the shared order. */
	get ids(): string[] {
		this.#subscribeDoc();
		if (this.#idsVersion !== this.#version) {
			this.#ids = this.thread.ids();
			this.#idsVersion = this.#version;
		}
		return this.#ids;
	}

	get title(): string {
		this.#subscribeDoc();
		return this.thread.title;
	}

	get guideId(): string | undefined {
		this.#subscribeDoc();
		return this.thread.guideId;
	}

	/** One message, with `me`'s reactions marked. */
	message(id: string, me: string | undefined): Message | undefined {
		this.#subscribeDoc();
		return this.thread.message(id, me);
	}

	/** Whether a message shows as pending (written here, not yet on the relay). */
	pending(message: Message, me: string | undefined): boolean {
		this.#subscribeStatus();
		this.#subscribeDoc();
		if (message.author !== me) return false;
		return isPendingMessage(message, me, this.#vault.isPendingOnRelay(this.docId), relayedAt(browserStorage(), this.groupId, this.docId));
	}

	/** Remembers the moment the relay held everything, so messages older than it never show as pending again. */
	#notePending(): void {
		if (!this.#vault.isPendingOnRelay(this.docId)) markRelayed(browserStorage(), this.groupId, this.docId, Date.now());
	}
}

interface Slot {
	opened?: OpenDoc;
	stop?: () => void;
	dropped: boolean;
}

/**
 * Message totals of every discussion in a group, for unread counts on lists and home. Opens the group's
 * discussions (kept open for the visit, see open-docs.ts) while something shows a count.
 */
export class ThreadTotals {
	readonly groupId: string;
	#slots = new Map<string, Slot>();
	#subscribe: () => void;

	constructor(vault: GroupVault) {
		this.groupId = vault.id;
		this.#subscribe = createSubscriber((update) => {
			const slots = this.#slots;
			const sync = () => {
				for (const [docId, entry] of vault.indexMap.entries()) {
					if (entry?.type !== 'discussion' || entry.deleted || slots.has(docId)) continue;
					const slot: Slot = { dropped: false };
					slots.set(docId, slot);
					keepOpen(vault, docId).then(
						(opened) => {
							if (slot.dropped) return;
							slot.opened = opened;
							const order = opened.doc.getArray(ORDER);
							order.observe(update);
							slot.stop = () => order.unobserve(update);
							update();
						},
						// A thread that cannot be opened has no count; the list still shows it.
						() => slots.delete(docId)
					);
				}
				update();
			};
			vault.indexMap.observe(sync);
			sync();
			return () => {
				vault.indexMap.unobserve(sync);
				for (const slot of slots.values()) {
					slot.dropped = true;
					slot.stop?.();
				}
				slots.clear();
			};
		});
	}

	/** Messages in a thread, once it is open here. */
	total(docId: string): number | undefined {
		this.#subscribe();
		return this.#slots.get(docId)?.opened?.doc.getArray(ORDER).length;
	}

	/** Unread messages in one thread. */
	unread(docId: string): number {
		const total = this.total(docId);
		return total === undefined ? 0 : unreadCount(total, readMarkers.seen(this.groupId, docId));
	}

	/** Unread messages across the group's live discussions. */
	unreadInGroup(docIds: Iterable<string>): number {
		let sum = 0;
		for (const docId of docIds) sum += this.unread(docId);
		return sum;
	}
}

const totals = new WeakMap<GroupVault, ThreadTotals>();

/** The shared totals of a group (one per vault, so lists and home share the open docs). */
export function threadTotals(vault: GroupVault): ThreadTotals {
	let found = totals.get(vault);
	if (!found) {
		found = new ThreadTotals(vault);
		totals.set(vault, found);
	}
	return found;
}
