/**
 * Rules per document type, pure: whether a decrypted update from one device may reach a document, judged
 * before it is applied (FORMAT.md "Rules per document type"). A rule looks only at what the update would
 * change beyond the document as it stands (new structs, deletions of items not yet deleted), so a compaction
 * that carries content the document already holds passes whoever signed it, and the cost is per update.
 *
 * Each change is placed in the document's tree (root type, then the items between, each with its map key),
 * whether the item is in the document already or arrives in the same update, so a rule reads like the data
 * model: "a key of `rsvps`", "an item inside message m". An update that cannot be placed yet (it builds on
 * structs the document does not hold) is judged once they have arrived.
 */
import * as Y from 'yjs';
import type { DocType } from './api';
import { ROSTER_ARRAY } from './roster-log';

/** The meta doc's map of request-link door records (door-keeper.ts), by invite id. */
export const DOORS_MAP = 'doors';

/** The meta doc's self-asserted member map (public key → {name, publicKey, joinedAt}), from before rosters. */
export const MEMBERS_MAP = 'members';

/** A rule's verdict: apply the update, refuse it for good, or wait for the structs it builds on. */
export type Verdict = 'apply' | 'refuse' | 'wait';

/** One step from a root type down: an item and the map key it is stored under (null in an array or text). */
export interface Step {
	item: Y.Item;
	key: string | null;
}

/** Something an update would do: add an item (`add`) or delete one the document holds (`delete`), and where. */
export interface Change {
	kind: 'add' | 'delete';
	root: string;
	/** From the item directly in the root type down to the changed item itself (never empty). */
	path: Step[];
}

/** Where an item sits: its parent (a root type by name, or the item holding the type) and its map key. */
type Context = { root: string; parent?: undefined; key: string | null } | { root?: undefined; parent: Y.Item; key: string | null };

/** Nesting deeper than any document of the app has; deeper is refused rather than walked. */
const MAX_DEPTH = 32;

/** An update read against a document: what it adds and deletes, each placed in the tree. */
class Reading {
	readonly changes: Change[] = [];
	/** The items the update adds beyond the document, in the update's order. */
	readonly added: Y.Item[] = [];
	readonly #doc: Y.Doc;
	/** The update's items by client, in clock order. */
	readonly #items = new Map<number, Y.Item[]>();
	readonly #contexts = new Map<Y.Item, Context | undefined>();

	private constructor(doc: Y.Doc) {
		this.#doc = doc;
	}

	/** Reads `update` (v2) against `doc`; undefined when it builds on structs `doc` does not hold yet. */
	static read(doc: Y.Doc, update: Uint8Array): Reading | undefined {
		const reading = new Reading(doc);
		const { structs, ds } = Y.decodeUpdateV2(update);
		const added = reading.added;
		/** How far each client's clock reaches with the document and the update together. */
		const reach = new Map<number, number>();
		for (const struct of structs) {
			if (struct instanceof Y.Skip) continue;
			const client = struct.id.client;
			const known = Y.getState(doc.store, client);
			const next = reach.get(client) ?? known;
			if (struct.id.clock > next) return undefined;
			const end = struct.id.clock + struct.length;
			reach.set(client, Math.max(next, end));
			if (!(struct instanceof Y.Item)) continue;
			let items = reading.#items.get(client);
			if (!items) reading.#items.set(client, (items = []));
			items.push(struct);
			if (end > known) added.push(struct);
		}
		for (const [client, ranges] of ds.clients) {
			const end = reach.get(client) ?? Y.getState(doc.store, client);
			for (const { clock, len } of ranges) if (clock + len > end) return undefined;
		}
		for (const item of added) {
			const path = reading.#path(item);
			if (path === 'wait') return undefined;
			if (path) reading.changes.push({ kind: 'add', ...path });
		}
		for (const item of newlyDeleted(doc, ds)) {
			const path = reading.#path(item);
			if (path === 'wait') return undefined;
			if (path) reading.changes.push({ kind: 'delete', ...path });
		}
		return reading;
	}

