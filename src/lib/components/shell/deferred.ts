import type { Component } from 'svelte';
import type { SyncStatus } from '$lib/sync/api';

/**
 * Parts of the shell that only a member sees, one dynamic import away from the root layout: SvelteKit puts
 * the stylesheets of the layout's own dynamic imports in every page's head, those of an import one step
 * further only load with it (Vite preloads them before the component mounts), so a shared commons page or
 * first start fetches none of them.
 */

/** The bottom navigation and the header's sync status: first start's and a member's; a shared commons page opened by someone new shows neither. */
export interface ShellParts {
	bottomNav: Component;
	syncStatus: Component<{ status: SyncStatus }>;
}

let parts: Promise<ShellParts> | undefined;

/** Loads the member's parts of the shell once; a failed load (offline, never cached) is tried again next time. */
export function shellParts(): Promise<ShellParts> {
	parts ??= Promise.all([import('$lib/components/ui/BottomNav.svelte'), import('./SyncStatus.svelte')]).then(([nav, status]) => ({
		bottomNav: nav.default,
		syncStatus: status.default
	}));
	parts.catch(() => (parts = undefined));
	return parts;
}

/** What open vaults refused or undid, once the workspace is open. */
export const refusalNotice = () => import('./RefusalNotice.svelte');

/** `Update now`, once a new version waits: most visits have none. */
export const updateNotice = () => import('./UpdateNotice.svelte');
