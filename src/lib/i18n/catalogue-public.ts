import type { Catalogue } from './catalogue';
import { en as shell } from './messages/shell';
import { en as guides } from './messages/guides';
import { en as commons } from './messages/commons';
import { en as finding } from './messages/finding';
import { en as lock } from './messages/lock';
import { en as ui } from './messages/ui';

/**
 * The English messages bundled with the shell: those of the screens someone new sees (first start, the
 * commons and what they open from it: places, a guide's body) and of the lock screen. The rest (groups,
 * discussions, members) comes with `catalogue.ts`, which the root layout loads before any other screen
 * renders, first start before its next screen and a commons guide with Copy to my group (`I18n.complete`).
 */
export const publicEnglish: Partial<Catalogue> = Object.assign({}, shell, guides, commons, finding, lock, ui);
