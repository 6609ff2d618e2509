import { createSubscriber } from 'svelte/reactivity';
import type { GroupVault, Presence, Refusal, SyncStatus } from '$lib/sync/api';
import { dismissAll, undismissed, type Dismissed } from '$lib/sync/refusal-notices';

/** One opened group vault seen through Svelte: its status and presence update the UI as they change. */
export class VaultView {
	readonly vault: GroupVault;
	#subscribeStatus: () => void;
	#subscribePresence: () => void;
	#subscribeRefusals: () => void;
	/** How many of the vault's refusals of this session (oldest first) the person has dismissed. */
	#dismissedBefore = $state(0);
	/** Refused blobs dismissed in this and earlier sessions (refusal-notices.ts). */
	#dismissed = $state.raw<Dismissed>([]);
	#saveDismissed: (dismissed: Dismissed) => void;

	/** `dismissed` and `saveDismissed` keep what the person dismissed across sessions. */
	constructor(vault: GroupVault, dismissed: Dismissed = [], saveDismissed: (dismissed: Dismissed) => void = () => undefined) {
		this.vault = vault;
		this.#dismissed = dismissed;
		this.#saveDismissed = saveDismissed;
		this.#subscribeStatus = createSubscriber((update) => vault.onStatus(update));
		this.#subscribePresence = createSubscriber((update) => vault.onPresence(update));
		this.#subscribeRefusals = createSubscriber((update) => vault.onRefusal(() => update()));
	}

	/** Changes from other devices this one refused or undid, not yet dismissed, oldest first. */
	get refusals(): readonly Refusal[] {
		this.#subscribeRefusals();
		return undismissed(this.vault.refusals(), this.#dismissedBefore, this.#dismissed);
	}

	/** Dismisses every refusal shown now, in later sessions too; later ones show again. */
	dismissRefusals(): void {
		const refusals = this.vault.refusals();
		this.#dismissedBefore = refusals.length;
		this.#dismissed = dismissAll(refusals, this.#dismissed);
		this.#saveDismissed(this.#dismissed);
	}

	/** This group's sync status now. */
	get status(): SyncStatus {
		this.#subscribeStatus();
		return this.vault.status();
	}

	/** Who is online in this group now. */
	get presence(): Presence[] {
		this.#subscribePresence();
		return this.vault.presence();
	}
}
