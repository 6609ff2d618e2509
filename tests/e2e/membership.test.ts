import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { firstStart, newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup, readInviteCode, readInviteLink } from '../helpers/flows';
import { decodeAnyInvite, decodeInvite, encodeRequestInvite, isRequestInvite } from '../../src/lib/sync/invite';
import { newDeviceKeys, relayCredentials } from '../../src/lib/sync/crypto';
import { open, seal } from '../../src/lib/sync/sealed';

const session = useAppSession();

const here = (link: string) => link.replace(/^https?:\/\/[^/]+/, session.relay.url);

/** Creates an invite from the group screen: a request link, or a direct invite's code. */
async function inviteFrom(page: Page, groupUrl: string, kind: 'direct' | 'request'): Promise<string> {
	await page.goto(groupUrl);
	await page.getByRole('button', { name: 'Invite people' }).waitFor();
	return kind === 'direct' ? readInviteCode(page) : readInviteLink(page);
}

async function members(page: Page, groupUrl: string): Promise<string> {
	await page.goto(`${groupUrl}/members`);
	const list = page.getByRole('list', { name: 'Members' });
	await list.waitFor();
	return (await list.textContent()) ?? '';
}

/** Axe at phone width in English and Swedish on the page as it is now (the language comes back to English). */
async function axeBothLanguages(page: Page, at = page.url()): Promise<void> {
	expect(await seriousAxeViolations(page)).toEqual([]);
	const url = new URL(at);
	url.searchParams.set('lang', 'sv');
	await page.goto(url.toString());
	await page.locator('html[lang="sv"]').waitFor();
	await page.getByRole('heading', { level: 1 }).first().waitFor();
	expect(await seriousAxeViolations(page)).toEqual([]);
	url.searchParams.set('lang', 'en');
	await page.goto(url.toString());
	await page.locator('html[lang="en"]').waitFor();
}

/**
 * A key holder who is not a member (someone who kept a direct invite's key) writes a blob, signed by their
 * own device key, that renames the group: straight into the vault room on the relay.
 */