	/** The item with this id, in the document or in the update; `gone` when the document collected it. */
	#find(id: Y.ID): Y.Item | 'gone' | undefined {
		if (id.clock < Y.getState(this.#doc.store, id.client)) {
			const structs = this.#doc.store.clients.get(id.client)!;
			const struct = structs[Y.findIndexSS(structs, id.clock)];
			return struct instanceof Y.Item ? struct : 'gone';
		}
		const items = this.#items.get(id.client) ?? [];
		let low = 0;
		let high = items.length - 1;
		while (low <= high) {
			const middle = (low + high) >> 1;
			const item = items[middle]!;
			if (id.clock < item.id.clock) high = middle - 1;
			else if (id.clock >= item.id.clock + item.length) low = middle + 1;
			else return item;
		}
		return undefined;
	}

	/** Where `item` sits; undefined when its parent was collected (Yjs then collects it too), `wait` when unknown. */
	#context(item: Y.Item): Context | 'wait' | undefined {
		// An item of the document has its parent type; one of the update names it, or takes it from a neighbour.
		const chain: Y.Item[] = [];
		let current = item;
		let found: Context | 'wait' | undefined;
		for (;;) {
			if (this.#contexts.has(current)) {
				found = this.#contexts.get(current);
				break;
			}
			const parent = current.parent;
			if (parent instanceof Y.AbstractType) {
				found = parent._item ? { parent: parent._item, key: current.parentSub } : { root: Y.findRootTypeKey(parent), key: current.parentSub };
				break;
			}
			if (typeof parent === 'string') {
				found = { root: parent, key: current.parentSub };
				break;
			}
			if (parent instanceof Y.ID) {
				const holder = this.#find(parent);
				found = holder === undefined ? 'wait' : holder === 'gone' || !(holder.content instanceof Y.ContentType) ? undefined : { parent: holder, key: current.parentSub };
				break;
			}
			const neighbourId = current.origin ?? current.rightOrigin;
			const neighbour = neighbourId ? this.#find(neighbourId) : 'gone';
			if (neighbour === undefined) {
				found = 'wait';
				break;
			}
			if (neighbour === 'gone') {
				found = undefined;
				break;
			}
			chain.push(current);
			current = neighbour;
			if (chain.length > 100_000) return undefined;
		}
		if (found === 'wait') return 'wait';
		this.#contexts.set(current, found);
		for (const link of chain) this.#contexts.set(link, found);
		return found;
	}

	/** The root and the steps down to `item`; undefined when it lands nowhere (a collected parent). */
	#path(item: Y.Item): { root: string; path: Step[] } | 'wait' | undefined {
		const path: Step[] = [];
		let current = item;
		for (let depth = 0; depth < MAX_DEPTH; depth++) {
			const context = this.#context(current);
			if (context === 'wait') return 'wait';
			if (context === undefined) return undefined;
			path.unshift({ item: current, key: context.key });
			if (context.root !== undefined) return { root: context.root, path };
			current = context.parent;
		}
		// Deeper than any document of the app: placed nowhere a rule reads, so judged as an unknown root.
		return { root: '', path };
	}

	/** Whether the item is new in this update (not in the document). */
	isNew(item: Y.Item): boolean {
		return item.id.clock >= Y.getState(this.#doc.store, item.id.client);
	}

	/**
	 * The value a map type holds under `key`, whether the map is in the document or arrives in this update:
	 * the document's value, or, in a new map, the value every write of the key in the update agrees on
	 * (undefined when two writes differ: which one Yjs keeps is not for a rule to guess).
	 */
	valueIn(holder: Y.Item, key: string): unknown {
		if (!(holder.content instanceof Y.ContentType)) return undefined;
		if (!this.isNew(holder)) return holder.content.type._map.get(key)?.content.getContent().at(-1);
		const values = new Set<unknown>();
		for (const change of this.changes) {
			const step = change.path.at(-1)!;
			const parent = change.path.at(-2);
			if (change.kind === 'add' && parent?.item === holder && step.key === key) values.add(step.item.content.getContent().at(-1));
		}
		return values.size === 1 ? [...values][0] : undefined;
	}

	/** Whether the map type held by `holder` (in the document) has ever held `key`. */
	hasKey(holder: Y.Item, key: string): boolean {
		return !this.isNew(holder) && holder.content instanceof Y.ContentType && holder.content.type._map.has(key);
	}

	/**
	 * The claim of `client`: the document's (a claim is never overwritten), else the one this update adds
	 * for it. Only a claim the client wrote itself counts (`isSelfClaim`).
	 */
	claim(client: number): ClientClaim | undefined {
		const key = String(client);
		const held = this.#doc.share.get(CLIENTS_MAP)?._map.get(key);
		if (held) return held.id.client === client && !held.deleted ? claimIn(held) : undefined;
		for (const change of this.changes) {
			if (change.root === CLIENTS_MAP && change.kind === 'add' && change.path.length === 1 && change.path[0]!.key === key && change.path[0]!.item.id.client === client) {
				return claimIn(change.path[0]!.item);
			}
		}
		return undefined;
	}

	/** Whether the document's root type `root` has ever held `key`. */
	rootHasKey(root: string, key: string): boolean {
		return this.#doc.share.get(root)?._map.has(key) ?? false;
	}
}

