/**
 * Wiping this device: the master key goes first (after that every sealed row is noise, even if the rest is
 * cut short), then every IndexedDB database of the origin, Cache Storage, local and session storage, and
 * the service worker's registration.
 */

/** Deletes one database; settles when IndexedDB answers (a connection still open elsewhere only delays it). */
function deleteDatabase(name: string): Promise<void> {
	return new Promise((resolve) => {
		const request = indexedDB.deleteDatabase(name);
		request.onsuccess = () => resolve();
		request.onerror = () => resolve();
		request.onblocked = () => resolve();
	});
}

/**
 * Removes everything of this origin from the browser. `destroyKey` deletes the wrapped master key; the
 * caller closes its own databases first so none of the deletions waits on them.
 */
export async function wipeOrigin(destroyKey: () => Promise<void>): Promise<void> {
	try {
		await destroyKey();
	} catch {
		// The key's table may be unreadable or gone already; deleting the database below removes it anyway.
	}
	const names = typeof indexedDB.databases === 'function' ? (await indexedDB.databases()).map((database) => database.name).filter((name): name is string => !!name) : [];
	await Promise.all(names.map(deleteDatabase));
	if (typeof caches !== 'undefined') for (const name of await caches.keys()) await caches.delete(name);
	const clearStorage = () => {
		try {
			localStorage.clear();
			sessionStorage.clear();
		} catch {
			// Blocked storage holds nothing of ours.
		}
	};
	clearStorage();
	// The router notes scroll positions in sessionStorage as the page goes (on window, at beforeunload and
	// visibilitychange): these listeners are added after the router's, so they clear what it wrote.
	window.addEventListener('pagehide', clearStorage, { once: true });
	window.addEventListener('visibilitychange', clearStorage, { once: true });
	if ('serviceWorker' in navigator) {
		for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
	}
}
