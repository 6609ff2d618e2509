import * as Y from 'yjs';
import { createSubscriber } from 'svelte/reactivity';
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

/** A member as the screens list them. */
export interface MemberRow {
	name: string;
	publicKey: string;
	joinedAt: number;
	role: 'admin' | 'member';
}

/**
 * The group's members, sorted by name: from the roster, or, in a group from before rosters (no `create`
 * yet), from the meta doc's old member map.
 */
export function groupMembers(vault: GroupVault) {
	const legacy = vault.meta.getMap('members') as Y.Map<MemberEntry>;
	const subscribe = createSubscriber((update) => {
		const off = vault.roster.listen(update);
		legacy.observe(update);
		return () => {
			off();
			legacy.unobserve(update);
		};
	});
	return {
		get current(): MemberRow[] {
			subscribe();
			const roster = vault.rosterNow();
			const rows: MemberRow[] = roster.created
				? [...roster.members.values()].map((member) => ({ name: member.name, publicKey: member.key, joinedAt: member.joinedAt, role: member.role }))
				: [...legacy.values()]
						.filter((member) => member && typeof member.name === 'string')
						.map((member) => ({ name: member.name, publicKey: member.publicKey, joinedAt: member.joinedAt, role: 'member' as const }));
			return rows.sort((a, b) => a.name.localeCompare(b.name));
		}
	};
}
