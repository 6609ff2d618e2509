/**
 * What applying an update will cost, estimated from above before it touches the room (PROTOCOL.md, "Work per
 * update"). Yjs integrates each inserted struct after its left origin; when that place is contested (someone
 * else inserted there too) it walks the concurrent siblings one by one to find the struct's place. Ten
 * thousand one-character inserts at position 0 from each of two clients make every insert of the second walk
 * every insert of the first: about 28 s of one thread for two 58 KB updates. The relay runs on one thread, so
 * such an update would stall every room.
 *
 * The estimate reads only the decoded update and the places it names in the room's document:
 * - a struct whose place is free (its left origin's right neighbour in the document is its right origin, or
 *   its left origin is new in this update) and that no other struct of the update claims costs one step
 *   plus at most one per contested struct (only those can be placed beside it in the same transaction);
 * - a contested struct walks at most its parent's whole list (for a map key its history) and what the update
 *   adds to it: two steps per list item, counted in the document (the walk is cheap next to Yjs's own);
 * - every split of an existing struct shifts the struct array of its client.
 * Structs still waiting for missing dependencies (Yjs keeps them as "pending") are estimated with the update,
 * since any update may release them. Fieldbook's own traffic (sealed blobs appended to arrays, map keys set
 * once) is almost all free places: one step per struct.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';

type Struct = Y.Item | Y.GC | Y.Skip;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any shared type, whatever its events
type AnyType = Y.AbstractType<any>;
type Parent = AnyType | 'new' | undefined;

const key = (id: Y.ID) => `${id.client}:${id.clock}`;

/** The struct of the document holding `id`, or undefined when the document does not have it. */
function structAt(doc: Y.Doc, id: Y.ID): Y.Item | Y.GC | undefined {
	const structs = doc.store.clients.get(id.client) as (Y.Item | Y.GC)[] | undefined;
	if (!structs || structs.length === 0) return undefined;
	const last = structs[structs.length - 1]!;
	if (id.clock >= last.id.clock + last.length) return undefined;
	return structs[Y.findIndexSS(structs, id.clock)];
}

/** Items a parent holds: its list, and for a map every key's history. */
function itemsOf(type: AnyType, cap: number): number {
	let count = 0;
	for (let item = type._start; item !== null && count < cap; item = item.right) count++;
	for (const last of type._map.values()) for (let item: Y.Item | null = last; item !== null && count < cap; item = item.left) count++;
	return count;
}

/** Every struct the document holds (an upper bound of any parent's items). */
function structCount(doc: Y.Doc): number {
	let count = 0;
	for (const structs of doc.store.clients.values()) count += structs.length;
	return count;
}

/** The structs Yjs keeps waiting for missing dependencies. */
function pendingStructs(doc: Y.Doc): Struct[] {
	const pending = doc.store.pendingStructs;
	if (!pending) return [];
	try {
		return Y.decodeUpdateV2(pending.update).structs as Struct[];
	} catch {
		return [];
	}
}

/** Bytes Yjs keeps waiting for missing dependencies (structs and deletions). */
export function pendingBytes(doc: Y.Doc): number {
	return (doc.store.pendingStructs?.update.byteLength ?? 0) + (doc.store.pendingDs?.byteLength ?? 0);
}

/**
 * Whether an insert with a left or right origin lands on a free place: its left origin's right neighbour in
 * the document is its right origin (or, without a left origin, its right origin starts the list). Yjs then
 * integrates it without walking. An origin the document lacks is new in the update (placed right after it)
 * or missing (the insert waits): neither walks now. A neighbour collected as GC makes the insert GC too.
 */
function neighboursFree(doc: Y.Doc, item: Y.Item): boolean {
	if (item.origin) {
		const left = structAt(doc, item.origin);
		if (!left || left instanceof Y.GC) return true;
		const end = left.id.clock + left.length - 1;
		const right = item.origin.clock < end ? Y.createID(left.id.client, item.origin.clock + 1) : (left.right?.id ?? null);
		return right === null ? item.rightOrigin === null : item.rightOrigin !== null && Y.compareIDs(right, item.rightOrigin);
	}
	const right = item.rightOrigin && structAt(doc, item.rightOrigin);
	if (right instanceof Y.GC) return true;
	return right instanceof Y.Item && right.id.clock === item.rightOrigin!.clock && right.left === null;
}

/** Steps of shifting struct arrays when the update splits structs (see updateCost). */
function splitCost(doc: Y.Doc, items: Y.Item[], deletions: Map<number, unknown[]>): number {
	// An origin, a right origin, and both ends of every deleted range may split a struct in two, which shifts
	// the rest of its client's struct array (about a thousandth of a step per struct moved).
	const shift = (client: number) => 1 + Math.floor((doc.store.clients.get(client)?.length ?? 0) / 1000);
	let splits = 0;
	for (const item of items) {
		if (item.origin) splits += shift(item.origin.client);
		if (item.rightOrigin) splits += shift(item.rightOrigin.client);
	}
	for (const [client, ranges] of deletions) splits += 2 * ranges.length * shift(client);
	return splits;
}

