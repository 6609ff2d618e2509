/** Where the display name is kept until the device catalogue holds the identity. */
const NAME_KEY = 'fieldbook.name';

/** This device's person: the display name asked for at first start, stored on the device only. */
class Device {
	#name = $state('');
	#state = $state<'loading' | 'new' | 'ready'>('loading');

	/** `new` until a name was given at first start. */
	get state(): 'loading' | 'new' | 'ready' {
		return this.#state;
	}

	get name(): string {
		return this.#name;
	}

	/** Reads the stored name. */
	async load(): Promise<void> {
		const name = localStorage.getItem(NAME_KEY);
		this.#name = name ?? '';
		this.#state = name ? 'ready' : 'new';
	}

	/** Stores the name given at first start. */
	async create(name: string): Promise<void> {
		localStorage.setItem(NAME_KEY, name);
		this.#name = name;
		this.#state = 'ready';
	}

	/** Changes the name. */
	async rename(name: string): Promise<void> {
		await this.create(name);
	}
}

/** The app-wide device state. */
export const device = new Device();
