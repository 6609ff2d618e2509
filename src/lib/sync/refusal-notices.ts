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
 * The refused blobs the person has dismissed, by fingerprint (`Refusal.blob`), oldest first. A refused blob
 * stays in the group's document, so every later session refuses and reports it again: those dismissed stay
 * quiet, any other shows, even one from the same signer that replaced a dismissed one (a device merging its
 * own blobs makes a new blob of the same refused change, and one more). Restored deletions are reported once.
 */
export type Dismissed = string[];

/** Dismissed fingerprints kept per vault: the oldest go first, and would show once more in a later session. */
export const MAX_DISMISSED = 500;

/** A fingerprint as `Refusal.blob` makes it (base64url). */
const FINGERPRINT = /^[A-Za-z0-9_-]{1,64}$/;

/** What is still to show of `refusals`: those from index `dismissedBefore` on whose blob was not dismissed before. */
export function undismissed(refusals: readonly Refusal[], dismissedBefore: number, dismissed: readonly string[]): Refusal[] {
	const quiet = new Set(dismissed);
	return refusals.filter((refusal, index) => index >= dismissedBefore && !(refusal.kind === 'refused' && refusal.blob !== undefined && quiet.has(refusal.blob)));
}

/** The dismissed fingerprints once everything in `refusals` is dismissed too. */
export function dismissAll(refusals: readonly Refusal[], dismissed: readonly string[]): Dismissed {
	const next = [...dismissed];
	const known = new Set(dismissed);
	for (const refusal of refusals) {
		if (refusal.kind !== 'refused' || refusal.blob === undefined || known.has(refusal.blob)) continue;
		known.add(refusal.blob);
		next.push(refusal.blob);
	}
	return next.slice(-MAX_DISMISSED);
}

/** Dismissed fingerprints read back from storage, per vault: anything malformed is dropped. */
export function parseDismissed(json: string | undefined): Record<string, Dismissed> {
	const result: Record<string, Dismissed> = {};
	let parsed: unknown;
	try {
		parsed = json === undefined ? undefined : JSON.parse(json);
	} catch {
		return result;
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return result;
	for (const [vault, fingerprints] of Object.entries(parsed)) {
		if (!Array.isArray(fingerprints)) continue;
		result[vault] = fingerprints.filter((fingerprint): fingerprint is string => typeof fingerprint === 'string' && FINGERPRINT.test(fingerprint)).slice(-MAX_DISMISSED);
	}
	return result;
}