/**
 * Steps applying `decoded` to `doc` may take, from above; `stopAbove` lets the count end early once it is
 * over the budget. About 0.1–0.3 µs of one thread per step on the machines measured (PROTOCOL.md).
 */
export function updateCost(doc: Y.Doc, decoded: { structs: Struct[]; ds: { clients: Map<number, unknown[]> } }, stopAbove = Infinity): number {
	// Most updates are one insert on a free place (an append, a keystroke): no bookkeeping.
	const only = decoded.structs.length === 1 && !doc.store.pendingStructs ? decoded.structs[0] : undefined;
	if (only instanceof Y.Item && (only.origin || (only.rightOrigin && only.parentSub === null)) && neighboursFree(doc, only)) {
		return 2 + splitCost(doc, [only], decoded.ds.clients);
	}
	const structs = [...decoded.structs, ...pendingStructs(doc)];
	const items: Y.Item[] = [];
	for (const struct of structs) if (struct instanceof Y.Item) items.push(struct);
	if (items.length === 0) return structs.length;
	// What the update itself brings, by id range: a place named there is new.
	const incoming = new Map<number, { from: number; to: number; item: Y.Item }[]>();
	for (const item of items) {
		// Pending structs come after the update's own: keep each client's list in clock order.
		let ranges = incoming.get(item.id.client);
		if (!ranges) incoming.set(item.id.client, (ranges = []));
		ranges.push({ from: item.id.clock, to: item.id.clock + item.length, item });
	}
	for (const ranges of incoming.values()) ranges.sort((a, b) => a.from - b.from);
	// Each client's structs come in clock order: a binary search finds the one holding a clock.
	const incomingItem = (id: Y.ID): Y.Item | undefined => {
		const ranges = incoming.get(id.client);
		if (!ranges) return undefined;
		let low = 0;
		let high = ranges.length - 1;
		while (low <= high) {
			const middle = (low + high) >> 1;
			const range = ranges[middle]!;
			if (id.clock < range.from) high = middle - 1;
			else if (id.clock >= range.to) low = middle + 1;
			else return range.item;
		}
		return undefined;
	};
	let rootNames: Map<AnyType, string> | undefined;
	const resolved = new Map<Y.Item, Parent>();
	const parentOf = (item: Y.Item, depth = 0): Parent => {
		if (resolved.has(item)) return resolved.get(item);
		let parent: Parent;
		const named = item.parent as unknown;
		if (typeof named === 'string') parent = doc.share.get(named) ?? 'new';
		else if (named instanceof Y.ID) {
			const holder = structAt(doc, named);
			parent = holder instanceof Y.Item && holder.content instanceof Y.ContentType ? (holder.content.type as AnyType) : incomingItem(named) ? 'new' : undefined;
		} else {
			const neighbour = item.origin ?? item.rightOrigin;
			const inDoc = neighbour && structAt(doc, neighbour);
			if (inDoc instanceof Y.Item) parent = inDoc.parent as AnyType;
			else if (neighbour && depth < 64) {
				const other = incomingItem(neighbour);
				parent = other ? parentOf(other, depth + 1) : undefined;
			}
		}
		resolved.set(item, parent);
		return parent;
	};
	const parentKey = (item: Y.Item): string => {
		const parent = parentOf(item);
		if (parent instanceof Y.AbstractType) {
			if (parent._item) return key(parent._item.id);
			rootNames ??= new Map([...doc.share].map(([name, type]) => [type, name]));
			return `root:${rootNames.get(parent) ?? '?'}`;
		}
		const named = item.parent as unknown;
		return typeof named === 'string' ? `root:${named}` : named instanceof Y.ID ? key(named) : '?';
	};

	// Who claims which place: a left origin, or the start of a list or map key.
	const claims = new Map<string, number>();
	const claimOf = new Map<Y.Item, string>();
	// Every struct claiming a place already claimed is contested and walks at least 6 steps per struct of the
	// update (see below): enough of them settle the answer before the rest are looked at.
	const contestedAtLeast = 6 * items.length;
	let repeated = 0;
	for (const item of items) {
		const claim = item.origin ? key(item.origin) : `start:${parentKey(item)}:${item.parentSub ?? ''}`;
		claimOf.set(item, claim);
		const count = (claims.get(claim) ?? 0) + 1;
		claims.set(claim, count);
		if (count > 1 && ++repeated * contestedAtLeast > stopAbove) return repeated * contestedAtLeast;
	}

	const contested: Y.Item[] = [];
	let free = 0;
	for (const item of items) {
		if (claims.get(claimOf.get(item)!)! > 1) {
			contested.push(item);
			continue;
		}
		if (item.origin || (item.rightOrigin && item.parentSub === null)) {
			if (neighboursFree(doc, item)) free++;
			else contested.push(item);
			continue;
		}
		const parent = parentOf(item);
		if (item.parentSub !== null) {
			if (parent === 'new' || (parent instanceof Y.AbstractType && !parent._map.has(item.parentSub))) free++;
			else contested.push(item);
			continue;
		}
		if (parent === 'new' || (parent instanceof Y.AbstractType && parent._start === null)) free++;
		else contested.push(item);
	}

	let cost = structs.length + free * (1 + contested.length) + splitCost(doc, items, decoded.ds.clients);
	if (contested.length === 0 || cost > stopAbove) return cost;
	const lengths = new Map<Parent, number>();
	let total: number | undefined;
	for (const item of contested) {
		const parent = parentOf(item);
		let length = lengths.get(parent);
		if (length === undefined) {
			total ??= structCount(doc);
			length = parent === 'new' ? 0 : parent instanceof Y.AbstractType ? itemsOf(parent, total + 1) : total;
			lengths.set(parent, length);
		}
		cost += 2 * (length + 3 * items.length);
		if (cost > stopAbove) return cost;
	}
	return cost;
}

