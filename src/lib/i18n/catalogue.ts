import type { Locale } from './types';
import { shell } from './messages/shell';
import { groups } from './messages/groups';
import { guides } from './messages/guides';
import { talk } from './messages/talk';
import { commons } from './messages/commons';
import { finding } from './messages/finding';
import { lock } from './messages/lock';

/**
 * Every feature's messages, merged. A feature adds one file under `messages/` and one entry here,
 * so features never edit the same catalogue file.
 */
const features = [shell, groups, guides, talk, commons, finding, lock] as const;

type Feature = (typeof features)[number];
type KeysOf<F> = F extends { en: infer E } ? keyof E & string : never;

/** Every message key of the app. */
export type MessageKey = KeysOf<Feature>;

/** The merged catalogue per locale. */
export const catalogues: Record<Locale, Record<MessageKey, string>> = {
	en: Object.assign({}, ...features.map((f) => f.en)),
	sv: Object.assign({}, ...features.map((f) => f.sv))
};

/** The feature catalogues one by one, for the key-parity test. */
export const featureCatalogues: readonly { en: Record<string, string>; sv: Record<string, string> }[] = features;
