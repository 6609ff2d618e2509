import type { en } from './refusals';

/** Vad en medlems enhet avvisade eller återställde av en annan medlems ändringar, på svenska, nyckel för nyckel. */
export const sv = {
	'refusals.label': 'Avvisade ändringar',
	'refusals.inGroup': 'I {group}',
	'refusals.refused': '{count, plural, one {En ändring från {name} avvisades} other {# ändringar från {name} avvisades}}',
	'refusals.refusedUnknown': '{count, plural, one {En ändring från någon utanför gruppen avvisades} other {# ändringar från någon utanför gruppen avvisades}}',
	'refusals.restored': '{name} raderade en del av ”{title}”; det lades tillbaka',
	'refusals.restoredSomeone': 'Någon raderade en del av ”{title}”; det lades tillbaka',
	'refusals.restoredGroup': '{name} raderade en del av gruppens uppgifter; de lades tillbaka',
	'refusals.restoredGroupSomeone': 'Någon raderade en del av gruppens uppgifter; de lades tillbaka',
	'refusals.untitled': 'Utan titel'
} satisfies Record<keyof typeof en, string>;
