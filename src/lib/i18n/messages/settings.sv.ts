import type { en } from './settings';

/** The settings screen, in Swedish, key for key. */
export const sv = {
	'settings.title': 'Inställningar',
	'settings.language': 'Språk',
	'settings.nameLabel': 'Ditt namn',
	'settings.save': 'Spara',
	'settings.saved': 'Sparat',
	'settings.storage': 'Lagring',
	'settings.storageUsed': '{used} använt av {quota} tillgängligt på den här enheten',
	'settings.storageUnknown': 'Den här webbläsaren berättar inte hur mycket lagring som används.',
	'settings.storagePersisted': 'Webbläsaren behåller datan även när utrymmet tar slut.',
	'settings.storageNotPersisted': 'Webbläsaren kan rensa datan när utrymmet tar slut.'
} satisfies Record<keyof typeof en, string>;
