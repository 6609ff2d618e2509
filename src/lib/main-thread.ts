/**
 * Gives the main thread back to the browser, so a tap or a frame waiting behind a long piece of work runs
 * before it goes on: `scheduler.yield` where present (the caller then continues ahead of other tasks), else a
 * new task. Work split at these points shows as several short tasks instead of one long one.
 */
export function yieldToMain(): Promise<void> {
	const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
	if (typeof scheduler?.yield === 'function') return scheduler.yield();
	return new Promise((resolve) => setTimeout(resolve, 0));
}
