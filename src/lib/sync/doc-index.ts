/**
 * The doc index: what lists show without opening every document (type, title, last change and by whom,
 * deletion, the guide a thread is about, an action's start, the commons entry a guide was copied from).
 *
 * It syncs inside the `index` inner doc as one key per document and field in `Y.Map('fields')`
 * (`<docId> <field>`). A Yjs map keeps one of two concurrent values of a key, so whole entries per key would
 * let a phone that was offline (or had not yet received the entry) overwrite a rename, a deletion or the
 * entry itself with its own stale copy. Per-field keys keep every field's latest write, and a phone that
 * does not know an entry yet only adds its own "touched" key (`<docId> touched <device key>` → when and by
 * whom), one per device, so the latest change shows whichever write Yjs keeps. The same key carries how
 * many messages of a discussion that device wrote (`sent`); their sum is the entry's `messages`, which home
 * and the discussions list compare with the read marker for unread counts without opening any thread. Only
 * a device writes its own key, so the counts of two members writing at once never overwrite each other.
 *
 * Lists read `entries`: a local (never synced, never stored) `Y.Map` of whole entries kept in step with the
 * synced fields, so they observe it like any Yjs map. Entries of the first format (`Y.Map('docs')`, one
 * whole entry per key) are still read, with newer per-field values on top.
 */
import * as Y from 'yjs';
import type { DocIndexEntry } from './api';

/** The fields written one key each; `updated` and `author` travel together in a device's `touched` key. */
const FIELDS = ['type', 'title', 'deleted', 'guideId', 'starts', 'created', 'copiedFrom', 'discarded'] as const;
type Field = (typeof FIELDS)[number];
const TOUCHED = 'touched';
/** Doc ids, field names and device keys (base64url) contain no space. */
const SEPARATOR = ' ';

function fieldKey(docId: string, field: string): string {
	return `${docId}${SEPARATOR}${field}`;
}

function touchedKey(docId: string, device: string): string {
	return fieldKey(docId, `${TOUCHED}${SEPARATOR}${device}`);
}

/** A device's `touched` value: its last change of the document, and messages it wrote there. */
interface Touched {
	updated?: unknown;
	author?: unknown;
	sent?: unknown;
}

function docIdOf(key: string): string {
	return key.slice(0, key.indexOf(SEPARATOR));
}

export class DocIndex {
	/** Whole entries by doc id, for lists; only entries whose type is known appear. */
	readonly entries: Y.Map<DocIndexEntry>;
	#fields: Y.Map<unknown>;
	#legacy: Y.Map<DocIndexEntry>;
	#view = new Y.Doc();
	/** Each doc's `touched` keys, one per device that changed it. */
	#touchedKeys = new Map<string, Set<string>>();
	#onFields = (event: Y.YMapEvent<unknown>) => {
		for (const key of event.keysChanged) this.#noteKey(key);
		this.#refresh([...event.keysChanged].map(docIdOf));
	};
	#onLegacy = (event: Y.YMapEvent<DocIndexEntry>) => this.#refresh([...event.keysChanged]);

	constructor(doc: Y.Doc) {
		this.#fields = doc.getMap('fields');
		this.#legacy = doc.getMap<DocIndexEntry>('docs');
		this.entries = this.#view.getMap<DocIndexEntry>('docs');
		const ids = new Set<string>(this.#legacy.keys());
		for (const key of this.#fields.keys()) {
			this.#noteKey(key);
			ids.add(docIdOf(key));
		}
		this.#refresh(ids);
		this.#fields.observe(this.#onFields);
		this.#legacy.observe(this.#onLegacy);
	}

	/**
	 * Records a change of `docId`: the fields in `patch` (undefined clears one) plus who changed it and when.
	 * Only the given fields are written, so concurrent changes of other fields by others are kept.
	 */
	touch(docId: string, patch: Partial<DocIndexEntry>, updated: number, author: string, device: string): void {
		const doc = this.#fields.doc!;
		doc.transact(() => {
			for (const field of FIELDS) {
				if (!(field in patch)) continue;
				const value = patch[field as Field];
				const key = fieldKey(docId, field);
				// null, not a deleted key, so a clearing (a restore) is a write that wins like any other.
				if (this.#fields.get(key) !== (value ?? null)) this.#fields.set(key, value ?? null);
			}
			const key = touchedKey(docId, device);
			this.#fields.set(key, { ...this.#touched(key), updated, author });
		});
	}

	/**
	 * Records how many messages of a discussion this device has written (counted in the thread, so a count
	 * that went wrong heals the next time it is recorded). Not a change of the document: `updated` stays.
	 */
	countSent(docId: string, device: string, sent: number): void {
		const key = touchedKey(docId, device);
		const touched = this.#touched(key);
		if (touched?.sent === sent) return;
		this.#fields.set(key, { ...touched, sent });
	}

	#touched(key: string): Touched | undefined {
		const value = this.#fields.get(key);
		return value && typeof value === 'object' ? (value as Touched) : undefined;
	}

	destroy(): void {
		this.#fields.unobserve(this.#onFields);
		this.#legacy.unobserve(this.#onLegacy);
		this.#view.destroy();
	}

	#read(docId: string): DocIndexEntry | undefined {
		const entry: Record<string, unknown> = { ...this.#legacy.get(docId) };
		for (const field of FIELDS) {
			const key = fieldKey(docId, field);
			if (!this.#fields.has(key)) continue;
			const value = this.#fields.get(key);
			if (value === null || value === undefined) delete entry[field];
			else entry[field] = value;
		}
		let messages: number | undefined;
		for (const key of this.#touchedKeys.get(docId) ?? []) {
			const touched = this.#touched(key);
			if (touched && typeof touched.sent === 'number' && Number.isSafeInteger(touched.sent) && touched.sent >= 0) {
				messages = (messages ?? 0) + touched.sent;
			}
			if (!touched || typeof touched.updated !== 'number') continue;
			if (typeof entry.updated === 'number' && touched.updated < entry.updated) continue;
			entry.updated = touched.updated;
			if (typeof touched.author === 'string') entry.author = touched.author;
			// The touched key names the device: screens name it as the roster does.
			entry.authorKey = key.split(SEPARATOR)[2];
		}
		if (typeof entry.type !== 'string') return undefined;
		return {
			...entry,
			title: typeof entry.title === 'string' ? entry.title : '',
			updated: typeof entry.updated === 'number' ? entry.updated : 0,
			author: typeof entry.author === 'string' ? entry.author : '',
			...(messages !== undefined ? { messages } : {})
		} as DocIndexEntry;
	}

	#noteKey(key: string): void {
		const [docId, field] = key.split(SEPARATOR);
		if (field !== TOUCHED || !docId) return;
		let keys = this.#touchedKeys.get(docId);
		if (!keys) this.#touchedKeys.set(docId, (keys = new Set()));
		if (this.#fields.has(key)) keys.add(key);
		else keys.delete(key);
	}

	#refresh(docIds: Iterable<string>): void {
		this.#view.transact(() => {
			for (const docId of new Set(docIds)) {
				const next = this.#read(docId);
				const current = this.entries.get(docId);
				if (!next) {
					if (current) this.entries.delete(docId);
				} else if (!current || JSON.stringify(current) !== JSON.stringify(next)) {
					this.entries.set(docId, next);
				}
			}
		});
	}
}
