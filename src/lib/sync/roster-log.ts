/**
 * The roster as it lives in a group: the meta doc's `Y.Array('roster')` of signed entries (roster.ts),
 * evaluated again whenever the array changes (signatures are checked once per session, see `VerifyCache`),
 * and the rule that decides whether a sealed blob's author may write (DESIGN.md "Authorship means
 * membership"). Framework-free; the vault wires it.
 */
import { CLIENTS_MAP } from './rules';
import * as Y from 'yjs';
import {
	emptyRoster,
	evaluateRoster,
	parseRosterOp,
	rosterEntry,
	type Roster,
	type RosterAction,
	type RosterEntry,
	type VerifyCache
} from './roster';
import type { DeviceKeys } from './crypto';

/** The meta doc's array that holds the roster log. */
export const ROSTER_ARRAY = 'roster';

/** Operations a device that is not (yet) a member may write about itself into the meta doc. */
const OWN_OPERATIONS = new Set(['join', 'leave', 'profile']);

/** One group's roster log, evaluated. */
export class RosterLog {
	readonly #groupId: string;
	readonly #array: Y.Array<RosterEntry>;
	readonly #cache: VerifyCache = new Map();
	#roster: Roster = emptyRoster();
	#stale = true;
	#listeners = new Set<(roster: Roster) => void>();

	constructor(meta: Y.Doc, groupId: string) {
		this.#groupId = groupId;
		this.#array = meta.getArray<RosterEntry>(ROSTER_ARRAY);
		this.#array.observe(() => {
			this.#stale = true;
			if (this.#listeners.size === 0) return;
			const roster = this.current();
			for (const listener of this.#listeners) listener(roster);
		});
	}

	/**
	 * The roster evaluated from the array as it is this instant, even inside a transaction that is still
	 * applying blobs (observers, and so `current`, only hear of it when the transaction ends).
	 */
	now(): Roster {
		return evaluateRoster(this.#groupId, this.#array.toArray(), this.#cache);
	}

	/** The roster as the log holds it now. */
	current(): Roster {
		if (this.#stale) {
			this.#roster = evaluateRoster(this.#groupId, this.#array.toArray(), this.#cache);
			this.#stale = false;
		}
		return this.#roster;
	}

	/** The raw entries, in log order. */
	entries(): RosterEntry[] {
		return this.#array.toArray();
	}

	/** Calls `listener` with the new roster after every change of the log; returns an unsubscribe function. */
	listen(listener: (roster: Roster) => void): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** Signs operations as `device` and appends them (with entries signed by others, e.g. a joiner's request) in one change. */
	append(items: (RosterAction | RosterEntry)[], device: DeviceKeys, now: number): void {
		const entries = items.map((item) => ('o' in item && 's' in item ? item : rosterEntry(this.#groupId, item as RosterAction, device, now)));
		const doc = this.#array.doc!;
		doc.transact(() => this.#array.push(entries));
	}

	/** Whether the log holds an entry with this signature (a request already handled, an invite already listed). */
	has(signature: string): boolean {
		return this.#array.toArray().some((entry) => entry?.s === signature);
	}
}

/**
 * Whether a meta-doc update from `author`, who may not author blobs, only appends roster operations about
 * themselves (their own join, profile or leave): what a direct invite's holder writes before the roster
 * admits them. Tried on a scratch copy of the meta doc: nothing deleted, nothing else changed, nothing left
 * waiting for missing updates. `update` is in the Yjs v2 encoding (what document blobs hold, FORMAT.md).
 */
export function onlyOwnRosterOps(meta: Y.Doc, update: Uint8Array, author: string): boolean {
	const scratch = new Y.Doc();
	try {
		Y.applyUpdate(scratch, Y.encodeStateAsUpdate(meta));
		const roster = scratch.getArray<RosterEntry>(ROSTER_ARRAY);
		const before = new Set(roster.toArray().map((entry) => entry?.s));
		let ok = true;
		scratch.on('afterTransaction', (transaction: Y.Transaction) => {
			if (transaction.deleteSet.clients.size > 0) ok = false;
			// Besides roster entries, only the session's client claim (judged with the rest, rules.ts).
			for (const type of transaction.changed.keys()) if (type !== roster && type !== scratch.share.get(CLIENTS_MAP)) ok = false;
		});
		Y.applyUpdateV2(scratch, update);
		if (!ok || scratch.store.pendingStructs || scratch.store.pendingDs) return false;
		const added = roster.toArray().filter((entry) => !before.has(entry?.s));
		return (
			added.length > 0 &&
			added.every((entry) => {
				const op = entry && typeof entry.o === 'string' ? parseRosterOp(entry.o) : undefined;
				return !!op && op.by === author && OWN_OPERATIONS.has(op.type);
			})
		);
	} catch {
		return false;
	} finally {
		scratch.destroy();
	}
}

