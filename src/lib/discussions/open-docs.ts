/**
 * Discussion and action docs stay open for the rest of the visit once opened.
 *
 * Why: the vault marks blobs sealed on this device as already applied, vault-wide; a doc closed and opened
 * again in the same visit therefore comes back without this device's own changes, and remote changes that
 * build on them stay pending (seen with a thread: own messages vanished, the other phone's never arrived).
 * Holding one handle per doc avoids the re-open until the core re-applies own blobs to a fresh doc. The
 * docs are small next to a guide, and a reload frees them.
 */
import type { GroupVault, OpenDoc } from '../sync/api';

const kept = new WeakMap<GroupVault, Map<string, Promise<OpenDoc>>>();

function docsOf(vault: GroupVault): Map<string, Promise<OpenDoc>> {
	let docs = kept.get(vault);
	if (!docs) {
		docs = new Map();
		kept.set(vault, docs);
	}
	return docs;
}

/** The doc, opened once per visit; a failed open is not remembered, so a later try can succeed. */
export function keepOpen(vault: GroupVault, docId: string): Promise<OpenDoc> {
	const docs = docsOf(vault);
	let opened = docs.get(docId);
	if (!opened) {
		opened = vault.open(docId);
		opened.catch(() => docs.delete(docId));
		docs.set(docId, opened);
	}
	return opened;
}

/** Hands a doc just made with `vault.create` to the keeper instead of closing it. */
export function keepCreated(vault: GroupVault, opened: OpenDoc): void {
	const docs = docsOf(vault);
	if (docs.has(opened.docId)) void opened.close();
	else docs.set(opened.docId, Promise.resolve(opened));
}
