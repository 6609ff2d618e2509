import { SvelteMap } from 'svelte/reactivity';
import type { GroupVault } from '$lib/sync/api';
import { app } from './workspace.svelte';
import { YView } from './yjs.svelte';

/**
 * Something read from every group's doc index, live: call during a component's setup; the returned function
 * gives a group's current value (undefined until its vault has opened). Vaults open one by one, so each
 * group's view is added as soon as its vault is there; a group that cannot open stays undefined (its own
 * screen explains why).
 */
export function groupIndexViews<T>(read: (vault: GroupVault) => T): (groupId: string) => T | undefined {
	const views = new SvelteMap<string, YView<T>>();
	$effect(() => {
		for (const group of app.groups) {
			if (views.has(group.id)) continue;
			app.vault(group.id).then(
				(vault) => views.set(group.id, new YView(vault.indexMap, () => read(vault))),
				() => undefined
			);
		}
	});
	return (groupId) => views.get(groupId)?.current;
}