/** The items of `doc` that `update` (v2) would delete and that are not deleted yet. */
function newlyDeleted(doc: Y.Doc, ds: { clients: Map<number, { clock: number; len: number }[]> }): Y.Item[] {
	const items: Y.Item[] = [];
	for (const [client, ranges] of ds.clients) {
		const structs = doc.store.clients.get(client);
		if (!structs) continue;
		const known = Y.getState(doc.store, client);
		for (const { clock, len } of ranges) {
			if (clock >= known) continue;
			for (let index = Y.findIndexSS(structs, clock); index < structs.length; index++) {
				const struct = structs[index]!;
				if (struct.id.clock >= clock + len) break;
				if (struct instanceof Y.Item && !struct.deleted) items.push(struct);
			}
		}
	}
	return items;
}

/** A rule: whether one change, by `author`, is allowed. */
type Rule = (change: Change, author: string, reading: Reading) => boolean;

function judge(doc: Y.Doc, update: Uint8Array, author: string, rules: Rule[]): Verdict {
	const reading = Reading.read(doc, update);
	if (!reading) return 'wait';
	return reading.changes.every((change) => rules.every((rule) => rule(change, author, reading))) ? 'apply' : 'refuse';
}

/** A map key's device public key: the whole key, or (reactions, `touched` keys) the part after the last space. */
function keyOwner(key: string | null): string | undefined {
	return key === null ? undefined : key.slice(key.lastIndexOf(' ') + 1);
}

/**
 * Meta doc. The member map's entry of a key is that key's own: deleting or overwriting (an overwrite deletes
 * the entry it replaces) another key's entry is refused. The roster log is append-only: no entry is deleted
 * (its operations are signed and judged by the roster, FORMAT.md "Roster", but only a kept entry counts).
 * A door record is written once and kept: deleting or overwriting one would shut a request link's door.
 */
const metaRule: Rule = (change, author) => {
	if (change.root === MEMBERS_MAP) return change.kind === 'add' || change.path.length > 1 || change.path[0]!.key === author;
	if (change.root === ROSTER_ARRAY || change.root === DOORS_MAP) return change.kind === 'add';
	return true;
};

/**
 * Discussion. A new message (a key of `messages`) must name the signer as its `author` and take an id the
 * thread never had; no message is ever deleted (deleting is a tombstone field). Anything added or deleted
 * inside a message is its author's, except in its `reactions`: a reaction key `<emoji> <publicKey>` is
 * added or removed only by that key, and a message without a reactions map may get one from anyone.
 * `order` takes appends from anyone and deletions from nobody (the app never deletes there; a message
 * without its entry would vanish). `fields` (title, guide) stays open to every member, as the app has it.
 */
