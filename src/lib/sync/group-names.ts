/**
 * Group names in the catalogue: sealed under the group key like any group content, so a list can show a
 * group before its vault opens, and bound to a reserved doc id no vault document can have.
 */
import type { SealContext } from './sealed-format';

/** The sealed group name in the catalogue opens only under this reserved doc id. */
export const CATALOGUE_NAME_DOC = 'catalogue-name';

/** Where a group's catalogue name belongs. */
export function catalogueNameContext(group: { id: string; epoch: number }): SealContext {
	return { groupId: group.id, epoch: group.epoch, docId: CATALOGUE_NAME_DOC };
}
