/**
 * What a group's members are told about the vault's refusals (`Vault.refusals()`), pure: refused changes
 * are told once per signer, however many blobs they sent, and restored deletions once per document and
 * signer, so a member who floods the group with refused writes makes one line, not a screenful; and which
 * of them the person has dismissed, across sessions.
 */
import type { Refusal } from './api';

/** One line of the notice: who (device keys, sorted; empty when unknown) did what, and how many times. */
export type RefusalNotice =
	| { kind: 'refused'; by: string[]; count: number }
	| { kind: 'restored'; docId: string; by: string[]; count: number };

/** A refusal's signers, once each and sorted, so the same signers always make the same line. */
function signers(refusal: Refusal): string[] {
	return [...new Set(refusal.by)].sort();
}

/** The notice's lines for `refusals` (oldest first), in the order each first happened. */
export function refusalNotices(refusals: readonly Refusal[]): RefusalNotice[] {
	const lines = new Map<string, RefusalNotice>();
	for (const refusal of refusals) {
		const by = signers(refusal);
		const key = refusal.kind === 'refused' ? `refused ${by.join(',')}` : `restored ${refusal.docId} ${by.join(',')}`;
		const line = lines.get(key);
		if (line) line.count++;
		else lines.set(key, refusal.kind === 'refused' ? { kind: 'refused', by, count: 1 } : { kind: 'restored', docId: refusal.docId, by, count: 1 });
	}
	return [...lines.values()];
}

/**
 * How many refused blobs of each signer in each document the person has dismissed. A refused blob stays in
 * the group's document, so every later session refuses and reports it again: only as many as were
 * dismissed are kept quiet, and one more from the same signer shows. Restored deletions are reported once.
 */
export type DismissedCounts = Record<string, number>;

function refusedKey(refusal: Refusal): string {
	return `${refusal.docId} ${signers(refusal).join(',')}`;
}

/** What is still to show of `refusals`: those from index `dismissedBefore` on, beyond the counts dismissed before. */
export function undismissed(refusals: readonly Refusal[], dismissedBefore: number, dismissed: DismissedCounts): Refusal[] {
	const seen = new Map<string, number>();
	return refusals.filter((refusal, index) => {
		if (refusal.kind !== 'refused') return index >= dismissedBefore;
		const key = refusedKey(refusal);
		const count = (seen.get(key) ?? 0) + 1;
		seen.set(key, count);
		return index >= dismissedBefore && count > (dismissed[key] ?? 0);
	});
}

/** The dismissed counts once everything in `refusals` is dismissed too. */
export function dismissAll(refusals: readonly Refusal[], dismissed: DismissedCounts): DismissedCounts {
	const counts = new Map<string, number>();
	for (const refusal of refusals) if (refusal.kind === 'refused') counts.set(refusedKey(refusal), (counts.get(refusedKey(refusal)) ?? 0) + 1);
	const next = { ...dismissed };
	for (const [key, count] of counts) next[key] = Math.max(next[key] ?? 0, count);
	return next;
}

/** Dismissed counts read back from storage: anything malformed is dropped. */
export function parseDismissed(json: string | undefined): Record<string, DismissedCounts> {
	const result: Record<string, DismissedCounts> = {};
	let parsed: unknown;
	try {
		parsed = json === undefined ? undefined : JSON.parse(json);
	} catch {
		return result;
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return result;
	for (const [vault, counts] of Object.entries(parsed)) {
		if (!counts || typeof counts !== 'object' || Array.isArray(counts)) continue;
		const kept: DismissedCounts = {};
		for (const [key, count] of Object.entries(counts)) if (Number.isSafeInteger(count) && (count as number) > 0) kept[key] = count as number;
		result[vault] = kept;
	}
	return result;
}
