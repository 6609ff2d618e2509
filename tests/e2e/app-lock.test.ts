import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { firstStart, newPhoneContext, waitForServiceWorker } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup, readInviteCode } from '../helpers/flows';
import { quickLock, setLock as setLockWith, unlock as unlockWith } from '../helpers/lock';
import { dumpOrigin, findSecret } from '../helpers/origin-dump';
import { decodeInvite } from '../../src/lib/sync/invite';
import { openRow } from '../../src/lib/storage/at-rest';

const session = useAppSession();

const PASSPHRASE = 'seven quiet rivers at dawn';

/** A phone whose app lock calibrates to a short target (memory stays at the 32 MiB floor). */
async function lockablePhone(hooks: { autoLockMs?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
	const context = await newPhoneContext(session.browser);
	await quickLock(context, hooks);
	return { context, page: await context.newPage() };
}

function setLock(page: Page, passphrase = PASSPHRASE): Promise<void> {
	return setLockWith(page, passphrase);
}

async function lockScreen(page: Page): Promise<void> {
	await page.getByRole('heading', { level: 1, name: 'Fieldbook is locked' }).waitFor({ timeout: 30_000 });
}

function unlock(page: Page, passphrase = PASSPHRASE): Promise<void> {
	return unlockWith(page, passphrase);
}

/** The device's Ed25519 secret key, read raw before a lock is set (the master key is stored raw then). */
async function deviceSecretKey(page: Page): Promise<Uint8Array> {
	const raw = await page.evaluate(async () => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('fieldbook');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		const get = (store: string, key: string) =>
			new Promise<Record<string, unknown>>((resolve, reject) => {
				const request = db.transaction(store).objectStore(store).get(key);
				request.onsuccess = () => resolve(request.result as Record<string, unknown>);
				request.onerror = () => reject(request.error);
			});
		const [lock, identity] = [await get('lock', 'device'), await get('identity', 'device')];
		db.close();
		return { master: Array.from(lock.masterKey as Uint8Array), sealed: Array.from(identity.$sealed as Uint8Array), id: identity.id as string };
	});
	const schema = { primaryKey: { keyPath: 'id' } } as Parameters<typeof openRow>[1];
	const identity = openRow('identity', schema, { id: raw.id, $sealed: new Uint8Array(raw.sealed) }, new Uint8Array(raw.master)) as { secretKey: Uint8Array };
	expect(identity.secretKey).toBeInstanceOf(Uint8Array);
	return identity.secretKey;
}

