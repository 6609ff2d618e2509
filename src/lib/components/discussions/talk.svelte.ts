import { createSubscriber } from 'svelte/reactivity';
import type { GroupVault, OpenDoc } from '$lib/sync/api';
import { Thread, type Author, type Message } from '$lib/discussions/thread';
import { rosterName } from '$lib/sync/roster';
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
	#subscribeRoster: () => void;
	#opened: OpenDoc;
	#version = 0;
	#idsVersion = -1;
	#ids: string[] = [];
	#subscribeDoc: () => void;
	#subscribeStatus: () => void;

	constructor(vault: GroupVault, groupId: string, opened: OpenDoc) {
		this.#vault = vault;
		this.#opened = opened;
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
		this.#subscribeRoster = createSubscriber((update) => vault.roster.listen(update));
		this.#subscribeStatus = createSubscriber((update) =>
			vault.onStatus(() => {
				this.#notePending();
				update();
			})
		);
		this.#notePending();
	}

	/**
	 * Seals a change made here at once, so the other phones show it now rather than after the typing pause
	 * (storage failures show in the sync status, and the change is sealed again at the next flush).
	 */
	#commit(): void {
		this.#opened.flush().catch(() => undefined);
	}

	/** Sends a message, sealed at once; its id, or undefined for empty text. */
	send(author: Author, text: string, options: { replyTo?: string } = {}): string | undefined {
		const id = this.thread.send(author, text, options);
		if (!id) return undefined;
		this.#commit();
		recordSent(this.#vault, this.docId, this.thread, author.publicKey);
		this.#vault.touch(this.docId, {});
		return id;
	}

	/** Replaces the text of one's own message, sealed at once; false for someone else's or a deleted one. */
	edit(id: string, publicKey: string, text: string): boolean {
		const done = this.thread.edit(id, publicKey, text);
		if (done) this.#commit();
		return done;
	}

	/** Deletes one's own message, sealed at once. */
	delete(id: string, publicKey: string): boolean {
		const done = this.thread.delete(id, publicKey);
		if (done) this.#commit();
		return done;
	}

	/** Adds or removes this device's reaction, sealed at once; whether it is now set. */
	toggleReaction(id: string, emoji: string, publicKey: string): boolean {
		const on = this.thread.toggleReaction(id, emoji, publicKey);
		this.#commit();
		return on;
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

	/** One message, with `me`'s reactions marked, its author named as the roster names them. */
	message(id: string, me: string | undefined): Message | undefined {
		this.#subscribeDoc();
		this.#subscribeRoster();
		const message = this.thread.message(id, me);
		const name = message && rosterName(this.#vault.rosterNow(), message.author);
		return message && name ? { ...message, authorName: name } : message;
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

/**
 * Records in the doc index how many of the thread's messages this device wrote, when that changed: the
 * index sums every device's count, which is what unread counts compare with the read marker.
 */
export function recordSent(vault: GroupVault, docId: string, thread: Thread, publicKey: string): void {
	vault.countSent(docId, thread.sentBy(publicKey));
}

/**
 * Message totals of every discussion in a group, for unread counts on lists and home, read from the doc
 * index (each device's count of what it wrote, summed): no thread is opened for a count.
 */
export class ThreadTotals {
	readonly groupId: string;
	#vault: GroupVault;
	#subscribe: () => void;

	constructor(vault: GroupVault) {
		this.groupId = vault.id;
		this.#vault = vault;
		this.#subscribe = createSubscriber((update) => {
			vault.indexMap.observe(update);
			return () => vault.indexMap.unobserve(update);
		});
	}

	/** Messages in a thread, when a device that wrote in it has recorded its count. */
	total(docId: string): number | undefined {
		this.#subscribe();
		return this.#vault.indexMap.get(docId)?.messages;
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
