/**
 * Whether this browser has used Fieldbook before, answered without opening any database (and without
 * loading Dexie): a shared commons page opened by someone new must not pull in the sync engine.
 */

/** The catalogue database's name. */
export const CATALOGUE_DB = 'fieldbook';

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