describe('the app lock', () => {
	it('leaves no key or text readable at rest when locked; reload shows only the lock screen; unlocking brings all back', async () => {
		const { context, page } = await lockablePhone();
		try {
			await firstStart(page, session.relay.url, 'Alice');
			await waitForServiceWorker(page);
			const groupUrl = await createGroup(page, 'Night watch');
			const groupKey = decodeInvite(await readInviteCode(page)).key;
			const guideText = 'Meet at the north gate before dawn';
			await page.goto(`${groupUrl}/guides`);
			await page.getByRole('button', { name: 'New guide' }).click();
			await page.getByRole('textbox', { name: 'Title' }).fill('Route plan');
			await page.getByRole('textbox', { name: 'Guide body' }).click();
			await page.keyboard.type(guideText);
			const guideUrl = page.url().replace(/\?.*$/, '');
			const secretKey = await deviceSecretKey(page);

			await setLock(page);
			await page.getByRole('button', { name: 'Lock now' }).click();
			await lockScreen(page);
			const raw = await dumpOrigin(page);
			expect(raw.length).toBeGreaterThan(1000);
			for (const [what, secret] of [
				['group key', groupKey],
				['device secret key', secretKey],
				['guide text', guideText],
				['group name', 'Night watch']
			] as const) {
				expect(findSecret(raw, secret), `${what} at rest`).toBeUndefined();
			}

			// Reload: only the lock screen, nothing of the group, no navigation.
			await page.goto(guideUrl);
			await lockScreen(page);
			const text = await page.locator('body').innerText();
			expect(text).not.toContain('Night watch');
			expect(text).not.toContain('Route plan');
			expect(await page.getByRole('link', { name: 'Home' }).count()).toBe(0);
			expect(await page.getByRole('button', { name: 'Lock now' }).count()).toBe(0);

			await unlock(page, 'not the passphrase');
			await page.getByRole('alert').getByText('That passphrase did not unlock Fieldbook.').waitFor({ timeout: 30_000 });
			await unlock(page);
			await page.getByRole('heading', { level: 1, name: 'Route plan' }).waitFor({ timeout: 30_000 });
			await expect.poll(() => page.getByRole('textbox', { name: 'Guide body' }).textContent(), { timeout: 10_000 }).toContain(guideText);
			await page.getByRole('link', { name: 'Home' }).click();
			await page.getByRole('link', { name: /Night watch/ }).waitFor();
		} finally {
			await context.close();
		}
	});

	it('locks by itself after the idle time', async () => {
		const { context, page } = await lockablePhone({ autoLockMs: 2_000 });
		try {
			await firstStart(page, session.relay.url, 'Idle');
			await setLock(page);
			// No touch, no key: the lock comes on its own.
			await lockScreen(page);
			await unlock(page);
			await page.getByRole('button', { name: 'Lock now' }).waitFor({ timeout: 30_000 });
		} finally {
			await context.close();
		}
	});

	it('the duress passphrase wipes silently and shows a fresh app', async () => {
		const { context, page } = await lockablePhone();
		try {
			await firstStart(page, session.relay.url, 'Dana');
			await createGroup(page, 'Legal team');
			await setLock(page);
			await page.getByRole('textbox', { name: 'Duress passphrase' }).fill('everything is fine');
			await page.getByRole('button', { name: 'Set duress passphrase' }).click();
			await page.getByText('A duress passphrase is set.').waitFor({ timeout: 30_000 });
			await page.getByRole('button', { name: 'Lock now' }).click();
			await lockScreen(page);
			await unlock(page, 'everything is fine');
			await page.getByRole('textbox', { name: 'Your name' }).waitFor({ timeout: 30_000 });
			await page.getByRole('textbox', { name: 'Your name' }).fill('Someone');
			await page.getByRole('button', { name: 'Continue' }).click();
			await page.getByRole('button', { name: 'New group' }).waitFor();
			expect(await page.locator('body').innerText()).not.toContain('Legal team');
			const names = await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name));
			expect(names.filter((name) => name?.startsWith('fieldbook-vault-'))).toEqual([]);
		} finally {
			await context.close();
		}
	});

	it('Wipe this device leaves no database, cache or storage entry of the origin', async () => {
		const { context, page } = await lockablePhone();
		try {
			await firstStart(page, session.relay.url, 'Wren');
			await waitForServiceWorker(page);
			await createGroup(page, 'Wipe me');
			await page.getByRole('link', { name: 'Settings' }).click();
			// Where the wiped app would start again, a blank page of the same origin lets the test look inside.
			await page.route(`${session.relay.url}/`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>after wipe</title>' }));
			await page.getByRole('textbox', { name: 'Type WIPE to confirm' }).fill('WIPE');
			await page.getByRole('button', { name: 'Wipe this device' }).click();
			await page.waitForURL(`${session.relay.url}/`, { timeout: 30_000 });
			await expect.poll(() => page.title()).toBe('after wipe');
			const left = await page.evaluate(async () => ({
				databases: (await indexedDB.databases()).map((db) => db.name),
				caches: await caches.keys(),
				local: localStorage.length,
				session: sessionStorage.length ? Object.keys(sessionStorage) : 0,
				workers: (await navigator.serviceWorker.getRegistrations()).length
			}));
			expect(left).toEqual({ databases: [], caches: [], local: 0, session: 0, workers: 0 });
		} finally {
			await context.close();
		}
	});
});
