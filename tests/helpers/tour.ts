import type { Page } from 'playwright-core';
import { firstStart } from './browser';
import { createGroup, startDiscussion } from './flows';

/** One screen of the app for a walk through all of them: where it is and what shows it has painted. */
export interface TourStop {
	name: string;
	path: string;
	/** The screen has painted once this heading (level 1) is on it; a regular expression source. */
	heading: RegExp;
	/** An inner screen: it has an app bar with a `Back` link. */
	inner: boolean;
}

/** What a tour member's group holds, so each screen has something to show. */
export const TOUR = {
	member: 'Dana',
	group: 'Lund tenants union',
	guide: 'Know your rights at a housing inspection',
	thread: 'Saturday door knocking',
	action: 'Door knocking in Norra Fäladen'
} as const;

/**
 * Makes a member with one group holding a guide, a discussion of a few messages, a discussion of the guide
 * and an upcoming action, then returns every screen of the app. The member's data stays in the page's
 * context; pass `?lang=` to visit a screen in another language.
 */
export async function seedTour(page: Page, baseUrl: string): Promise<TourStop[]> {
	await firstStart(page, baseUrl, TOUR.member);
	const groupUrl = await createGroup(page, TOUR.group);
	const groupPath = new URL(groupUrl).pathname;

	await page.goto(`${groupUrl}/guides`);
	await page.getByRole('button', { name: 'New guide' }).click();
	await page.getByRole('textbox', { name: 'Title' }).fill(TOUR.guide);
	await page.getByRole('textbox', { name: 'Guide body' }).click();
	await page.keyboard.type('Ask to see the inspector’s ID. Write down names, times and what was said.');
	await page.getByRole('button', { name: 'Done' }).click();
	await page.getByRole('heading', { level: 1, name: TOUR.guide }).waitFor();
	const guidePath = new URL(page.url()).pathname;

	await startDiscussion(page, groupUrl, TOUR.thread, [
		'Who can come on Saturday? We start at 10 by the library.',
		'I can, and I bring the flyers.',
		'Remember the rights guide, print a few copies.'
	]);
	const threadPath = new URL(page.url()).pathname;

	await page.goto(`${groupUrl}/actions/new`);
	await page.getByRole('textbox', { name: 'Title' }).fill(TOUR.action);
	await page.getByLabel('Starts').fill(`${new Date().getFullYear() + 1}-06-12T10:00`);
	await page.getByRole('button', { name: 'Save' }).click();
	await page.getByRole('heading', { level: 1, name: TOUR.action }).waitFor();
	const actionPath = new URL(page.url()).pathname;

	const any = /./;
	return [
		{ name: 'home', path: '/', heading: new RegExp(TOUR.member), inner: false },
		{ name: 'commons', path: '/commons', heading: any, inner: false },
		{ name: 'search', path: '/search', heading: any, inner: false },
		{ name: 'settings', path: '/settings', heading: any, inner: false },
		{ name: 'app-lock', path: '/settings/lock', heading: any, inner: true },
		{ name: 'new-group', path: '/groups/new', heading: any, inner: true },
		{ name: 'join', path: '/join', heading: any, inner: true },
		{ name: 'group', path: groupPath, heading: new RegExp(TOUR.group), inner: true },
		{ name: 'guides', path: `${groupPath}/guides`, heading: any, inner: true },
		{ name: 'guide', path: guidePath, heading: new RegExp(TOUR.guide), inner: true },
		{ name: 'templates', path: `${groupPath}/guides/templates`, heading: any, inner: true },
		{ name: 'discussions', path: `${groupPath}/discussions`, heading: any, inner: true },
		{ name: 'thread', path: threadPath, heading: new RegExp(TOUR.thread), inner: true },
		{ name: 'actions', path: `${groupPath}/actions`, heading: any, inner: true },
		{ name: 'action', path: actionPath, heading: new RegExp(TOUR.action), inner: true },
		{ name: 'new-action', path: `${groupPath}/actions/new`, heading: any, inner: true },
		{ name: 'members', path: `${groupPath}/members`, heading: any, inner: true }
	];
}

/** Opens one screen in a language and waits until its heading is there and nothing is still loading. */
export async function visit(page: Page, baseUrl: string, stop: TourStop, lang: 'en' | 'sv'): Promise<void> {
	await page.goto(`${baseUrl}${stop.path}?lang=${lang}`);
	await page.getByRole('heading', { level: 1, name: stop.heading }).first().waitFor();
	await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
}
