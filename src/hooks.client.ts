import { app } from '$lib/state/workspace.svelte';

/**
 * Runs as the app boots, before the router has loaded the first screen: on a device that has stored
 * anything, a returning member's catalogue starts opening now, so their groups are ready when home renders.
 * Someone new still loads no sync engine and no database (see `app.boot`).
 */
export function init(): void {
	void app.boot();
}
