/**
 * The parts of home that read the vaults (sync status, unread counts, requests to join, upcoming actions,
 * recent activity). Loaded once the workspace is open, after the group list has painted from the catalogue:
 * they bring Yjs.
 */
export { default as GroupSyncStatus } from '$lib/components/groups/GroupSyncStatus.svelte';
export { default as GroupUnread } from '$lib/components/discussions/GroupUnread.svelte';
export { default as UpcomingActions } from '$lib/components/actions/UpcomingActions.svelte';
export { default as RecentActivity } from '$lib/components/shell/RecentActivity.svelte';
export { default as GroupRequests } from '$lib/components/groups/GroupRequests.svelte';
