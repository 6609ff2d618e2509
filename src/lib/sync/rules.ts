/**
 * Rules per document type, pure: whether a decrypted update from one device may reach a document, judged
 * before it is applied (FORMAT.md "Rules per document type"). A rule looks only at what the update would
 * change beyond the document as it stands (new structs, deletions of items not yet deleted), so a compaction
 * that carries content the document already holds passes whoever signed it, and the cost is per update.
 */
import * as Y from 'yjs';

/** The meta doc's self-asserted member map (public key → {name, publicKey, joinedAt}), from before rosters. */
export const MEMBERS_MAP = 'members';

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

/**
 * Meta doc: the member map's entry of a key is that key's own. An update signed by `author` that would
 * delete or overwrite (an overwrite deletes the entry it replaces) another key's entry is refused.
 */
export function metaRuleHolds(doc: Y.Doc, update: Uint8Array, author: string): boolean {
	const members = doc.share.get(MEMBERS_MAP);
	if (!members) return true;
	const { ds } = Y.decodeUpdateV2(update);
	return newlyDeleted(doc, ds).every((item) => item.parent !== members || item.parentSub === author);
}
