/** Finding the one discussion that hangs on a guide, from the doc index alone. */
import type { DocIndexEntry, GroupVault } from '../sync/api';
import { initDiscussion } from './thread';

/**
 * The discussion of a guide. Two members may start one at the same time while apart; then every device
 * picks the same one (the smallest doc id: index times change with every message), so the conversation does
 * not split further.
 */
export function findGuideThread(entries: Iterable<[string, DocIndexEntry]>, guideId: string): string | undefined {
	let best: [string, DocIndexEntry] | undefined;
	for (const pair of entries) {
		const [docId, entry] = pair;
		if (entry?.type !== 'discussion' || entry.guideId !== guideId || entry.deleted) continue;
		if (!best || docId < best[0]) best = pair;
	}
	return best?.[0];
}

/** The doc id of a guide's discussion, starting the discussion first when there is none yet. */
export async function discussGuide(vault: GroupVault, guideId: string, guideTitle: string): Promise<string> {
	const existing = findGuideThread(vault.indexMap.entries(), guideId);
	if (existing) return existing;
	const opened = await vault.create('discussion', (doc) => initDiscussion(doc, { title: guideTitle, guideId }), { title: guideTitle, guideId });
	await opened.close();
	return opened.docId;
}
