/**
 * Holds the app's boot until a returning member's groups, painted into app.html's skeleton by the boot script
 * (src/lib/boot/glance.ts), are on the screen: Svelte, SvelteKit and the shell take a few hundred
 * milliseconds to evaluate on a phone, and the catalogue's answer would otherwise wait behind them. A chunk
 * of its own that the shell's chunk imports (vite.config.ts), so its top-level await comes first.
 */
import type { GroupList } from '../storage/group-list';

/** Longest the boot waits for the catalogue, should IndexedDB be slow to answer. */
const GLANCE_WAIT_MS = 1_000;

const glance = (globalThis as { fieldbookGlance?: Promise<GroupList | undefined> }).fieldbookGlance;

/** The next frame has been produced (a rAF callback, then a task), or no frame comes (a hidden page). */
function painted(): Promise<void> {
	if (document.visibilityState !== 'visible') return Promise.resolve();
	return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

if (glance) {
	await Promise.race([glance.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, GLANCE_WAIT_MS))]);
	if (document.querySelector('#boot-shell .boot-groups')) await painted();
}

/** The group list the boot script read from the catalogue (and painted), on home only; undefined elsewhere. */
export function bootGlance(): Promise<GroupList | undefined> | undefined {
	return glance;
}
