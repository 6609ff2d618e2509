import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { collectCspViolations, firstStart, newPhoneContext, seriousAxeViolations, waitForServiceWorker } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup, readInviteCode, twoMembers, waitForSyncStatus } from '../helpers/flows';
import { quickLock, setLock, unlock } from '../helpers/lock';

const session = useAppSession();

describe('the strict Content-Security-Policy', () => {
	it('is sent with the app, and a whole journey through it reports no violation', async () => {
		const context = await newPhoneContext(session.browser);
		const violations = await collectCspViolations(context);
		await quickLock(context);
		const page = await context.newPage();
		try {
			const response = await page.goto(`${session.relay.url}/?lang=en`);
			expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
			// The real build: the shell, a deep link, the worker and a hashed asset all carry the headers.
			const asset = /src="(\/_app\/immutable\/[^"]+\.js)"|import\("(\/_app\/immutable\/[^"]+\.js)"\)/.exec(await response!.text());
			expect(asset).not.toBeNull();
			for (const path of ['/', '/g/some-group/guides/some-guide', '/sw.js', asset![1] ?? asset![2]!]) {
				const answer = await fetch(`${session.relay.url}${path}`);
				expect(answer.status, path).toBe(200);
				const policy = answer.headers.get('content-security-policy') ?? '';
				for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"]) expect(policy, path).toContain(directive);
				expect(policy, path).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
				expect(answer.headers.get('referrer-policy'), path).toBe('no-referrer');
				expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
				expect(answer.headers.get('permissions-policy'), path).toContain('camera=(self)');
				await answer.arrayBuffer();
			}
			await firstStart(page, session.relay.url, 'Alice');
			await waitForServiceWorker(page);
			const groupUrl = await createGroup(page, 'Night shift');
			await readInviteCode(page);

			await page.goto(`${groupUrl}/guides`);
			await page.getByRole('button', { name: 'New guide' }).click();
			await page.getByRole('textbox', { name: 'Title' }).fill('Legal numbers');
			await page.getByRole('textbox', { name: 'Guide body' }).click();
			await page.keyboard.type('Call the hotline.\n');
			await page.getByRole('button', { name: 'Checklist' }).click();
			await page.keyboard.type('Write the number on your arm');

			// Export as Markdown: a warning first, then a zip with the guide in it.
			await page.goto(`${groupUrl}/guides`);
			await page.getByRole('button', { name: 'Export as Markdown' }).click();
			const exportDialog = page.getByRole('dialog');
			await exportDialog.getByText('The Markdown file is not encrypted').waitFor();
			const [download] = await Promise.all([page.waitForEvent('download'), exportDialog.getByRole('button', { name: 'Save zip' }).click()]);
			const files = unzipSync(new Uint8Array(readFileSync((await download.path())!)));
			expect(Object.keys(files)).toEqual(['legal-numbers.md']);
			expect(strFromU8(files['legal-numbers.md']!)).toMatch(/# Legal numbers[\s\S]*Call the hotline\.[\s\S]*- \[ \] Write the number on your arm/);

			await page.goto(`${groupUrl}/discussions`);
			await page.getByRole('button', { name: 'New discussion' }).click();
			const dialog = page.getByRole('dialog');
			await dialog.getByRole('textbox', { name: 'Title' }).fill('Saturday');
			await dialog.getByRole('textbox', { name: 'Message' }).fill('Who comes?');
			await dialog.getByRole('button', { name: 'Send' }).click();
			await page.getByRole('heading', { level: 1, name: 'Saturday' }).waitFor();

			await page.getByRole('link', { name: 'Commons' }).click();
			await page.getByRole('searchbox', { name: 'Search commons' }).waitFor();
			await page.getByRole('link', { name: 'Search' }).first().click();
			await page.getByRole('searchbox', { name: 'Search' }).fill('hotline');
			await page.getByRole('link', { name: 'Settings' }).click();
			await page.getByRole('combobox', { name: 'Language' }).waitFor();
			expect(await seriousAxeViolations(page)).toEqual([]);

			// The app lock's Argon2id runs as WebAssembly in a worker under the policy.
			await setLock(page, 'a passphrase here');
			await page.getByRole('button', { name: 'Lock now' }).click();
			await unlock(page, 'a passphrase here');
			await page.getByRole('button', { name: 'Lock now' }).waitFor({ timeout: 30_000 });

			// The service worker still serves the app under the policy: a deep link opens offline.
			await context.setOffline(true);
			await page.goto(`${groupUrl}/guides`);
			await unlock(page, 'a passphrase here');
			await page.getByRole('button', { name: 'New guide' }).waitFor({ timeout: 30_000 });
			await context.setOffline(false);
			expect(violations).toEqual([]);
		} finally {
			await context.close();
		}
	});

	it('reports no violation while two people edit one guide and see each other\'s caret and selection', async () => {
		const m = await twoMembers(session.browser, session.relay.url, 'Together');
		try {
			const onA = await collectCspViolations(m.contextA);
			const onB = await collectCspViolations(m.contextB);
			await m.a.goto(`${m.groupUrlA}/guides`);
			await m.a.getByRole('button', { name: 'New guide' }).click();
			await m.a.getByRole('textbox', { name: 'Title' }).fill('Shared plan');
			await m.a.getByRole('textbox', { name: 'Guide body' }).click();
			await m.a.keyboard.type('Everyone meets at noon.');
			await waitForSyncStatus(m.a, 'Saved to relay');
			await m.b.goto(`${m.groupUrlB}/guides/${new URL(m.a.url()).pathname.split('/').pop()}`);
			await m.b.getByRole('button', { name: 'Edit' }).click();
			await m.b.getByRole('textbox', { name: 'Guide body' }).click();
			// A selects a word: B paints A's selection and caret.
			await m.a.keyboard.press('Shift+Control+ArrowLeft');
			await m.b.locator('.collaboration-carets__caret').first().waitFor({ timeout: 30_000 });
			await m.b.locator('.ProseMirror-yjs-selection').first().waitFor({ timeout: 30_000 });
			expect([...onA, ...onB]).toEqual([]);
		} finally {
			await m.close();
		}
	});
});
