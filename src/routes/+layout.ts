import { i18n } from '$lib/i18n/index.svelte';
import { isPublicPath } from '$lib/public-paths';
import { hasLocalData } from '$lib/storage/presence';
import type { ShellParts } from '$lib/components/shell/deferred';

// The shell is a static SPA: it must boot from the service worker's cache with no server at all.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';

/** A member device's bottom navigation and sync status, once loaded: from then on the load reads nothing. */
let memberParts: ShellParts | undefined;

/**
 * Nothing renders before the messages it shows are in: the shell's English (bundled) for the commons and a
 * new device's first start, every message of the language for anything else. A returning member on a
 * commons page gets the rest of the language in the background, for the lock and what their groups show.
 * A returning member's screens also wait for the bottom navigation and sync status (`shellParts`), so they
 * paint with the screen, not after it.
 *
 * The address is read only while the messages are incomplete: a load that reads it runs again on every
 * navigation, a search's too, and holds it up.
 */
export async function load({ url }: { url: URL }): Promise<{ parts?: ShellParts }> {
	await i18n.ready;
	if (memberParts) return { parts: memberParts };
	if (!i18n.completed && isPublicPath(url.pathname)) {
		void hasLocalData().then((stored) => (stored ? i18n.complete() : undefined)).catch(() => undefined);
		return {};
	}
	if (!(await hasLocalData())) return {};
	// Imported here rather than at the top, so the parts' stylesheets stay out of every page's head (deferred.ts).
	const { shellParts } = await import('$lib/components/shell/deferred');
	const [, parts] = await Promise.all([i18n.complete(), shellParts().catch(() => undefined)]);
	memberParts = parts;
	return { parts };
}
