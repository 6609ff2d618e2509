import { bootGlance } from '$lib/boot/gate';
import { preloadLocaleData } from '$lib/locale-data';
import { yieldToMain } from '$lib/main-thread';
import { app } from '$lib/state/workspace.svelte';

/**
 * Runs as the app boots, before the router has loaded the first screen: on a device that has stored
 * anything, a returning member's catalogue starts opening now, so their groups are ready when home renders.
 * Someone new still loads no sync engine and no database (see `app.boot`).
 */
export async function init(): Promise<void> {
	void app.boot();
	// A shared commons entry formats its dates as soon as it arrives, a returning member's home as soon as
	// the vaults open (upcoming actions, recent activity): the platform's locale data starts loading in a
	// worker now, while the router and the screen load. First start shows no date and loads none.
	if (location.pathname.startsWith('/commons/')) void preloadLocaleData();
	else void bootGlance()?.then((glance) => (glance?.identity ? preloadLocaleData() : undefined));
	// The router then parses its routes and asks for the first screen's code in a task of its own: on a
	// returning member's home the shell's code evaluates in the same task as this (it waited for the boot
	// gate), and the two together blocked the main thread for one long stretch.
	await yieldToMain();
}
