import type { Catalogue } from './catalogue';
import { en as shell } from './messages/shell';
import { en as commons } from './messages/commons';
import { en as finding } from './messages/finding';
import { en as ui } from './messages/ui';

/**
 * The English messages bundled with the shell: the shell's own and those of a shared commons entry, the
 * screen someone new is most often sent to. First start and the commons list bring their own English
 * (`I18n.include`). The rest (groups, guides, the lock, discussions, members, publishing) comes with
 * `catalogue.ts`: the root layout loads it before any other screen renders, and before the lock screen or
 * `Lock now` shows; first start before its next screen; a commons guide's body, Copy to my group and the
 * report dialog load it too (`I18n.complete`).
 */
export const publicEnglish: Partial<Catalogue> = Object.assign({}, shell, commons, finding, ui);
