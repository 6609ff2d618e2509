import { i18n } from '$lib/i18n/index.svelte';

// The shell is a static SPA: it must boot from the service worker's cache with no server at all.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';

/** Nothing renders before the active language's messages are in (only English is bundled). */
export async function load(): Promise<Record<string, never>> {
	await i18n.ready;
	return {};
}