const discussionRule: Rule = (change, author, reading) => {
	const [message, inner, reaction] = change.path;
	if (change.root === 'order') return change.kind === 'add';
	if (change.root !== 'messages') return true;
	if (!inner) {
		if (change.kind === 'delete') return false;
		return message!.item.content instanceof Y.ContentType && reading.valueIn(message!.item, 'author') === author && !reading.rootHasKey('messages', message!.key ?? '');
	}
	if (inner.key === 'reactions') {
		if (reaction) return keyOwner(reaction.key) === author;
		if (reading.valueIn(message!.item, 'author') === author) return true;
		return change.kind === 'add' && inner.item.content instanceof Y.ContentType && !reading.hasKey(message!.item, 'reactions');
	}
	return reading.valueIn(message!.item, 'author') === author;
};

/** Action. A key of `rsvps` or `rsvpOther` (a device public key) is set or deleted only by that key. */
const actionRule: Rule = (change, author) => {
	if (change.root !== 'rsvps' && change.root !== 'rsvpOther') return true;
	return change.path[0]!.key === author;
};

/**
 * Guide. Body and fields are every member's. `versions` is append-only (so a guide's history survives a
 * wipe of its body), and each new version names the signer as its `author`.
 */
const guideRule: Rule = (change, author) => {
	if (change.root !== 'versions') return true;
	if (change.kind === 'delete') return false;
	if (change.path.length > 1) return false;
	const content = change.path[0]!.item.content;
	// A version deleted before a compaction reached this device arrives as deleted content: it shows nothing.
	if (content instanceof Y.ContentDeleted) return true;
	return content instanceof Y.ContentAny && content.getContent().every((version) => !!version && typeof version === 'object' && (version as { author?: unknown }).author === author);
};

/**
 * Doc index. A `<docId> touched <device key>` key of `fields` (who changed a document last, and the
 * messages that device wrote) is set or deleted only by that device. The first format's `docs` map (whole
 * entries naming their author) takes no more writes. Every other field is every member's.
 */
const indexRule: Rule = (change, author) => {
	if (change.root === 'docs') return false;
	if (change.root !== 'fields') return true;
	const [, field, device, ...rest] = (change.path[0]!.key ?? '').split(' ');
	// The index names a touched key's device by its third part: a key with more parts names nobody it may.
	return field !== 'touched' || (device === author && rest.length === 0);
};

/**
 * A device's own write to the member map (`ownWrite`) adds an entry only under its own key. A merged blob or
 * snapshot carries every member's entries, as the group already had them, so it is held to `metaRule` alone.
 */
const ownMetaRule: Rule = (change, author) => change.root !== MEMBERS_MAP || change.kind !== 'add' || change.path.length > 1 || change.path[0]!.key === author;

/** Meta doc rules (`members` map and roster log) for an update signed by `author`. */
export function judgeMeta(doc: Y.Doc, update: Uint8Array, author: string): Verdict {
	return judge(doc, update, author, ownWrite(doc, update) ? [metaRule, ownMetaRule] : [metaRule]);
}

/** Doc index rules. */
export function judgeIndex(doc: Y.Doc, update: Uint8Array, author: string): Verdict {
	return judge(doc, update, author, [indexRule]);
}

/** Discussion rules. */
export function judgeDiscussion(doc: Y.Doc, update: Uint8Array, author: string): Verdict {
	return judge(doc, update, author, [discussionRule]);
}

/** Action rules. */
export function judgeAction(doc: Y.Doc, update: Uint8Array, author: string): Verdict {
	return judge(doc, update, author, [actionRule]);
}

/** Guide rules. */
export function judgeGuide(doc: Y.Doc, update: Uint8Array, author: string): Verdict {
	return judge(doc, update, author, [guideRule]);
}

const TYPE_RULES: Record<DocType, Rule> = { discussion: discussionRule, action: actionRule, guide: guideRule };

