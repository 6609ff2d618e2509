import type { Catalogue } from './catalogue';
import { sv as shell } from './messages/shell.sv';
import { sv as groups } from './messages/groups.sv';
import { sv as guides } from './messages/guides.sv';
import { sv as talk } from './messages/talk.sv';
import { sv as commons } from './messages/commons.sv';
import { sv as finding } from './messages/finding.sv';
import { sv as lock } from './messages/lock.sv';
import { sv as firstStart } from './messages/first-start.sv';
import { sv as settings } from './messages/settings.sv';
import { sv as publishing } from './messages/publishing.sv';
import { sv as search } from './messages/search.sv';
import { sv as browse } from './messages/browse.sv';
import { sv as members } from './messages/members.sv';
import { sv as ui } from './messages/ui.sv';
import { sv as refusals } from './messages/refusals.sv';

/** Every feature's Swedish messages, in the same order as `englishFeatures`; loaded on demand. */
export const swedishFeatures = [shell, groups, guides, talk, commons, finding, lock, members, ui, refusals, firstStart, settings, publishing, search, browse] as const;

/** The Swedish catalogue (each feature file checks it has exactly the English keys). */
export const sv: Catalogue = Object.assign({}, ...swedishFeatures);
