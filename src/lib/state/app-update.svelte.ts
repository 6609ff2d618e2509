import { Workbox } from 'workbox-window';

/** Where the generated service worker is served; the relay sends it with `no-cache`. */
const SERVICE_WORKER_URL = '/sw.js';

/** How often an open app asks whether a new version was deployed: once an hour, as phones stay open for days. */
const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The service worker's life: registers it, notices when a new version waits, and activates it only when
 * the person presses `Update now` (never on its own, so nobody loses what they are typing).
 */
class AppUpdate {
	#waiting = $state(false);
	#workbox: Workbox | undefined;
	#activating = false;

	/** True when a new version is installed and waiting for the person to take it. */
	get ready(): boolean {
		return this.#waiting;
	}

	/** Registers the service worker once; a no-op where service workers are missing (or in dev). */
	async start(): Promise<void> {
		if (this.#workbox || !('serviceWorker' in navigator) || import.meta.env.DEV) return;
		const workbox = new Workbox(SERVICE_WORKER_URL, { scope: '/' });
		this.#workbox = workbox;
		workbox.addEventListener('waiting', () => {
			this.#waiting = true;
		});
		workbox.addEventListener('controlling', () => {
			// Only the tab where the person pressed the button reloads; other tabs keep what they show.
			// (A version found by a later update check counts as "external" to workbox-window, so that flag is no guide.)
			if (this.#activating) window.location.reload();
		});
		try {
			const registration = await workbox.register();
			if (registration?.waiting) this.#waiting = true;
			setInterval(() => void workbox.update().catch(() => undefined), UPDATE_CHECK_INTERVAL_MS);
		} catch (error) {
			// Without a worker the app still works online; the shell just will not open offline.
			console.warn('Service worker registration failed', error);
		}
	}

	/** Asks the waiting worker to take over; the page reloads once it controls it. */
	activate(): void {
		if (!this.#workbox) return;
		this.#activating = true;
		this.#waiting = false;
		this.#workbox.messageSkipWaiting();
	}

	/** Hides the notice for now; it returns with the next version. */
	dismiss(): void {
		this.#waiting = false;
	}
}

/** The app-wide update state. */
export const appUpdate = new AppUpdate();