/**
 * The rules of a document of `type`; of every type when the index does not know it (yet): the types' shared
 * names do not clash (`fields` is open in all three), so a document is never judged by less than its own.
 */
export function judgeDoc(type: DocType | undefined, doc: Y.Doc, update: Uint8Array, author: string): Verdict {
	return judge(doc, update, author, type ? [TYPE_RULES[type]] : Object.values(TYPE_RULES));
}

/**
 * Each inner document's root map of client claims (FORMAT.md "Client-id binding"): a Yjs client id, in
 * decimal, to the device key that writes as that client and its signature of `claimMessage`. A device
 * writes its claim when a session opens the document, sealed only with the session's first change, so the
 * claim is at clock 0 of the client and travels in the same blob as that change, in every merge and
 * snapshot part after it.
 */
export const CLIENTS_MAP = 'clients';

/** A client claim: the claiming device's public key and its signature (both base64url). */
export interface ClientClaim {
	key: string;
	signature: string;
}

/** What a device key signs to claim a Yjs client id in one document of one group. */
export function claimMessage(groupId: string, docId: string, client: number): string {
	return `fieldbook/client/v1|${groupId}|${docId}|${client}`;
}

function claimIn(item: Y.Item): ClientClaim | undefined {
	if (!(item.content instanceof Y.ContentAny)) return undefined;
	const value = item.content.getContent().at(-1) as Partial<ClientClaim> | null | undefined;
	if (!value || typeof value !== 'object' || typeof value.key !== 'string' || typeof value.signature !== 'string') return undefined;
	return { key: value.key, signature: value.signature };
}

/** A claim is added once, at the root, under the client id of the item that holds it, and never changed. */
function isSelfClaim(change: Change, reading: Reading): boolean {
	if (change.kind === 'delete' || change.path.length !== 1) return false;
	const { item, key } = change.path[0]!;
	return key === String(item.id.client) && !reading.rootHasKey(CLIENTS_MAP, key) && claimIn(item) !== undefined;
}

/** What the vault knows of a document's clients beyond its content. */
export interface Provenance {
	/** Whether `claim` is `claim.key`'s valid signature of `claimMessage` for `client` in this document. */
	verify(client: number, claim: ClientClaim): boolean;
	/** The key an unclaimed client is bound to here: the signer of the first single-client blob it came in. */
	bound(client: number): string | undefined;
}

/** Which rules a document answers to: the meta doc's, the index's, a type's, or (type unknown) every type's. */
export type DocRules = 'meta' | 'index' | DocType | undefined;

function rulesOf(kind: DocRules, own: boolean): Rule[] {
	if (kind === 'meta') return own ? [metaRule, ownMetaRule] : [metaRule];
	if (kind === 'index') return [indexRule];
	return kind ? [TYPE_RULES[kind]] : Object.values(TYPE_RULES);
}

/**
 * Judges a blob's update by its signer, `signer`: the client-id binding first, then the document's rules
 * (FORMAT.md "Client-id binding" and "Rules per document type").
 *
 * A document that holds no claim, with an update that adds none, is from before claims and is judged as
 * it always was: the meta doc's rules for every blob, the others' for a device's own writes. Once claims
 * are there, a claim the update adds must be its own client's and new, and verify if it names a key other
 * than the signer (whose blob signature vouches for it otherwise); structs of this device's
 * own session arriving from outside are forged. Then every change is the signer's, and keeps the rules as
 * the signer's, except in an update of several clients (a compaction's merged blob or snapshot): there
 * the structs of a client another key claims are that key's writes, carried as content the group already
 * had, and deletions (which name no client) are carried too.
 */
