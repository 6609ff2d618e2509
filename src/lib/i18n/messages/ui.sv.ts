import type { en } from './ui';

/** De delade komponenternas egna ord, på svenska, nyckel för nyckel. */
export const sv = {
	'ui.nextAction': 'Nästa aktion',
	'ui.groupMenu': 'Mer för den här gruppen',
	'ui.noGuides': 'Inga guider än.',
	'ui.back': 'Tillbaka',
	'ui.dismiss': 'Stäng',
	'ui.more': 'Mer',
	'ui.messageMenu': 'Åtgärder för meddelande från {name}',
	'ui.openGuide': 'Guide: {title}',
	'ui.joinGroup': 'Gå med i en grupp',
	'ui.joinHint': 'Har du fått en inbjudningslänk eller QR-kod från någon i en grupp? Öppna den här.'
} satisfies Record<keyof typeof en, string>;
