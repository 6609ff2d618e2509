/**
 * A discussion's inner document, framework-free: title and optional guide link in `Y.Map('fields')`,
 * messages in `Y.Map('messages')` (id → Y.Map), and their display order in `Y.Array('order')`.
 *
 * Order: every message id is appended to one shared `Y.Array`. Yjs merges concurrent appends into one
 * sequence that is identical on every replica (ties between devices broken by client id), so all devices
 * show the same thread in the same order, and a message written offline lands after everything its author
 * had seen — the causal order a conversation needs — instead of being sorted by an untrusted phone clock.
 */
import * as Y from 'yjs';

/** Shared type names inside a discussion doc. */
export const FIELDS = 'fields';
export const MESSAGES = 'messages';
export const ORDER = 'order';

/**
 * The reactions offered on every message. A message's `reactions` Y.Map holds one flat key per person and
 * emoji (`<emoji> <publicKey>` → true), not a map per emoji: two phones adding the first 👍 while apart would
 * each create that emoji's map, and Yjs keeps only one of two concurrent values of a key. Flat keys never
 * collide, and a thread of thousands of messages carries no empty maps (they cost time on every open).
 */
export const REACTIONS = ['👍', '❤️', '🎉', '✊', '🙏', '😮'] as const;

/** One of the offered reactions. */
export type Reaction = (typeof REACTIONS)[number];

/** Separates emoji and public key in a reaction key; neither a base64url key nor an emoji contains a space. */
const REACTION_SEPARATOR = ' ';

function reactionKey(emoji: string, publicKey: string): string {
	return `${emoji}${REACTION_SEPARATOR}${publicKey}`;
}

/** Longest message text kept; longer input is cut so one paste cannot bloat every member's vault. */
export const MAX_MESSAGE_LENGTH = 10_000;

/** Longest thread title kept. */
export const MAX_TITLE_LENGTH = 200;

/** Random bytes in a message id: 96 bits make collisions between devices negligible. */
const MESSAGE_ID_BYTES = 12;

/** A message as the UI shows it. */
export interface Message {
	id: string;
	/** The author's device public key (base64url). */
	author: string;
	authorName: string;
	/** Empty once deleted. */
	text: string;
	/** ms since epoch on the author's device when written. */
	time: number;
	replyTo?: string;
	editedAt?: number;
	deleted?: number;
	reactions: ReactionCount[];
}

/** How many people reacted with one emoji, and whether this device did. */
export interface ReactionCount {
	emoji: string;
	count: number;
	mine: boolean;
}

/** Who is writing: the device's public key and display name. */
export interface Author {
	publicKey: string;
	name: string;
}

function randomId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(MESSAGE_ID_BYTES));
	let binary = '';
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function clean(text: string, max: number): string {
	return text.trim().slice(0, max);
}

/** Fills a new discussion doc: title, optional guide, optional first message. Run inside `vault.create`. */
export function initDiscussion(
	doc: Y.Doc,
	options: { title: string; guideId?: string; first?: { author: Author; text: string; time?: number } }
): void {
	doc.transact(() => {
		const fields = doc.getMap<string>(FIELDS);
		fields.set('title', clean(options.title, MAX_TITLE_LENGTH));
		if (options.guideId) fields.set('guideId', options.guideId);
		if (options.first && options.first.text.trim()) new Thread(doc).send(options.first.author, options.first.text, { time: options.first.time });
	});
}

/** A discussion doc with verbs for everything a member can do to it. */
export class Thread {
	readonly doc: Y.Doc;
	readonly fields: Y.Map<string>;
	readonly messages: Y.Map<Y.Map<unknown>>;
	readonly order: Y.Array<string>;

	constructor(doc: Y.Doc) {
		this.doc = doc;
		this.fields = doc.getMap<string>(FIELDS);
		this.messages = doc.getMap<Y.Map<unknown>>(MESSAGES);
		this.order = doc.getArray<string>(ORDER);
	}

	get title(): string {
		const title = this.fields.get('title');
		return typeof title === 'string' ? title : '';
	}

	get guideId(): string | undefined {
		const guideId = this.fields.get('guideId');
		return typeof guideId === 'string' ? guideId : undefined;
	}

	/** Renames the thread. */
	setTitle(title: string): void {
		this.fields.set('title', clean(title, MAX_TITLE_LENGTH));
	}

	/**
	 * Message ids in display order. An id can appear twice only through a bug or a hostile peer; the first
	 * occurrence wins and ids without a message are skipped, so every replica still shows the same list.
	 */
	ids(): string[] {
		const seen = new Set<string>();
		const ids: string[] = [];
		for (const id of this.order.toArray()) {
			if (typeof id !== 'string' || seen.has(id) || !this.messages.has(id)) continue;
			seen.add(id);
			ids.push(id);
		}
		return ids;
	}

	/** Number of entries in the order array: cheap, for unread counts without reading every message. */
	get length(): number {
		return this.order.length;
	}

