import type { en } from './search';

/** Offline search and recent activity, in Swedish, key for key. */
export const sv = {
	'search.title': 'Sök',
	'search.label': 'Sök',
	'search.hint': 'Söker i gruppernas guider, diskussioner och aktioner och i allmänningens inlägg som sparats i telefonen. Fungerar utan nät.',
	'search.building': 'Läser dina grupper…',
	'search.results': '{count, plural, one {# träff} other {# träffar}}',
	'search.oneResult': '1 träff',
	'search.none': 'Inget hittades för ”{query}”.',
	'search.kind.guide': 'Guider',
	'search.kind.discussion': 'Diskussioner',
	'search.kind.action': 'Aktioner',
	'search.kind.commons': 'Allmänningen',
	'search.in': 'i {group}',
	'search.found': 'Hittat här',
	'activity.title': 'Senaste aktivitet',
	'activity.none': 'Inget nytt i dina grupper än.',
	'activity.newGuide': 'Ny guide: {title}',
	'activity.editedGuide': 'Guide ändrad: {title}',
	'activity.newDiscussion': 'Ny diskussion: {title}',
	'activity.newMessages': 'Nya meddelanden: {title}',
	'activity.newAction': 'Ny aktion: {title}',
	'activity.editedAction': 'Aktion ändrad: {title}',
	'activity.by': '{author} · {group} · {time}'
} satisfies Record<keyof typeof en, string>;
