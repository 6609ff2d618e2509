import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { firstStart, newPhoneContext } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup, startDiscussion, waitForSyncStatus } from '../helpers/flows';

const session = useAppSession();

const BACKUP_PASSPHRASE = 'a long way from home';

async function restore(page: Page, file: { name: string; buffer: Buffer }, passphrase: string): Promise<void> {
	await page.getByLabel('Backup file').setInputFiles({ name: file.name, mimeType: 'application/octet-stream', buffer: file.buffer });
	await page.getByRole('textbox', { name: 'Backup passphrase' }).fill(passphrase);
	await page.getByRole('button', { name: 'Restore backup' }).click();
}

describe('backup and restore', () => {
	it('moves every group, guide and message to a fresh phone, which then syncs; a wrong passphrase and a cut file are refused', async () => {
		const contextA = await newPhoneContext(session.browser);
		const contextB = await newPhoneContext(session.browser);
		const a = await contextA.newPage();
		const b = await contextB.newPage();
		try {
			await firstStart(a, session.relay.url, 'Alice');
			const groupUrl = await createGroup(a, 'Tenants union');
			await a.goto(`${groupUrl}/guides`);
			await a.getByRole('button', { name: 'New guide' }).click();
			await a.getByRole('textbox', { name: 'Title' }).fill('Repair list');
			await a.getByRole('textbox', { name: 'Guide body' }).click();
			await a.keyboard.type('Photograph the damp before calling the landlord.');
			await startDiscussion(a, groupUrl, 'Rent strike', ['Meeting on Thursday', 'Bring the letters']);
			await waitForSyncStatus(a, 'Saved to relay');

			await a.getByRole('link', { name: 'Settings' }).click();
			await a.getByRole('textbox', { name: 'Backup passphrase' }).first().fill(BACKUP_PASSPHRASE);
			const [download] = await Promise.all([a.waitForEvent('download'), a.getByRole('button', { name: 'Export backup' }).click()]);
			const buffer = readFileSync((await download.path())!);
			expect(buffer.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
			expect(buffer.includes(Buffer.from('Rent strike'))).toBe(false);
			await a.getByText(/Backup saved as fieldbook-.*\.fieldbook\.age/).waitFor();

			// A fresh phone: first start offers the restore.
			await b.goto(`${session.relay.url}/?lang=en`);
			await b.getByRole('textbox', { name: 'Your name' }).waitFor();
			await restore(b, { name: download.suggestedFilename(), buffer }, 'not the passphrase');
			await b.getByRole('alert').getByText('That passphrase does not open this backup. Nothing was changed.').waitFor({ timeout: 60_000 });
			await restore(b, { name: 'cut.fieldbook.age', buffer: buffer.subarray(0, Math.floor(buffer.length * 0.6)) }, BACKUP_PASSPHRASE);
			await b.getByRole('alert').getByText('This file is not a complete Fieldbook backup (damaged or cut short). Nothing was changed.').waitFor({ timeout: 60_000 });
			// Nothing changed: still the first start.
			expect(await b.getByRole('textbox', { name: 'Your name' }).isVisible()).toBe(true);

			await restore(b, { name: download.suggestedFilename(), buffer }, BACKUP_PASSPHRASE);
			await b.getByRole('link', { name: /Tenants union/ }).first().waitFor({ timeout: 60_000 });
			await b.getByRole('link', { name: /Tenants union/ }).first().click();
			await b.getByRole('heading', { level: 1, name: 'Tenants union' }).waitFor();
			const groupUrlB = b.url();
			await b.goto(`${groupUrlB}/guides`);
			await b.getByRole('link', { name: /Repair list/ }).click();
			await expect.poll(() => b.getByRole('textbox', { name: 'Guide body' }).textContent(), { timeout: 20_000 }).toContain('Photograph the damp');
			await b.goto(`${groupUrlB}/discussions`);
			await b.getByRole('link', { name: /Rent strike/ }).click();
			await b.getByRole('list', { name: 'Messages' }).getByText('Bring the letters').waitFor({ timeout: 20_000 });

			// And it syncs: a new message from A arrives on B.
			await startDiscussion(a, groupUrl, 'After the restore', ['Welcome back']);
			await b.goto(`${groupUrlB}/discussions`);
			await b.getByRole('link', { name: /After the restore/ }).waitFor({ timeout: 30_000 });
		} finally {
			await contextA.close();
			await contextB.close();
		}
	});
});