	/**
	 * Messages of the thread (as `ids()` lists them) written by `publicKey`: what this device records in the
	 * doc index, so unread counts elsewhere are the sum over authors without opening the thread.
	 */
	sentBy(publicKey: string): number {
		let count = 0;
		for (const id of this.ids()) if (this.messages.get(id)?.get('author') === publicKey) count++;
		return count;
	}

	/** Reads one message; `me` marks this device's reactions. Undefined when the id is unknown or malformed. */
	message(id: string, me?: string): Message | undefined {
		const map = this.messages.get(id);
		if (!(map instanceof Y.Map)) return undefined;
		const author = map.get('author');
		const time = map.get('time');
		if (typeof author !== 'string' || typeof time !== 'number') return undefined;
		const text = map.get('text');
		const authorName = map.get('authorName');
		const deleted = map.get('deleted');
		const message: Message = {
			id,
			author,
			authorName: typeof authorName === 'string' ? authorName : '',
			text: typeof deleted === 'number' ? '' : text instanceof Y.Text ? text.toString() : typeof text === 'string' ? text : '',
			time,
			reactions: []
		};
		const replyTo = map.get('replyTo');
		if (typeof replyTo === 'string') message.replyTo = replyTo;
		const editedAt = map.get('editedAt');
		if (typeof editedAt === 'number') message.editedAt = editedAt;
		if (typeof deleted === 'number') message.deleted = deleted;
		const reactions = map.get('reactions');
		if (reactions instanceof Y.Map && message.deleted === undefined) {
			const counts = new Map<string, ReactionCount>();
			for (const [key, value] of reactions.entries()) {
				const split = key.lastIndexOf(REACTION_SEPARATOR);
				if (value !== true || split <= 0) continue;
				const emoji = key.slice(0, split);
				const entry = counts.get(emoji) ?? { emoji, count: 0, mine: false };
				entry.count++;
				if (key.slice(split + 1) === me) entry.mine = true;
				counts.set(emoji, entry);
			}
			message.reactions = [...counts.values()].sort((a, b) => reactionRank(a.emoji) - reactionRank(b.emoji) || a.emoji.localeCompare(b.emoji));
		}
		return message;
	}

	/** Appends a message; returns its id. Empty text sends nothing and returns undefined. */
	send(author: Author, text: string, options: { replyTo?: string; time?: number } = {}): string | undefined {
		const body = clean(text, MAX_MESSAGE_LENGTH);
		if (!body) return undefined;
		const id = randomId();
		this.doc.transact(() => {
			const map = new Y.Map<unknown>();
			map.set('author', author.publicKey);
			map.set('authorName', author.name);
			map.set('text', body);
			map.set('time', options.time ?? Date.now());
			if (options.replyTo && this.messages.has(options.replyTo)) map.set('replyTo', options.replyTo);
			map.set('reactions', new Y.Map<boolean>());
			this.messages.set(id, map);
			this.order.push([id]);
		});
		return id;
	}

	#own(id: string, publicKey: string): Y.Map<unknown> | undefined {
		const map = this.messages.get(id);
		if (!(map instanceof Y.Map) || map.get('author') !== publicKey || typeof map.get('deleted') === 'number') return undefined;
		return map;
	}

	/** Replaces the text of one's own message; returns false for someone else's or a deleted one. */
	edit(id: string, publicKey: string, text: string, time = Date.now()): boolean {
		const map = this.#own(id, publicKey);
		const body = clean(text, MAX_MESSAGE_LENGTH);
		if (!map || !body) return false;
		this.doc.transact(() => {
			map.set('text', body);
			map.set('editedAt', time);
		});
		return true;
	}

	/** Deletes one's own message: the text is dropped, a tombstone keeps its place so replies still make sense. */
	delete(id: string, publicKey: string, time = Date.now()): boolean {
		const map = this.#own(id, publicKey);
		if (!map) return false;
		this.doc.transact(() => {
			map.set('text', '');
			map.set('deleted', time);
		});
		return true;
	}

	/** Adds or removes this device's reaction; returns whether it is now set. */
	toggleReaction(id: string, emoji: string, publicKey: string): boolean {
		const map = this.messages.get(id);
		if (!(map instanceof Y.Map) || typeof map.get('deleted') === 'number') return false;
		let on = false;
		this.doc.transact(() => {
			let reactions = map.get('reactions');
			if (!(reactions instanceof Y.Map)) {
				reactions = new Y.Map<boolean>();
				map.set('reactions', reactions);
			}
			const people = reactions as Y.Map<boolean>;
			const key = reactionKey(emoji, publicKey);
			if (people.get(key) === true) people.delete(key);
			else {
				people.set(key, true);
				on = true;
			}
		});
		return on;
	}
}

function reactionRank(emoji: string): number {
	const index = (REACTIONS as readonly string[]).indexOf(emoji);
	return index < 0 ? REACTIONS.length : index;
}
