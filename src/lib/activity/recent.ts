/** Recent activity across groups, from the doc indexes alone (no document is opened). Framework-free. */
import type { DocIndexEntry, DocType } from '../sync/api';

/** Most items home shows. */
export const RECENT_LIMIT = 10;
/** A change this soon after creation is still the creation (the first title, the first message). */
export const CREATION_WINDOW_MS = 2 * 60 * 1000;
/** Older changes are not "recent". */
export const RECENT_DAYS = 30;

/** What happened to a document. */
export type ActivityKind = 'newGuide' | 'editedGuide' | 'newDiscussion' | 'newMessages' | 'newAction' | 'editedAction';

/** One line of recent activity. */
export interface Activity {
	groupId: string;
	groupName: string;
	docId: string;
	type: DocType;
	kind: ActivityKind;
	title: string;
	author: string;
	updated: number;
}

const KINDS: Record<DocType, [created: ActivityKind, changed: ActivityKind]> = {
	guide: ['newGuide', 'editedGuide'],
	discussion: ['newDiscussion', 'newMessages'],
	action: ['newAction', 'editedAction']
};

/** The latest changes across groups, newest first: deleted documents and old changes are left out. */
export function recentActivity(
	groups: readonly { id: string; name: string; entries: Iterable<[string, DocIndexEntry]> }[],
	now: number,
	limit = RECENT_LIMIT
): Activity[] {
	const items: Activity[] = [];
	for (const group of groups) {
		for (const [docId, entry] of group.entries) {
			if (!entry || entry.deleted || !(entry.type in KINDS) || !entry.updated) continue;
			if (now - entry.updated > RECENT_DAYS * 86_400_000) continue;
			const isNew = typeof entry.created === 'number' && entry.updated - entry.created <= CREATION_WINDOW_MS;
			items.push({
				groupId: group.id,
				groupName: group.name,
				docId,
				type: entry.type,
				kind: KINDS[entry.type][isNew ? 0 : 1],
				title: entry.title,
				author: entry.author,
				updated: entry.updated
			});
		}
	}
	return items.sort((a, b) => b.updated - a.updated || a.docId.localeCompare(b.docId)).slice(0, limit);
}

/** Where an activity line leads. */
export function activityHref(item: Pick<Activity, 'groupId' | 'docId' | 'type'>): string {
	const section = item.type === 'guide' ? 'guides' : item.type === 'discussion' ? 'discussions' : 'actions';
	return `/g/${item.groupId}/${section}/${item.docId}`;
}
