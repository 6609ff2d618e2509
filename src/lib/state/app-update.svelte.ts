import type { Workbox } from 'workbox-window';

/** Where the generated service worker is served; the relay sends it with `no-cache`. */
const SERVICE_WORKER_URL = '/sw.js';

/** How often an open app asks whether a new version was deployed: once an hour, as phones stay open for days. */
const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;

/** The message the generated worker (Workbox) answers by skipping its wait and taking over. */
const SKIP_WAITING_MESSAGE = { type: 'SKIP_WAITING' } as const;

/**
 * The service worker's life: registers it, notices when a new version waits, and activates it only when
 * the person presses `Update now` (never on its own, so nobody loses what they are typing). A first visit
 * (first start, a shared commons page) registers the worker with the platform's call alone, so it loads
 * less; once the sync engine starts on a member's device, workbox-window takes over watching for and
 * activating new versions (`useWorkbox`).
 */
class AppUpdate {
	#waiting = $state(false);
	#registration: ServiceWorkerRegistration | undefined;
	#started = false;
	#activating = false;
	#workbox: Workbox | undefined;

	/** True when a new version is installed and waiting for the person to take it. */
	get ready(): boolean {
		return this.#waiting;
	}

	/** Registers the service worker once; a no-op where service workers are missing (or in dev). */
	async start(): Promise<void> {
		if (this.#started || !('serviceWorker' in navigator) || import.meta.env.DEV) return;
		this.#started = true;
		// After the page has loaded: the worker's install fetches and caches every file of the app, which on a
		// first visit would otherwise compete with the screen the person came for.
		if (document.readyState !== 'complete') await new Promise((resolve) => window.addEventListener('load', resolve, { once: true }));
		const container = navigator.serviceWorker;
		container.addEventListener('controllerchange', () => {
			// Only the tab where the person pressed the button reloads; other tabs keep what they show.
			if (this.#activating) window.location.reload();
		});
		try {
			const registration = await container.register(SERVICE_WORKER_URL, { scope: '/' });
			this.#registration = registration;
			// A new version waits once it has installed while an older one controls this page; the very
			// first install has nothing to replace and takes over on its own.
			const watch = (worker: ServiceWorker | null) => {
				if (!worker) return;
				const check = () => {
					if (worker.state === 'installed' && container.controller) this.#waiting = true;
				};
				check();
				worker.addEventListener('statechange', check);
			};
			if (registration.waiting) this.#waiting = true;
			watch(registration.installing);
			registration.addEventListener('updatefound', () => watch(registration.installing));
			setInterval(() => void registration.update().catch(() => undefined), UPDATE_CHECK_INTERVAL_MS);
		} catch (error) {
			// Without a worker the app still works online; the shell just will not open offline.
			console.warn('Service worker registration failed', error);
		}
	}

	/**
	 * Hands the worker's life to workbox-window (loaded with the sync engine, off a first visit's path): it
	 * registers the same script (the platform keeps one registration), reports a version that waits, and
	 * activates it on `Update now`.
	 */
	async useWorkbox(): Promise<void> {
		if (this.#workbox || !('serviceWorker' in navigator) || import.meta.env.DEV) return;
		const { Workbox } = await import('workbox-window');
		const workbox = new Workbox(SERVICE_WORKER_URL, { scope: '/' });
		this.#workbox = workbox;
		workbox.addEventListener('waiting', () => {
			if (!this.#activating) this.#waiting = true;
		});
		try {
			this.#registration = (await workbox.register({ immediate: true })) ?? this.#registration;
		} catch (error) {
			console.warn('Service worker registration failed', error);
		}
	}

	/** Asks the waiting worker to take over; the page reloads once it controls it. */
	activate(): void {
		const waiting = this.#registration?.waiting;
		if (!waiting) return;
		this.#activating = true;
		this.#waiting = false;
		if (this.#workbox) this.#workbox.messageSkipWaiting();
		else waiting.postMessage(SKIP_WAITING_MESSAGE);
	}

	/** Hides the notice for now; it returns with the next version. */
	dismiss(): void {
		this.#waiting = false;
	}
}

/** The app-wide update state. */
export const appUpdate = new AppUpdate();
