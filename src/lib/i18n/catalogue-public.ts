import type { Catalogue } from './catalogue';
import { en as shell } from './messages/shell';
import { en as groups } from './messages/groups';
import { en as guides } from './messages/guides';
import { en as commons } from './messages/commons';
import { en as finding } from './messages/finding';
import { en as lock } from './messages/lock';

/**
 * The English messages bundled with the shell: those of the screens someone new sees (first start, the
 * commons and what they open from it: places, a guide's body, Copy to my group) and of the lock screen.
 * The rest (discussions, members) comes with `catalogue.ts`, which the root layout loads before any other
 * screen renders (see `I18n.complete`).
 */
export const publicEnglish: Partial<Catalogue> = Object.assign({}, shell, groups, guides, commons, finding, lock);
