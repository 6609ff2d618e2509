/**
 * Whether this browser has used Fieldbook before, answered without opening any database (and without
 * loading Dexie): a shared commons page opened by someone new must not pull in the sync engine.
 */

/** The catalogue database's name. */
export const CATALOGUE_DB = 'fieldbook';

/**
 * Catalogue settings whose names start with this hold a join under way: a request to join that no admin has
 * answered (`join.request.<invite>`) or an invite accepted offline (`join.pending.<group>`).
 */
export const JOIN_SETTING_PREFIX = 'join.';

/** True when the catalogue database exists here; also true when the browser cannot list databases, so
 * older browsers keep starting the workspace as before. */
export async function hasLocalData(): Promise<boolean> {
	if (typeof indexedDB === 'undefined') return false;
	if (typeof indexedDB.databases !== 'function') return true;
	try {
		return (await indexedDB.databases()).some((database) => database.name === CATALOGUE_DB);
	} catch {
		return true;
	}
}
