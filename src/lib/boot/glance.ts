/**
 * A returning member's groups, painted into app.html's skeleton before the app's JavaScript has booted.
 * app.html's inline boot script opens the catalogue database on home (creating none) and, when it exists,
 * loads this module: built on its own by scripts/glance.ts into static/boot/glance.js, so it carries only
 * the catalogue reader (no Svelte, no Dexie, no sync engine). Only with no app lock set, as the app's own
 * glance (storage/group-list.ts); a locked device paints nothing. The app takes the list over when its
 * shell mounts (the root layout removes the skeleton) and reads it from `window.fieldbookGlance`.
 */
import { readGlance, type GroupList } from '../storage/group-list';

/** The skeleton's screen, while the app has not mounted yet. */
function skeletonScreen(): Element | null {
	return document.querySelector('#boot-shell .boot-screen');
}

/**
 * The list as home lays it out: a line where the greeting goes, the groups' heading (text-free: the
 * messages load with the app) and one card per group with its name as a link to the group.
 */
function paintGroups(screen: Element, list: GroupList): void {
	const section = document.createElement('section');
	section.setAttribute('aria-labelledby', 'home-groups');
	section.className = 'boot-groups';
	const heading = document.createElement('h2');
	heading.id = 'home-groups';
	heading.className = 'boot-line';
	const items = document.createElement('ul');
	for (const group of list.groups) {
		const item = document.createElement('li');
		const link = document.createElement('a');
		link.href = `/g/${encodeURIComponent(group.id)}`;
		// The skeleton is hidden from assistive technology, so its links stay out of the tab order too; the
		// app's own list, a moment later, is the one to reach by keyboard.
		link.tabIndex = -1;
		link.textContent = group.name;
		item.append(link);
		items.append(item);
	}
	section.append(heading, items);
	const greeting = document.createElement('div');
	greeting.className = 'boot-line';
	screen.replaceChildren(greeting, section);
}

/** Reads the list from the catalogue connection `db` (closed here) and paints it; the list, for the app. */
export async function paint(db: IDBDatabase): Promise<GroupList | undefined> {
	const list = await readGlance(db);
	const screen = skeletonScreen();
	if (list?.identity && list.groups.length > 0 && screen) paintGroups(screen, list);
	return list;
}
