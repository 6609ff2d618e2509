import type { Catalogue } from './catalogue';
import { en as shell } from './messages/shell';
import { en as commons } from './messages/commons';
import { en as finding } from './messages/finding';
import { en as backup } from './messages/backup';
import { en as ui } from './messages/ui';

/**
 * The English messages bundled with the shell: those of the screens someone new sees (first start and its
 * restore from a backup, the commons and the places they open from it). The rest (groups, guides, the lock,
 * discussions, members) comes with `catalogue.ts`: the root layout loads it before any other screen renders,
 * and before the lock screen or `Lock now` shows; first start before its next screen; a commons guide's body
 * and Copy to my group load it too (`I18n.complete`).
 */
export const publicEnglish: Partial<Catalogue> = Object.assign({}, shell, commons, finding, backup, ui);
