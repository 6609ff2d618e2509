import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { firstStart, PHONE_VIEWPORT, waitForServiceWorker } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup } from '../helpers/flows';

const session = useAppSession();

const TITLE = 'Sit-in at the port authority';

describe('a campaign published with times of day', () => {
	it('shows 14:00–16:00 Stockholm time (and the reader’s own time), and its .ics has those instants', async () => {
		const organiser = await session.browser.newContext({ viewport: PHONE_VIEWPORT, locale: 'en-GB', hasTouch: true, serviceWorkers: 'allow', timezoneId: 'Europe/Stockholm' });
		const reader = await session.browser.newContext({ viewport: PHONE_VIEWPORT, locale: 'en-GB', hasTouch: true, serviceWorkers: 'allow', timezoneId: 'Europe/London' });
		try {
			const a = await organiser.newPage();
			await firstStart(a, session.relay.url, 'Alva');
			await waitForServiceWorker(a);
			const groupUrl = await createGroup(a, 'Hamnen Göteborg');
			await a.goto(`${groupUrl}/actions/new`);
			await a.getByRole('textbox', { name: 'Title' }).fill(TITLE);
			await a.getByLabel('Starts').fill('2031-06-12T14:00');
			await a.getByLabel('Ends').fill('2031-06-12T16:00');
			await a.getByRole('combobox', { name: 'Time zone' }).selectOption('Europe/Stockholm');
			await a.getByRole('textbox', { name: 'Place' }).fill('Göteborg');
			await a.getByRole('button', { name: 'Save' }).click();
			await a.getByRole('heading', { level: 1, name: TITLE }).waitFor();
			await a.getByRole('button', { name: 'Publish to commons' }).click();
			const dialog = a.getByRole('dialog');
			expect(await dialog.getByLabel('Starts').inputValue()).toBe('2031-06-12T14:00');
			expect(await dialog.getByLabel('Ends').inputValue()).toBe('2031-06-12T16:00');
			expect(await dialog.getByRole('combobox', { name: 'Time zone' }).inputValue()).toBe('Europe/Stockholm');
			await dialog.getByRole('textbox', { name: 'Contact' }).fill('Signal +46 70 000 00 00');
			await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
			await dialog.waitFor({ state: 'hidden' });
			await a.getByText('Published in the commons').waitFor();

			// Someone in London who never used the app opens the commons.
			const b = await reader.newPage();
			await b.goto(`${session.relay.url}/commons?lang=en`);
			const card = b.locator('article').filter({ hasText: TITLE });
			await card.waitFor();
			const line = (await card.locator('.where').textContent())!;
			expect(line).toMatch(/^Göteborg · \S/);
			expect(line).not.toMatch(/\s{2,}|\n|\t/);
			expect(line).toContain('14:00');
			expect(line).toContain('16:00');

			await card.getByRole('link', { name: TITLE }).click();
			await b.getByRole('heading', { level: 1, name: TITLE }).waitFor();
			const when = (await b.locator('dd').filter({ hasText: '14:00' }).textContent())!;
			expect(when).toContain('16:00');
			expect(when).toMatch(/Your time: .*13:00.*15:00/);

			const [download] = await Promise.all([b.waitForEvent('download'), b.getByRole('button', { name: 'Add to calendar (.ics)' }).click()]);
			const calendar = new ICAL.Component(ICAL.parse(readFileSync((await download.path())!, 'utf8')));
			for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
			const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
			expect(event.summary).toBe(TITLE);
			expect(event.location).toBe('Göteborg');
			expect(event.startDate.zone?.tzid).toBe('Europe/Stockholm');
			// Stockholm is UTC+2 in June.
			expect(new Date(event.startDate.toUnixTime() * 1000).toISOString()).toBe('2031-06-12T12:00:00.000Z');
			expect(new Date(event.endDate.toUnixTime() * 1000).toISOString()).toBe('2031-06-12T14:00:00.000Z');
			expect(String(calendar.getFirstSubcomponent('vevent')!.getFirstPropertyValue('url'))).toMatch(/\/commons\/[A-Za-z0-9_-]{22}$/);
		} finally {
			await organiser.close();
			await reader.close();
		}
	});
});
