import { createSubscriber } from 'svelte/reactivity';

/** Whether the browser believes it has a network, as a reactive `.online` read from `navigator.onLine`. */
class Connectivity {
	#subscribe = createSubscriber((update) => {
		window.addEventListener('online', update);
		window.addEventListener('offline', update);
		return () => {
			window.removeEventListener('online', update);
			window.removeEventListener('offline', update);
		};
	});

	/** True unless the browser reports that it is offline. */
	get online(): boolean {
		this.#subscribe();
		return typeof navigator === 'undefined' ? true : navigator.onLine;
	}
}

/** The app-wide connectivity state. */
export const connectivity = new Connectivity();
