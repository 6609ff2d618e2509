/**
 * Hooks an end-to-end test may set before the app loads (`window.__FIELDBOOK_TEST__`, by an init script).
 * None changes what a person's device keeps or how it is protected; each only moves a wait.
 */
export interface TestHooks {
	/**
	 * The lock's calibration target (memory stays at or above the 32 MiB floor). A lock set under it keeps
	 * the parameters measured then, stored with the wrapped key.
	 */
	lockTargetMs?: number;
	/** Idle time before auto-lock. */
	autoLockMs?: number;
	/** The sync engine and the vaults start opening only once this settles: proves what shows before them. */
	vaultGate?: Promise<unknown>;
}

/** The hooks set for this page; none in normal use. */
export function testHooks(): TestHooks {
	return (globalThis as { __FIELDBOOK_TEST__?: TestHooks }).__FIELDBOOK_TEST__ ?? {};
}
