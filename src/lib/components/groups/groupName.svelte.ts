import * as Y from 'yjs';
import { YView } from '$lib/state/yjs.svelte';
import type { GroupVault, MemberEntry } from '$lib/sync/api';

/** The group's name and description from its meta doc, falling back to the name the invite carried. */
export function groupInfo(vault: GroupVault, fallbackName: string) {
	const meta = vault.meta.getMap('meta') as Y.Map<unknown>;
	return new YView(meta, () => ({
		name: typeof meta.get('name') === 'string' && meta.get('name') ? (meta.get('name') as string) : fallbackName,
		description: typeof meta.get('description') === 'string' ? (meta.get('description') as string) : ''
	}));
}

/** The group's members from its meta doc, sorted by name. */
export function groupMembers(vault: GroupVault) {
	const members = vault.meta.getMap('members') as Y.Map<MemberEntry>;
	return new YView(members, () =>
		[...members.values()]
			.filter((member) => member && typeof member.name === 'string')
			.sort((a, b) => a.name.localeCompare(b.name))
	);
}
