import { expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { firstStart, newPhoneContext, waitForServiceWorker } from './browser';

/** Creates a group from home and waits for its screen. Returns the group screen's URL. */
export async function createGroup(page: Page, name: string): Promise<string> {
	await page.getByRole('link', { name: 'Home' }).click();
	await page.getByRole('button', { name: 'New group' }).click();
	await page.getByRole('textbox', { name: 'Group name' }).fill(name);
	await page.getByRole('button', { name: 'Create group' }).click();
	await page.getByRole('heading', { level: 1, name }).waitFor();
	return page.url();
}

/** Opens the invite dialog, picks `kind`, creates the invite and waits for its QR code. */
async function createInvite(page: Page, kind: 'direct' | 'request') {
	await page.getByRole('button', { name: 'Invite people' }).click();
	const dialog = page.getByRole('dialog');
	await dialog.waitFor();
	if (kind === 'direct') await dialog.getByRole('radio', { name: 'Direct invite' }).check();
	await dialog.getByRole('button', { name: 'Create invite' }).click();
	await dialog.getByRole('img', { name: 'Invite QR code' }).waitFor();
	return dialog;
}

/** Closes the invite dialog with Escape. */
async function closeInvite(page: Page, dialog: Locator): Promise<void> {
	await page.keyboard.press('Escape');
	await dialog.waitFor({ state: 'hidden' });
}

/**
 * Creates a direct invite and reads its code from the dialog: what most journeys need to get the second
 * person in at once, without an admin's approval. A direct invite is never offered as a link.
 */
export async function readInviteCode(page: Page): Promise<string> {
	const dialog = await createInvite(page, 'direct');
	const code = await dialog.getByRole('textbox', { name: 'Invite code' }).inputValue();
	expect(code).toMatch(/^[A-Za-z0-9_-]{40,}$/);
	expect(await dialog.getByRole('textbox', { name: 'Invite link' }).count()).toBe(0);
	await closeInvite(page, dialog);
	return code;
}

/** Creates a request link (no key in it) and reads it from the dialog. */
export async function readInviteLink(page: Page): Promise<string> {
	const dialog = await createInvite(page, 'request');
	const link = await dialog.getByRole('textbox', { name: 'Invite link' }).inputValue();
	expect(link).toMatch(/\/join#[A-Za-z0-9_-]{40,}$/);
	await closeInvite(page, dialog);
	return link;
}

/** Opens the join page from home, pastes an invite code and opens it (the `Join group` button shows next). */
export async function openInviteCode(page: Page, baseUrl: string, code: string): Promise<void> {
	await page.goto(baseUrl);
	await page.getByRole('link', { name: 'Join a group' }).click();
	await page.getByRole('textbox', { name: 'Invite code or link' }).fill(code);
	await page.getByRole('button', { name: 'Open invite' }).click();
	await page.getByRole('button', { name: 'Join group' }).waitFor();
}

/** Joins with a direct invite's code, pasted on the join page; returns the group screen's URL. */
export async function joinByCode(page: Page, baseUrl: string, code: string, groupName: string): Promise<string> {
	await openInviteCode(page, baseUrl, code);
	await page.getByRole('button', { name: 'Join group' }).click();
	await page.getByRole('heading', { level: 1, name: groupName }).waitFor();
	return page.url();
}

/** Two people on two phones in one new group: A created it, B joined with its direct invite's code. */
export interface TwoMembers {
	contextA: BrowserContext;
	contextB: BrowserContext;
	a: Page;
	b: Page;
	groupUrlA: string;
	groupUrlB: string;
	close(): Promise<void>;
}

/**
 * Sets up two isolated browser profiles that share one group, both with their service worker ready. With
 * `browserB`, B's profile lives in another browser (one that reaches another relay process, say).
 */
export async function twoMembers(browser: Browser, baseUrl: string, groupName: string, browserB = browser): Promise<TwoMembers> {
	const contextA = await newPhoneContext(browser);
	const contextB = await newPhoneContext(browserB);
	const a = await contextA.newPage();
	const b = await contextB.newPage();
	await firstStart(a, baseUrl, 'Alice');
	await firstStart(b, baseUrl, 'Bashir');
	await Promise.all([waitForServiceWorker(a), waitForServiceWorker(b)]);
	const groupUrlA = await createGroup(a, groupName);
	const code = await readInviteCode(a);
	const groupUrlB = await joinByCode(b, baseUrl, code, groupName);
	return {
		contextA,
		contextB,
		a,
		b,
		groupUrlA,
		groupUrlB,
		close: async () => {
			await contextA.close();
			await contextB.close();
		}
	};
}

/** Waits until the global sync status says the given state. */
export async function waitForSyncStatus(page: Page, text: string, timeout = 30_000): Promise<void> {
	await expect
		.poll(async () => (await page.getByRole('status', { name: 'Sync status' }).textContent()) ?? '', {
			timeout,
			interval: 250
		})
		.toContain(text);
}

/** Starts a discussion (title and first message) in a group, sends the rest of `messages`, and stays in it. */
export async function startDiscussion(page: Page, groupUrl: string, title: string, messages: string[]): Promise<void> {
	await page.goto(`${groupUrl}/discussions`);
	await page.getByRole('button', { name: 'New discussion' }).click();
	const dialog = page.getByRole('dialog');
	await dialog.getByRole('textbox', { name: 'Title' }).fill(title);
	await dialog.getByRole('textbox', { name: 'Message' }).fill(messages[0]!);
	await dialog.getByRole('button', { name: 'Send' }).click();
	await page.getByRole('heading', { level: 1, name: title }).waitFor();
	for (const text of messages.slice(1)) {
		await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
		await page.getByRole('button', { name: 'Send', exact: true }).click();
		await page.getByRole('list', { name: 'Messages' }).getByText(text).waitFor();
	}
}

/** The guide editor's body. */
export function guideBody(page: Page) {
	return page.getByRole('textbox', { name: 'Guide body' });
}

/** The guide body's text without other people's caret labels. */
export function guideBodyText(page: Page): Promise<string> {
	return guideBody(page).evaluate((element) => {
		const copy = element.cloneNode(true) as HTMLElement;
		for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove();
		return copy.textContent ?? '';
	});
}

/** Types `text` at the end of the guide body. */
export async function typeAtGuideEnd(page: Page, text: string): Promise<void> {
	await guideBody(page).click();
	await page.keyboard.press('Control+End');
	await page.keyboard.type(text);
}