/** Updates estimated below this many steps never wait on the relay-wide budget (Fieldbook's own are ~100). */
export const CHEAP_UPDATE_WORK = 100_000;

/** A token bucket of integration steps: `perSecond` refill, twice that in store. */
export class WorkBudget {
	#tokens: number;
	#at = performance.now();
	constructor(readonly perSecond: number) {
		this.#tokens = 2 * perSecond;
	}

	/** Takes `cost` steps if the bucket holds them; false (and nothing taken) otherwise. */
	take(cost: number): boolean {
		const now = performance.now();
		this.#tokens = Math.min(2 * this.perSecond, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
		this.#at = now;
		if (cost > this.#tokens) return false;
		this.#tokens -= cost;
		return true;
	}
}

/**
 * Counts the structs of a v1 update without building them (Y.decodeUpdate allocates an Item per struct, about
 * 5 µs each): an update above MAX_UPDATE_STRUCTS is refused before that cost. Stops counting past `stopAbove`.
 * Throws on bytes that are not a v1 update.
 */
export function countStructs(update: Uint8Array, stopAbove = Infinity): number {
	const decoder = decoding.createDecoder(update);
	let count = 0;
	const clients = decoding.readVarUint(decoder);
	for (let c = 0; c < clients; c++) {
		const structs = decoding.readVarUint(decoder);
		count += structs;
		if (count > stopAbove) return count;
		decoding.readVarUint(decoder); // client
		decoding.readVarUint(decoder); // clock
		for (let s = 0; s < structs; s++) {
			const info = decoding.readUint8(decoder);
			const ref = info & 0b11111;
			if (ref === 0 || ref === 10) {
				decoding.readVarUint(decoder); // GC or Skip length
				continue;
			}
			if (info & 0b10000000) (decoding.readVarUint(decoder), decoding.readVarUint(decoder)); // origin
			if (info & 0b01000000) (decoding.readVarUint(decoder), decoding.readVarUint(decoder)); // right origin
			if ((info & 0b11000000) === 0) {
				if (decoding.readVarUint(decoder) === 1) decoding.readVarString(decoder); // parent key
				else (decoding.readVarUint(decoder), decoding.readVarUint(decoder)); // parent id
				if (info & 0b00100000) decoding.readVarString(decoder); // parent sub
			}
			switch (ref) {
				case 1: // deleted
					decoding.readVarUint(decoder);
					break;
				case 2: // JSON
					for (let i = decoding.readVarUint(decoder); i > 0; i--) decoding.readVarString(decoder);
					break;
				case 3: // binary
					decoding.readVarUint8Array(decoder);
					break;
				case 4: // string
				case 5: // embed
					decoding.readVarString(decoder);
					break;
				case 6: // format
					decoding.readVarString(decoder);
					decoding.readVarString(decoder);
					break;
				case 7: {
					// type: XML elements (3) and hooks (5) carry a name
					const typeRef = decoding.readVarUint(decoder);
					if (typeRef === 3 || typeRef === 5) decoding.readVarString(decoder);
					break;
				}
				case 8: // any
					for (let i = decoding.readVarUint(decoder); i > 0; i--) decoding.readAny(decoder);
					break;
				case 9: // doc
					decoding.readVarString(decoder);
					decoding.readAny(decoder);
					break;
				default:
					throw new Error(`unknown struct content ${ref}`);
			}
		}
	}
	return count;
}
