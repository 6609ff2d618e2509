import { createSubscriber } from 'svelte/reactivity';
import type { GroupVault } from '$lib/sync/api';
import type { Roster, RosterMember } from '$lib/sync/roster';

/** A group's roster seen through Svelte: `.current` re-runs templates whenever the roster log changes. */
export class RosterView {
	readonly #vault: GroupVault;
	readonly #subscribe: () => void;

	constructor(vault: GroupVault) {
		this.#vault = vault;
		this.#subscribe = createSubscriber((update) => vault.roster.listen(update));
	}

	/** The roster now. */
	get current(): Roster {
		this.#subscribe();
		return this.#vault.rosterNow();
	}

	/** Members sorted by name. */
	get members(): RosterMember[] {
		return [...this.current.members.values()].sort((a, b) => a.name.localeCompare(b.name));
	}

	/** Whether the device key `key` is an admin now. */
	isAdmin(key: string | undefined): boolean {
		return !!key && this.current.members.get(key)?.role === 'admin';
	}
}
