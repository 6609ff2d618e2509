import type { FeatureMessages } from '../types';

/** Finding things: offline search, places and distance, the map, calendar files and recent activity. */
export const finding = {
	en: {
		'search.title': 'Search',
		'search.label': 'Search',
		'search.hint': 'Searches your groups’ guides, discussions and actions and the commons entries kept on this phone. Works offline.',
		'search.building': 'Reading your groups…',
		'search.results': '{count} results',
		'search.oneResult': '1 result',
		'search.none': 'Nothing found for “{query}”.',
		'search.kind.guide': 'Guides',
		'search.kind.discussion': 'Discussions',
		'search.kind.action': 'Actions',
		'search.kind.commons': 'Commons',
		'search.in': 'in {group}',
		'search.found': 'Found here',
		'campaign.when': 'When',
		'campaign.yourTime': '{time} your time',
		'campaign.starts': 'Starts',
		'campaign.ends': 'Ends',
		'campaign.endsHint': 'Optional; leave empty for an ongoing campaign.',
		'campaign.timeZone': 'Time zone',
		'campaign.addToCalendar': 'Add to calendar (.ics)',
		'campaign.calendarFailed': 'The calendar file could not be made: {reason}'
	},
	sv: {
		'search.title': 'Sök',
		'search.label': 'Sök',
		'search.hint': 'Söker i gruppernas guider, diskussioner och aktioner och i allmänningens inlägg som sparats i telefonen. Fungerar utan nät.',
		'search.building': 'Läser dina grupper…',
		'search.results': '{count} träffar',
		'search.oneResult': '1 träff',
		'search.none': 'Inget hittades för ”{query}”.',
		'search.kind.guide': 'Guider',
		'search.kind.discussion': 'Diskussioner',
		'search.kind.action': 'Aktioner',
		'search.kind.commons': 'Allmänningen',
		'search.in': 'i {group}',
		'search.found': 'Hittat här',
		'campaign.when': 'När',
		'campaign.yourTime': '{time} din tid',
		'campaign.starts': 'Börjar',
		'campaign.ends': 'Slutar',
		'campaign.endsHint': 'Valfritt; lämna tomt för en pågående kampanj.',
		'campaign.timeZone': 'Tidszon',
		'campaign.addToCalendar': 'Lägg till i kalendern (.ics)',
		'campaign.calendarFailed': 'Kalenderfilen kunde inte skapas: {reason}'
	}
} satisfies FeatureMessages;