async function forgeRename(directCode: string, name: string): Promise<void> {
	const invite = decodeInvite(directCode);
	const { room, token } = relayCredentials(invite.key, invite.groupId, invite.epoch);
	const outer = new Y.Doc();
	const provider = new WebsocketProvider(session.relay.url.replace(/^http/, 'ws') + '/sync', room, outer, {
		params: { token },
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
	const context = { groupId: invite.groupId, epoch: invite.epoch, docId: 'meta' };
	const inner = new Y.Doc();
	for (const blob of outer.getArray<Uint8Array>('d/meta').toArray()) {
		Y.applyUpdate(inner, open(blob, context, (keyId) => (keyId === invite.keyId ? { keyId, key: invite.key } : undefined)).plaintext);
	}
	let update: Uint8Array | undefined;
	inner.on('update', (made: Uint8Array) => (update = made));
	inner.getMap('meta').set('name', name);
	const forged = seal(update!, context, { keyId: invite.keyId, key: invite.key }, newDeviceKeys());
	outer.getArray<Uint8Array>('d/meta').push([forged]);
	await new Promise<void>((resolve) => {
		const check = () => (provider.wsconnected && (provider.ws?.bufferedAmount ?? 0) === 0 ? resolve() : setTimeout(check, 50));
		check();
	});
	// Give the relay the round trip to store it before the socket goes.
	await new Promise((resolve) => setTimeout(resolve, 300));
	provider.destroy();
}

describe('who is in the group', () => {
	it('three people: ask and approve by request link, revoked and expired links refused, leaving seen, a forged blob refused', async () => {
		const contexts = await Promise.all([newPhoneContext(session.browser), newPhoneContext(session.browser), newPhoneContext(session.browser)]);
		const [a, b, c] = await Promise.all(contexts.map((context) => context.newPage()));
		await firstStart(a!, session.relay.url, 'Alice');
		await firstStart(b!, session.relay.url, 'Bashir');
		await firstStart(c!, session.relay.url, 'Cai');
		const groupUrlA = await createGroup(a!, 'Tenants union');

		// The invite dialog: a request link by default, no group key in it.
		await a!.getByRole('button', { name: 'Invite people' }).click();
		await a!.getByRole('dialog').getByRole('button', { name: 'Create invite' }).waitFor();
		await axeBothLanguages(a!);
		await a!.keyboard.press('Escape');
		const link = await readInviteLink(a!);
		const decoded = decodeAnyInvite(link);
		expect(isRequestInvite(decoded)).toBe(true);

		// B opens it: the group's name from the door, Ask to join, then Waiting for approval.
		await b!.goto(here(link));
		await b!.getByText('You are invited to join Tenants union.').waitFor();
		await b!.getByRole('button', { name: 'Ask to join' }).waitFor();
		// The join page drops the fragment from the address bar, so the link is opened again in each language.
		await axeBothLanguages(b!, here(link));
		await b!.getByRole('button', { name: 'Ask to join' }).click();
		await b!.getByText('Waiting for approval').waitFor();
		expect(await seriousAxeViolations(b!)).toEqual([]);

		// A sees the request (a badge on the group, at home and on its screen), approves.
		await a!.getByRole('link', { name: 'Home' }).click();
		await a!.getByRole('link', { name: '1 asking to join' }).waitFor({ timeout: 30_000 });
		await a!.goto(groupUrlA);
		await a!.getByRole('link', { name: /Members.*1 asking to join/ }).waitFor({ timeout: 30_000 });
		await a!.goto(`${groupUrlA}/members`);
		await a!.getByRole('button', { name: 'Approve Bashir' }).waitFor();
		await a!.getByRole('button', { name: 'Decline Bashir' }).waitFor();
		await axeBothLanguages(a!);
		await a!.getByRole('button', { name: 'Approve Bashir' }).click();
		await b!.getByRole('heading', { level: 1, name: 'Tenants union' }).waitFor({ timeout: 30_000 });
		const groupUrlB = b!.url();
		await expect.poll(() => members(a!, groupUrlA), { timeout: 30_000, interval: 500 }).toContain('Bashir');
		expect(await members(b!, groupUrlB)).toMatch(/Alice.*Admin/);
		expect(await b!.getByRole('button', { name: 'Make admin' }).count()).toBe(0);

		// Roles: A makes B an admin, B sees it; A takes it back.
		await members(a!, groupUrlA);
		await a!.getByRole('button', { name: 'Make admin' }).click();
		await expect.poll(async () => (await members(b!, groupUrlB)).match(/Bashir[^A-Za-z]*\(you\)\s*Admin/) !== null, { timeout: 30_000, interval: 500 }).toBe(true);
		await b!.getByRole('button', { name: 'Remove admin' }).waitFor();
		await a!.getByRole('button', { name: 'Remove admin' }).click();
		await a!.getByRole('button', { name: 'Make admin' }).waitFor();

		// A revoked link: C is refused with a clear message.
		const revokedLink = await inviteFrom(a!, groupUrlA, 'request');
		await a!.goto(`${groupUrlA}/members`);
		await a!.getByRole('list', { name: 'Invites' }).getByRole('button', { name: 'Revoke' }).last().click();
		await expect.poll(async () => a!.getByRole('list', { name: 'Invites' }).getByRole('button', { name: 'Revoke' }).count()).toBe(1);
		await c!.goto(here(revokedLink));
		await c!.getByRole('alert').filter({ hasText: 'This invite was revoked' }).waitFor({ timeout: 30_000 });
		expect(await c!.getByRole('button', { name: 'Ask to join' }).count()).toBe(0);

		// An expired link (valid one day, opened eight days later): refused likewise.
		const day = 24 * 60 * 60 * 1000;
		const stale = decodeAnyInvite(await inviteFrom(a!, groupUrlA, 'request'));
		if (!isRequestInvite(stale)) throw new Error('expected a request link');
		await c!.goto(`${session.relay.url}/join#${encodeRequestInvite({ ...stale, expires: Date.now() - 7 * day })}`);
		await c!.getByRole('alert').filter({ hasText: 'This invite has expired' }).waitFor();
		expect(await c!.getByRole('button', { name: 'Ask to join' }).count()).toBe(0);
		expect(await seriousAxeViolations(c!)).toEqual([]);

		// A blob forged by a key holder who is not a member is refused; the group stays as it was.
		const directCode = await inviteFrom(a!, groupUrlA, 'direct');
		await forgeRename(directCode, 'Hacked');
		await a!.goto(groupUrlA);
		await a!.getByRole('alert').filter({ hasText: 'could not be opened' }).waitFor({ timeout: 30_000 });
		expect(await a!.getByRole('heading', { level: 1 }).textContent()).toBe('Tenants union');

		// B leaves; A sees it.
		await b!.goto(groupUrlB);
		await b!.getByRole('button', { name: 'More for this group' }).click();
		await b!.getByRole('menuitem', { name: 'Leave group' }).click();
		await b!.getByRole('dialog').getByRole('button', { name: 'Leave group' }).click();
		await b!.getByRole('button', { name: 'New group' }).waitFor();
		await expect.poll(async () => (await members(a!, groupUrlA)).includes('Bashir'), { timeout: 30_000, interval: 500 }).toBe(false);
		await a!.getByText('Left the group').waitFor();
		expect(await a!.getByRole('heading', { level: 1 }).textContent()).toBe('Members');
		for (const context of contexts) await context.close();
	});
});
