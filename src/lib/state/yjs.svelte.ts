import { createSubscriber } from 'svelte/reactivity';
import type * as Y from 'yjs';

/**
 * A Yjs shared type seen through Svelte: `.current` is `read()` of the type, recomputed only after the type
 * (or anything below it) changed. Wraps the Yjs source instead of copying it into `$state` (STYLE.md 5).
 */
export class YView<T> {
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types are invariant in their event type
	#type: Y.AbstractType<any>;
	#read: () => T;
	#version = 0;
	#cachedVersion = -1;
	#cached: T | undefined;
	#subscribe: () => void;

	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	constructor(type: Y.AbstractType<any>, read: () => T) {
		this.#type = type;
		this.#read = read;
		this.#subscribe = createSubscriber((update) => {
			const onChange = () => {
				this.#version++;
				update();
			};
			this.#type.observeDeep(onChange);
			return () => this.#type.unobserveDeep(onChange);
		});
		this.#type.observeDeep(() => this.#version++);
	}

	/** The current value; reading it inside an effect or template re-runs them when the type changes. */
	get current(): T {
		this.#subscribe();
		if (this.#cachedVersion !== this.#version) {
			this.#cached = this.#read();
			this.#cachedVersion = this.#version;
		}
		return this.#cached as T;
	}
}
