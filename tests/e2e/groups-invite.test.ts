import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { firstStart, launchBrowser, newPhoneContext, seriousAxeViolations, waitForServiceWorker } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup, openInviteCode, readInviteCode } from '../helpers/flows';
import { sv } from '../../src/lib/i18n/catalogue-sv';

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

/**
 * A camera recording (Y4M, 4:2:0) of the QR code the invite dialog drew: its SVG path's modules, black on
 * white, a few pixels each, centred in every frame. Chromium's fake camera plays it to the page.
 */
function qrRecording(svg: { size: number; path: string }, file: string): void {
	const width = 640;
	const height = 480;
	const scale = Math.floor(Math.min(width, height) / svg.size);
	const left = Math.floor((width - svg.size * scale) / 2);
	const top = Math.floor((height - svg.size * scale) / 2);
	const luma = Buffer.alloc(width * height, 255);
	for (const [, x, y] of svg.path.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
		for (let row = 0; row < scale; row++) {
			const start = (top + Number(y) * scale + row) * width + left + Number(x) * scale;
			luma.fill(0, start, start + scale);
		}
	}
	const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
	const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
	writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]));
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
		const code = await readInviteCode(a);

		// Pasted on the join page: the code never is in an address, so never in the browser's history.
		await openInviteCode(b, session.relay.url, code);
		expect(b.url()).not.toContain(code);
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

		for (const url of [...requests, ...requestsB]) expect(url).not.toContain(code);
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
		const code = await readInviteCode(a);

		await contextB.setOffline(true);
		await openInviteCode(b, session.relay.url, code);
		await b.getByRole('button', { name: 'Join group' }).click();
		await b.getByRole('heading', { level: 1, name: 'Legal support' }).waitFor();
		await expect(b.getByRole('status', { name: 'Sync status' }).textContent()).resolves.toContain('Offline');

		await contextB.setOffline(false);
		await waitForMembers(a, groupUrlA, ['Alice', 'Bo']);
		await contextA.close();
		await contextB.close();
	});

	it('a direct invite is offered as a QR code and a code only, says why in English and Swedish, and joins by scanning inside the app', async () => {
		const context = await newPhoneContext(session.browser);
		await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.relay.url });
		const page = await context.newPage();
		await firstStart(page, session.relay.url, 'Esme');
		const groupUrl = await createGroup(page, 'Mutual aid');

		for (const language of ['en', 'sv'] as const) {
			const text = (key: keyof typeof sv, english: string) => (language === 'sv' ? sv[key] : english);
			await page.goto(`${groupUrl}?lang=${language}`);
			await page.locator(`html[lang="${language}"]`).waitFor();
			await page.getByRole('button', { name: text('groups.invite', 'Invite people') }).click();
			const dialog = page.getByRole('dialog');
			await dialog.getByRole('radio', { name: text('invite.direct', 'Direct invite') }).check();
			await dialog.getByRole('button', { name: text('invite.create', 'Create invite') }).click();
			await dialog.getByRole('img', { name: text('groups.inviteQr', 'Invite QR code') }).waitFor();
			const code = await dialog.getByRole('textbox', { name: text('invite.code', 'Invite code') }).inputValue();
			expect(code).toMatch(/^[A-Za-z0-9_-]{40,}$/);
			// No link anywhere: no link field, no link to copy or share, no address with the code in it.
			expect(await dialog.getByRole('textbox').count()).toBe(1);
			expect(await dialog.getByRole('link').count()).toBe(0);
			expect(await dialog.getByRole('button', { name: text('groups.copyLink', 'Copy link') }).count()).toBe(0);
			expect(await dialog.getByRole('button', { name: text('groups.share', 'Share') }).count()).toBe(0);
			expect(await dialog.innerHTML()).not.toContain('/join');
			await dialog.getByText(text('invite.codeWhy', 'A direct invite is a code, not a link, because it carries the group key')).waitFor();
			await dialog.getByRole('button', { name: text('invite.copyCode', 'Copy code') }).click();
			await dialog.getByRole('status').getByText(text('invite.codeCopied', 'Code copied')).waitFor();
			expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
			expect(await seriousAxeViolations(page)).toEqual([]);
			if (language === 'sv') break;
			await page.keyboard.press('Escape');
			await dialog.waitFor({ state: 'hidden' });
		}

		// The QR code as the dialog drew it, held up to another phone's camera in the app's join page.
		const svg = await page.getByRole('dialog').getByRole('img').evaluate((element) => ({
			size: (element as SVGSVGElement).viewBox.baseVal.width,
			path: element.querySelector('path')?.getAttribute('d') ?? ''
		}));
		const dir = mkdtempSync(join(tmpdir(), 'fieldbook-camera-'));
		qrRecording(svg, join(dir, 'qr.y4m'));
		const camera = await launchBrowser(['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${join(dir, 'qr.y4m')}`]);
		try {
			const contextB = await newPhoneContext(camera);
			await contextB.grantPermissions(['camera'], { origin: session.relay.url });
			const b = await contextB.newPage();
			await firstStart(b, session.relay.url, 'Bashir');
			await b.getByRole('link', { name: 'Join a group' }).click();
			await b.getByRole('button', { name: 'Scan QR code' }).click();
			await b.getByText('You are invited to join Mutual aid.').waitFor({ timeout: 30_000 });
			await b.getByRole('button', { name: 'Join group' }).click();
			await b.getByRole('heading', { level: 1, name: 'Mutual aid' }).waitFor();
			await contextB.close();
		} finally {
			await camera.close();
			rmSync(dir, { recursive: true, force: true });
		}
		await context.close();
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

		await page.getByRole('button', { name: 'More for this group' }).click();
		await page.getByRole('menuitem', { name: 'Leave group' }).click();
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
