/**
 * Applying Yjs updates that may arrive out of causal order, so that nothing stays parked once every update
 * has arrived. Yjs parks structs whose dependencies are missing and retries them only when a later update
 * raises a client's clock past the one it recorded as missing. When the parked set has a gap (Yjs encodes it
 * as a Skip), yjs 13.6 can record the wrong clock: the real dependency then arrives, no retry fires, and the
 * structs stay parked for good even though every update has been applied (a roster property test found it:
 * three observers of the same updates ended with different logs). `applySettled` retries the parked structs
 * itself whenever an update let the document grow, until a retry makes no progress.
 */
import * as Y from 'yjs';

/** Which encoding an update uses: v1 (`encodeStateAsUpdate`) or v2 (what document blobs hold). */
export type UpdateEncoding = 1 | 2;

/** The sum of a document's clocks: it grows exactly when structs are integrated. */
function integrated(doc: Y.Doc): number {
	let sum = 0;
	for (const structs of doc.store.clients.values()) {
		const last = structs[structs.length - 1];
		if (last) sum += last.id.clock + last.length;
	}
	return sum;
}

/**
 * Retries structs Yjs parked, as long as each retry integrates something. A retry applies the parked update
 * as it is (what Yjs itself does on its own retry), so its cost is the parked set's size, and it only runs
 * when something is parked.
 */
export function settlePending(doc: Y.Doc, origin?: unknown): void {
	for (;;) {
		const pending = doc.store.pendingStructs;
		if (!pending) return;
		const before = integrated(doc);
		doc.store.pendingStructs = null;
		Y.applyUpdateV2(doc, pending.update, origin);
		if (integrated(doc) === before) return;
	}
}

/**
 * Runs `apply` (which applies updates to `doc`), then, when it let the document grow, retries what Yjs had
 * parked before. Nothing parked before (the usual case) costs nothing: what `apply` parks itself waits for
 * updates still to come, which retry it.
 */
export function settleAfter(doc: Y.Doc, origin: unknown, apply: () => void): void {
	if (!doc.store.pendingStructs) return apply();
	const before = integrated(doc);
	apply();
	if (doc.store.pendingStructs && integrated(doc) !== before) settlePending(doc, origin);
}

/** Applies `update` to `doc`, then retries whatever Yjs left parked (see the module comment). */
export function applySettled(doc: Y.Doc, update: Uint8Array, origin?: unknown, encoding: UpdateEncoding = 1): void {
	settleAfter(doc, origin, () => (encoding === 1 ? Y.applyUpdate(doc, update, origin) : Y.applyUpdateV2(doc, update, origin)));
}
