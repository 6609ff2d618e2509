/**
 * Has a worker load the platform's locale and time zone data before a screen formats its first date.
 * Chromium loads that data once per process, the first time anything asks for a date formatter: 40 to 110 ms
 * in traces of a shared commons entry (which Lighthouse's mobile run counts four times over), all in the one
 * task that asks first. A worker asking first takes the load off the main thread.
 */

/** Longest a screen waits for the worker before formatting anyway (then its first formatter finishes the load). */
const LOCALE_DATA_WAIT_MS = 300;

let loaded: Promise<void> | undefined;

/**
 * Starts the load once per page; settles when it is done, has failed, or took longer than a screen should
 * wait. Settles at once where workers are missing.
 */
export function preloadLocaleData(): Promise<void> {
	loaded ??= new Promise<void>((resolve) => {
		if (typeof Worker === 'undefined') return resolve();
		setTimeout(resolve, LOCALE_DATA_WAIT_MS);
		try {
			const worker = new Worker(new URL('./locale-data.worker.ts', import.meta.url), { type: 'module' });
			worker.onmessage = worker.onerror = () => {
				worker.terminate();
				resolve();
			};
			worker.postMessage(undefined);
		} catch {
			// Without the worker the first date formatter loads the data itself, as it always did.
			resolve();
		}
	});
	return loaded;
}
