import type { en } from './finding';

/** A campaign's times and its calendar file (search is in `search.ts`, browsing the commons in `browse.ts`), in Swedish, key for key. */
export const sv = {
	'campaign.when': 'När',
	'campaign.yourTime': 'Din tid: {time}',
	'campaign.addToCalendar': 'Lägg till i kalendern (.ics)',
	'campaign.calendarFailed': 'Kalenderfilen kunde inte skapas: {reason}'
} satisfies Record<keyof typeof en, string>;