export function judgeBlob(
	kind: DocRules,
	doc: Y.Doc,
	update: Uint8Array,
	signer: string,
	provenance: Provenance,
	/** The Yjs clients of the blob `update` comes from, when it is a part of one (see the vault's `#applyReadyPart`). */
	clients = Y.parseUpdateMetaV2(update).to.size
): Verdict {
	const reading = Reading.read(doc, update);
	if (!reading) return 'wait';
	// As `ownWrite`, without parsing the update's clients again.
	const own = clients <= 1 && !holdsNothing(doc);
	const claiming = reading.changes.some((change) => change.root === CLIENTS_MAP);
	if (!claiming && (doc.share.get(CLIENTS_MAP)?._map.size ?? 0) === 0) {
		if (kind !== 'meta' && !own) return 'apply';
		return verdictOf(reading, signer, rulesOf(kind, own));
	}
	if (reading.changes.some((change) => change.root === CLIENTS_MAP && !isSelfClaim(change, reading))) return 'refuse';
	// A document's first content on a device is the snapshot it starts from (`ownWrite`); its claims are
	// checked when a later update is judged by them.
	if (holdsNothing(doc)) return 'apply';
	/** Clients of the update whose structs another key claims. */
	const others = new Set<number>();
	const checked = new Set<number>();
	for (const item of reading.added) {
		const client = item.id.client;
		if (checked.has(client)) continue;
		checked.add(client);
		if (client === doc.clientID) return 'refuse';
		const claim = reading.claim(client);
		// A claim naming the signer changes nothing (the signer's either way); one naming another key counts
		// only if it verifies, and one this update adds must.
		if (claim && claim.key !== signer) {
			if (provenance.verify(client, claim)) others.add(client);
			else if (!reading.rootHasKey(CLIENTS_MAP, String(client))) return 'refuse';
		} else if (!claim) {
			const key = provenance.bound(client);
			if (key !== undefined && key !== signer) others.add(client);
		}
	}
	// A merge of several sessions carries what it holds of other keys' sessions. So does a snapshot in parts
	// (compaction, key rotation): it is cut by Yjs client, and a part can hold one other member's session alone.
	const carrying = clients > 1 || [...checked].some((client) => others.has(client));
	const rules = rulesOf(kind, own);
	for (const change of reading.changes) {
		if (change.root === CLIENTS_MAP) continue;
		const carried = carrying && (change.kind === 'delete' ? kind !== 'meta' : others.has(change.path.at(-1)!.item.id.client));
		if (!carried && !rules.every((rule) => rule(change, signer, reading))) return 'refuse';
	}
	return 'apply';
}

function verdictOf(reading: Reading, author: string, rules: Rule[]): Verdict {
	return reading.changes.every((change) => rules.every((rule) => rule(change, author, reading))) ? 'apply' : 'refuse';
}

/**
 * Whether an update is one device's own write, which the type rules judge: the document holds content
 * already and every struct the update carries comes from one Yjs client id (one session of one device: a
 * device seals only its own changes). Anything else is content the group already had, carried by whoever
 * signed it: a compaction's merged blob or snapshot and a key rotation's snapshot carry several sessions'
 * structs whose own blobs are gone (no device that lacks them could judge them by their signer), and a
 * document's first content on a device is the snapshot it starts from. The members who held the document
 * when the original writes arrived judged them.
 */
export function ownWrite(doc: Y.Doc, update: Uint8Array): boolean {
	if (holdsNothing(doc)) return false;
	return Y.parseUpdateMetaV2(update).to.size <= 1;
}

/**
 * Whether the document holds no content yet: nothing at all, or only this session's claim (written by a
 * transaction that read it before its first content arrived).
 */
function holdsNothing(doc: Y.Doc): boolean {
	const { clients } = doc.store;
	if (clients.size === 0) return true;
	const own = clients.get(doc.clientID);
	if (clients.size > 1 || !own) return false;
	const claims = doc.share.get(CLIENTS_MAP);
	return own.every((struct) => struct instanceof Y.Item && struct.parent === claims);
}

/** Whether a meta-doc update keeps the meta rules (kept for callers that judge without waiting). */
export function metaRuleHolds(doc: Y.Doc, update: Uint8Array, author: string): boolean {
	return judgeMeta(doc, update, author) === 'apply';
}
