/** The shared components' own words: the app bar, menus, the bottom navigation. */
export const en = {
	'ui.nextAction': 'Next action',
	'ui.groupMenu': 'More for this group',
	'ui.noGuides': 'No guides yet.',
	'ui.back': 'Back',
	'ui.dismiss': 'Dismiss',
	'ui.more': 'More',
	'ui.messageMenu': 'Actions for message from {name}',
	'ui.openGuide': 'Guide: {title}',
	'ui.joinGroup': 'Join a group',
	'ui.joinHint': 'Got an invite link or QR code from someone in a group? Open it here.'
};
