/**
 * The settings screen: name, language, storage.
 */
export const en = {
	'settings.title': 'Settings',
	'settings.language': 'Language',
	'settings.nameLabel': 'Your name',
	'settings.save': 'Save',
	'settings.saved': 'Saved',
	'settings.storage': 'Storage',
	'settings.storageUsed': '{used} used of {quota} available on this device',
	'settings.storageUnknown': 'This browser does not say how much storage is used.',
	'settings.storagePersisted': 'The browser keeps this data even when space runs low.',
	'settings.storageNotPersisted': 'The browser may clear this data when space runs low.'
};
