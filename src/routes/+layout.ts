import { i18n } from '$lib/i18n/index.svelte';
import { isPublicPath } from '$lib/public-paths';
import { hasLocalData } from '$lib/storage/presence';

// The shell is a static SPA: it must boot from the service worker's cache with no server at all.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';

/**
 * Nothing renders before the messages it shows are in: the shell's English (bundled) for the commons and a
 * new device's first start, every message of the language for anything else. A returning member on a
 * commons page gets the rest of the language in the background, for the lock and what their groups show.
 */
export async function load({ url }: { url: URL }): Promise<Record<string, never>> {
	await i18n.ready;
	// Asked once: after the messages are complete, navigating costs no look at the databases.
	if (i18n.completed) return {};
	if (!isPublicPath(url.pathname)) {
		if (await hasLocalData()) await i18n.complete();
	} else void hasLocalData().then((stored) => (stored ? i18n.complete() : undefined)).catch(() => undefined);
	return {};
}
