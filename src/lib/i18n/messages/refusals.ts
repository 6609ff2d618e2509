/** What a member's device refused or undid of another member's changes, told to the group. */
export const en = {
	'refusals.label': 'Refused changes',
	'refusals.inGroup': 'In {group}',
	'refusals.refused': '{count, plural, one {A change from {name} was refused} other {# changes from {name} were refused}}',
	'refusals.refusedUnknown': '{count, plural, one {A change from someone outside the group was refused} other {# changes from someone outside the group were refused}}',
	'refusals.restored': '{name} deleted part of “{title}”; it was put back',
	'refusals.restoredSomeone': 'Someone deleted part of “{title}”; it was put back',
	'refusals.restoredGroup': "{name} deleted part of the group's details; they were put back",
	'refusals.restoredGroupSomeone': "Someone deleted part of the group's details; they were put back",
	'refusals.untitled': 'Untitled'
};
