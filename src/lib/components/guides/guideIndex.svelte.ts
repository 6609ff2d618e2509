import { YView } from '$lib/state/yjs.svelte';
import type { DocIndexEntry, GroupVault } from '$lib/sync/api';

/** sessionStorage key prefix of a guide made by `New guide` and not yet written in: left empty, it is discarded. */
export const NEW_GUIDE_PREFIX = 'fieldbook.newGuide.';

/** How long a deleted guide can be restored. */
export const RESTORE_DAYS = 30;

/** The guides of a group from its doc index, newest change first, live and deleted apart. */
export function guideList(vault: GroupVault) {
	return new YView(vault.indexMap, () => {
		const now = Date.now();
		const all = [...vault.indexMap.entries()]
			.filter(([, entry]) => entry?.type === 'guide' && !entry.discarded)
			.map(([id, entry]) => ({ id, ...entry }) as DocIndexEntry & { id: string })
			.sort((a, b) => b.updated - a.updated);
		return {
			live: all.filter((entry) => !entry.deleted),
			deleted: all.filter((entry) => entry.deleted && now - entry.deleted < RESTORE_DAYS * 24 * 60 * 60 * 1000)
		};
	});
}
