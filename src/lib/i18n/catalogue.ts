import { en as shell } from './messages/shell';
import { en as groups } from './messages/groups';
import { en as guides } from './messages/guides';
import { en as talk } from './messages/talk';
import { en as commons } from './messages/commons';
import { en as finding } from './messages/finding';
import { en as lock } from './messages/lock';
import { en as firstStart } from './messages/first-start';
import { en as settings } from './messages/settings';
import { en as publishing } from './messages/publishing';
import { en as search } from './messages/search';
import { en as browse } from './messages/browse';
import { en as members } from './messages/members';
import { en as ui } from './messages/ui';
import { en as refusals } from './messages/refusals';

/**
 * Every feature's English messages, merged. A feature adds `messages/<feature>.ts` (English) and
 * `messages/<feature>.sv.ts` (Swedish) and one entry here and in `catalogue-sv.ts`, so features never
 * edit the same catalogue file. English is bundled with the app (it is the fallback); Swedish lives in
 * files of its own so it becomes its own chunk, loaded only when it is the active language.
 */
export const englishFeatures = [shell, groups, guides, talk, commons, finding, lock, members, ui, refusals, firstStart, settings, publishing, search, browse] as const;

type KeysOf<F> = F extends unknown ? keyof F & string : never;

/** Every message key of the app. */
export type MessageKey = KeysOf<(typeof englishFeatures)[number]>;

/** One language's messages: every key. */
export type Catalogue = Record<MessageKey, string>;

/** The English catalogue. */
export const en: Catalogue = Object.assign({}, ...englishFeatures);
