/**
 * What a group's members are told about the vault's refusals (`Vault.refusals()`), pure: refused changes
 * are told once per signer, however many blobs they sent, and restored deletions once per document and
 * signer, so a member who floods the group with refused writes makes one line, not a screenful.
 */
import type { Refusal } from './api';

/** One line of the notice: who (device keys, sorted; empty when unknown) did what, and how many times. */
export type RefusalNotice =
	| { kind: 'refused'; by: string[]; count: number }
	| { kind: 'restored'; docId: string; by: string[]; count: number };

/** The notice's lines for `refusals` (oldest first), in the order each first happened. */
export function refusalNotices(refusals: readonly Refusal[]): RefusalNotice[] {
	const lines = new Map<string, RefusalNotice>();
	for (const refusal of refusals) {
		const by = [...new Set(refusal.by)].sort();
		const key = refusal.kind === 'refused' ? `refused ${by.join(',')}` : `restored ${refusal.docId} ${by.join(',')}`;
		const line = lines.get(key);
		if (line) line.count++;
		else lines.set(key, refusal.kind === 'refused' ? { kind: 'refused', by, count: 1 } : { kind: 'restored', docId: refusal.docId, by, count: 1 });
	}
	return [...lines.values()];
}
