/** A campaign's times and its calendar file (search is in `search.ts`, browsing the commons in `browse.ts`). */
export const en = {
	'campaign.when': 'When',
	'campaign.yourTime': 'Your time: {time}',
	'campaign.addToCalendar': 'Add to calendar (.ics)',
	'campaign.calendarFailed': 'The calendar file could not be made: {reason}'
};
