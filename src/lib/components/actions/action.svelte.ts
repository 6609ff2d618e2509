import { createSubscriber } from 'svelte/reactivity';
import type * as Y from 'yjs';
import { readAction, readGuides, readRsvps, type ActionFields, type Rsvp } from '$lib/actions/action';

/** An open action doc seen through Svelte: fields, linked guides and RSVPs re-read after each change. */
export class ActionView {
	readonly doc: Y.Doc;
	#subscribe: () => void;

	constructor(doc: Y.Doc) {
		this.doc = doc;
		this.#subscribe = createSubscriber((update) => {
			doc.on('update', update);
			return () => doc.off('update', update);
		});
	}

	get fields(): ActionFields {
		this.#subscribe();
		return readAction(this.doc);
	}

	get guides(): string[] {
		this.#subscribe();
		return readGuides(this.doc);
	}

	get rsvps(): Rsvp[] {
		this.#subscribe();
		return readRsvps(this.doc);
	}
}
