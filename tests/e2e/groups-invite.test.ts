import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { firstStart, newPhoneContext, seriousAxeViolations, waitForServiceWorker } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup, readInviteLink } from '../helpers/flows';

const session = useAppSession();

/** Collects every URL this context sends, to prove the invite fragment never reaches a server. */
function recordRequests(context: BrowserContext): string[] {
	const urls: string[] = [];
	context.on('request', (request: Request) => urls.push(request.url()));
	context.on('page', (page) => page.on('websocket', (socket) => urls.push(socket.url())));
	return urls;
}

async function membersText(page: Page, groupUrl: string): Promise<string> {
	await page.goto(`${groupUrl}/members`);
	const list = page.getByRole('list', { name: 'Members' });
	await list.waitFor();
	return (await list.textContent()) ?? '';
}

async function waitForMembers(page: Page, groupUrl: string, names: string[]): Promise<void> {
	await expect
		.poll(async () => {
			const text = await membersText(page, groupUrl);
			return names.every((name) => text.includes(name));
		}, { timeout: 30_000, interval: 500 })
		.toBe(true);
}

describe('groups and invites', () => {
	it('A invites, B joins, both see both members, and a rename reaches A', async () => {
		const contextA = await newPhoneContext(session.browser);
		const contextB = await newPhoneContext(session.browser);
		const requests = recordRequests(contextA);
		const requestsB = recordRequests(contextB);
		const a = await contextA.newPage();
		const b = await contextB.newPage();
		await firstStart(a, session.relay.url, 'Alice');
		await firstStart(b, session.relay.url, 'Bashir');

		const groupUrlA = await createGroup(a, 'Climate Action Umeå');
		const link = await readInviteLink(a);
		const fragment = link.split('#')[1] ?? '';

		await b.goto(link.replace(/^https?:\/\/[^/]+/, session.relay.url));
		// The fragment is gone from the address bar once read.
		await b.getByRole('button', { name: 'Join group' }).waitFor();
		expect(b.url()).not.toContain(fragment);
		await b.getByRole('button', { name: 'Join group' }).click();
		await b.getByRole('heading', { level: 1, name: 'Climate Action Umeå' }).waitFor();
		const groupUrlB = b.url();

		await waitForMembers(a, groupUrlA, ['Alice', 'Bashir']);
		await waitForMembers(b, groupUrlB, ['Alice', 'Bashir']);
		expect(await membersText(b, groupUrlB)).toMatch(/Bashir.*\(you\)/);

		await b.getByRole('link', { name: 'Settings' }).click();
		await b.getByRole('textbox', { name: 'Your name' }).fill('Bashir K');
		await b.getByRole('button', { name: 'Save' }).click();
		await waitForMembers(a, groupUrlA, ['Bashir K']);

		for (const url of [...requests, ...requestsB]) expect(url).not.toContain(fragment);
		await contextA.close();
		await contextB.close();
	});

	it('B joins while offline and syncs once online', async () => {
		const contextA = await newPhoneContext(session.browser);
		const contextB = await newPhoneContext(session.browser);
		const a = await contextA.newPage();
		const b = await contextB.newPage();
		await firstStart(a, session.relay.url, 'Alice');
		await firstStart(b, session.relay.url, 'Bo');
		await waitForServiceWorker(b);
		const groupUrlA = await createGroup(a, 'Legal support');
		const link = await readInviteLink(a);

		await contextB.setOffline(true);
		await b.goto(link.replace(/^https?:\/\/[^/]+/, session.relay.url));
		await b.getByRole('button', { name: 'Join group' }).click();
		await b.getByRole('heading', { level: 1, name: 'Legal support' }).waitFor();
		await expect(b.getByRole('status', { name: 'Sync status' }).textContent()).resolves.toContain('Offline');

		await contextB.setOffline(false);
		await waitForMembers(a, groupUrlA, ['Alice', 'Bo']);
		await contextA.close();
		await contextB.close();
	});

	it('a broken invite link shows an error, not a blank page', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		await firstStart(page, session.relay.url, 'Cai');
		for (const fragment of ['', 'not-a-valid-invite', 'AQIDBAUGBwgJCgsMDQ4PEA']) {
			await page.goto(`${session.relay.url}/join#${fragment}`);
			await page.getByRole('alert').waitFor();
			expect(await page.getByRole('button', { name: 'Join group' }).count()).toBe(0);
		}
		await context.close();
	});

	it('leaving removes the group from the device; the screens are accessible', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		await firstStart(page, session.relay.url, 'Dana');
		await page.getByRole('button', { name: 'New group' }).click();
		await page.getByRole('textbox', { name: 'Group name' }).waitFor();
		expect(await seriousAxeViolations(page)).toEqual([]);
		await page.getByRole('textbox', { name: 'Group name' }).fill('Press team');
		await page.getByRole('button', { name: 'Create group' }).click();
		await page.getByRole('heading', { level: 1, name: 'Press team' }).waitFor();
		expect(await seriousAxeViolations(page)).toEqual([]);
		const groupUrl = page.url();
		await page.goto(`${groupUrl}/members`);
		await page.getByRole('list', { name: 'Members' }).waitFor();
		expect(await seriousAxeViolations(page)).toEqual([]);
		await page.goto(groupUrl);
		await page.getByRole('button', { name: 'Invite people' }).click();
		await page.getByRole('dialog').waitFor();
		expect(await seriousAxeViolations(page)).toEqual([]);
		await page.keyboard.press('Escape');

		await page.getByRole('button', { name: 'Leave group' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'Leave group' }).click();
		await page.getByRole('button', { name: 'New group' }).waitFor();
		expect(await page.getByText('Press team').count()).toBe(0);
		await page.reload();
		await page.getByRole('button', { name: 'New group' }).waitFor();
		expect(await page.getByText('Press team').count()).toBe(0);
		await page.goto(`${session.relay.url}/join`);
		await page.getByRole('heading', { level: 1 }).waitFor();
		expect(await seriousAxeViolations(page)).toEqual([]);
		await context.close();
	});
});
