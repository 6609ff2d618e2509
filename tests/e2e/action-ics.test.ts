import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { firstStart, PHONE_VIEWPORT } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { createGroup } from '../helpers/flows';

const session = useAppSession();

describe('the .ics file of an action', () => {
	it('parses with ical.js and has the absolute times the organisers meant in their zone', async () => {
		// The phone is in New York; the action is planned in Stockholm time.
		const context = await session.browser.newContext({ viewport: PHONE_VIEWPORT, locale: 'en-GB', hasTouch: true, serviceWorkers: 'allow', timezoneId: 'America/New_York' });
		const page = await context.newPage();
		try {
			await firstStart(page, session.relay.url, 'Alice');
			const groupUrl = await createGroup(page, 'Extinction Umeå');
			await page.goto(`${groupUrl}/actions`);
			await page.getByRole('button', { name: 'New action' }).click();
			await page.getByRole('textbox', { name: 'Title' }).fill('Die-in at the town hall');
			await page.getByRole('textbox', { name: 'Description' }).fill('We lie down at noon; bring signs.');
			await page.getByLabel('Starts').fill('2030-03-31T01:30');
			await page.getByLabel('Ends').fill('2030-03-31T04:00');
			await page.getByRole('combobox', { name: 'Time zone' }).selectOption('Europe/Stockholm');
			await page.getByRole('textbox', { name: 'Place' }).fill('Rådhustorget, Umeå');
			await page.getByRole('button', { name: 'Save' }).click();
			await page.getByRole('heading', { level: 1, name: 'Die-in at the town hall' }).waitFor();

			const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Add to calendar (.ics)' }).click()]);
			expect(download.suggestedFilename()).toBe('die-in-at-the-town-hall.ics');
			const text = readFileSync((await download.path())!, 'utf8');

			const calendar = new ICAL.Component(ICAL.parse(text));
			for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
			const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
			expect(event.summary).toBe('Die-in at the town hall');
			expect(event.location).toBe('Rådhustorget, Umeå');
			expect(event.startDate.zone?.tzid).toBe('Europe/Stockholm');
			// Stockholm moves to summer time at 02:00 on 31 March 2030: 01:30 is UTC+1, 04:00 is UTC+2.
			expect(new Date(event.startDate.toUnixTime() * 1000).toISOString()).toBe('2030-03-31T00:30:00.000Z');
			expect(new Date(event.endDate.toUnixTime() * 1000).toISOString()).toBe('2030-03-31T02:00:00.000Z');
			// The screen shows the organisers' time and, below it, the phone's.
			expect(await page.locator('main').textContent()).toContain('Your time: ');
		} finally {
			await context.close();
		}
	});
});
