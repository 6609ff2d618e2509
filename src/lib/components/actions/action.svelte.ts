import { createSubscriber } from 'svelte/reactivity';
import type * as Y from 'yjs';
import { readAction, readGuides, readRsvps, type ActionFields, type Rsvp } from '$lib/actions/action';
import { rosterName } from '$lib/sync/roster';
import type { GroupVault } from '$lib/sync/api';

/** An open action doc seen through Svelte: fields, linked guides and RSVPs re-read after each change. */
export class ActionView {
	readonly doc: Y.Doc;
	#vault: Pick<GroupVault, 'roster' | 'rosterNow'> | undefined;
	#subscribe: () => void;
	#subscribeRoster: () => void;

	/** With `vault`, RSVPs are named as its roster names their keys. */
	constructor(doc: Y.Doc, vault?: Pick<GroupVault, 'roster' | 'rosterNow'>) {
		this.doc = doc;
		this.#vault = vault;
		this.#subscribe = createSubscriber((update) => {
			doc.on('update', update);
			return () => doc.off('update', update);
		});
		this.#subscribeRoster = createSubscriber((update) => vault?.roster.listen(update));
	}

	get fields(): ActionFields {
		this.#subscribe();
		return readAction(this.doc);
	}

	get guides(): string[] {
		this.#subscribe();
		return readGuides(this.doc);
	}

	/** Who answered, each named as the roster names their key; the name the answer carries only for a key it does not know. */
	get rsvps(): Rsvp[] {
		this.#subscribe();
		const rsvps = readRsvps(this.doc);
		if (!this.#vault) return rsvps;
		this.#subscribeRoster();
		const roster = this.#vault.rosterNow();
		return rsvps.map((rsvp) => ({ ...rsvp, name: rosterName(roster, rsvp.publicKey) ?? rsvp.name }));
	}
}
