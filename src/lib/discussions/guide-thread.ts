/** Finding the one discussion that hangs on a guide, from the doc index alone. */
import type { DocIndexEntry } from '../sync/api';

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
