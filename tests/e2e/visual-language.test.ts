import { describe, expect, it } from 'vitest';
import { newPhoneContext, seriousAxeViolations } from '../helpers/browser';
import { useAppSession } from '../helpers/app-session';
import { TOUR, seedTour, visit } from '../helpers/tour';

const session = useAppSession();

/** The narrowest phones in use. */
const SMALLEST = { width: 320, height: 640 };

describe('every screen in the one visual language', () => {
	it('fits 320 px in both languages, is axe-clean in both themes, and has a 44 px Back on every inner screen', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		try {
			const stops = await seedTour(page, session.relay.url);
			await page.setViewportSize(SMALLEST);
			for (const lang of ['en', 'sv'] as const) {
				for (const stop of stops) {
					await visit(page, session.relay.url, stop, lang);
					const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
					expect(overflow, `${stop.name} (${lang}) overflows by ${overflow} px`).toBe(0);
					const back = page.getByRole('link', { name: lang === 'en' ? 'Back' : 'Tillbaka', exact: true });
					if (stop.inner) {
						const box = await back.boundingBox();
						expect(box, `${stop.name} has a back link`).not.toBeNull();
						expect(Math.min(box!.width, box!.height), `${stop.name}'s back link is 44 px`).toBeGreaterThanOrEqual(44);
					} else {
						expect(await back.count(), `${stop.name} is top-level`).toBe(0);
					}
					if (lang === 'en') {
						for (const colorScheme of ['light', 'dark'] as const) {
							await page.emulateMedia({ colorScheme });
							expect(await seriousAxeViolations(page), `${stop.name} in ${colorScheme}`).toEqual([]);
						}
						await page.emulateMedia({ colorScheme: 'light' });
					}
				}
				// The bottom navigation's labels keep apart at 320 px (Swedish "Allmänningen", "Inställningar").
				const gaps = await page.getByRole('navigation', { name: lang === 'en' ? 'Main' : 'Huvudmeny' }).evaluate((nav) => {
					const boxes = [...nav.querySelectorAll('.label')].map((label) => {
						const range = document.createRange();
						range.selectNodeContents(label);
						const rect = range.getBoundingClientRect();
						const cell = label.closest('li')!.getBoundingClientRect();
						return { left: rect.left, right: rect.right, clipped: rect.left < cell.left || rect.right > cell.right };
					});
					return { gaps: boxes.slice(1).map((box, i) => box.left - boxes[i]!.right), clipped: boxes.some((box) => box.clipped) };
				});
				expect(gaps.clipped).toBe(false);
				for (const gap of gaps.gaps) expect(gap).toBeGreaterThanOrEqual(8);
			}
		} finally {
			await context.close();
		}
	}, 900_000);

	it('lets a new user find joining, shows what is happening in a group, and keeps a message’s tools in its menu', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		try {
			const stops = await seedTour(page, session.relay.url);
			const group = stops.find((stop) => stop.name === 'group')!;

			// The group screen: the next action, the latest discussions with unread counts, the latest guides.
			await visit(page, session.relay.url, group, 'en');
			const sections = page.getByRole('navigation', { name: 'Sections' });
			await sections.getByRole('link', { name: new RegExp(TOUR.action) }).waitFor();
			await sections.getByRole('list', { name: 'Discussions' }).getByRole('link', { name: new RegExp(TOUR.thread) }).waitFor();
			await sections.getByRole('list', { name: 'Guides' }).getByRole('link', { name: new RegExp(TOUR.guide) }).waitFor();
			for (const name of ['Guides', 'Discussions', 'Actions', 'Members']) await sections.getByRole('link', { name, exact: true }).waitFor();
			expect(await page.getByRole('button', { name: 'Leave group' }).count()).toBe(0);

			// A thread's messages: a long press (here the context-menu event a long press sends) opens the message's menu.
			await sections.getByRole('link', { name: new RegExp(TOUR.thread) }).click();
			const messages = page.getByRole('list', { name: 'Messages' });
			await messages.getByText('I can, and I bring the flyers.').waitFor();
			expect(await messages.getByRole('button', { name: /^(Reply|Edit|Delete|React)/ }).count()).toBe(0);
			await messages.getByText('I can, and I bring the flyers.').click({ button: 'right' });
			await page.getByRole('menu').getByRole('menuitem', { name: 'Reply to Dana' }).waitFor();
			await page.keyboard.press('Escape');
			await page.getByRole('menu').waitFor({ state: 'hidden' });
			// The composer stays at the bottom of the screen, above the navigation.
			const composer = await page.getByRole('textbox', { name: 'Message', exact: true }).boundingBox();
			const nav = await page.getByRole('navigation', { name: 'Main' }).boundingBox();
			expect(composer!.y + composer!.height).toBeLessThanOrEqual(nav!.y);
			expect(composer!.y + composer!.height).toBeGreaterThan(nav!.y - 80);
			await page.getByRole('link', { name: 'Back' }).click();
			await page.getByRole('heading', { level: 1, name: 'Discussions' }).waitFor();

			// A guide's thread leads back to its guide.
			const guide = stops.find((stop) => stop.name === 'guide')!;
			await visit(page, session.relay.url, guide, 'en');
			await page.getByRole('button', { name: 'More for this guide' }).click();
			await page.getByRole('menuitem', { name: 'Discuss this guide' }).click();
			await page.getByRole('link', { name: `Guide: ${TOUR.guide}` }).click();
			await page.getByRole('heading', { level: 1, name: TOUR.guide }).waitFor();

			// Home offers joining beside creating, and it opens the join page.
			await page.getByRole('link', { name: 'Home' }).click();
			await page.getByRole('link', { name: 'Join a group' }).click();
			await page.getByRole('heading', { level: 1, name: 'Join a group' }).waitFor();
		} finally {
			await context.close();
		}
	});

	it('offers joining to someone with no group yet', async () => {
		const context = await newPhoneContext(session.browser);
		const page = await context.newPage();
		try {
			await page.goto(`${session.relay.url}/?lang=en`);
			await page.getByRole('textbox', { name: 'Your name' }).fill('Robin');
			await page.getByRole('button', { name: 'Continue' }).click();
			await page.getByRole('heading', { level: 1, name: /Robin/ }).waitFor();
			await page.getByRole('link', { name: /Join/ }).click();
			await page.waitForURL((url) => url.pathname === '/join');
			await page.getByRole('heading', { level: 1, name: 'Join a group' }).waitFor();
		} finally {
			await context.close();
		}
	});
});
