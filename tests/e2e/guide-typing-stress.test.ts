import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useAppSession } from '../helpers/app-session';
import { twoMembers, waitForSyncStatus } from '../helpers/flows';

const session = useAppSession();

const LINES = 50;

function body(page: Page) {
	return page.getByRole('textbox', { name: 'Guide body' });
}

/** The text of each top-level block of the body, without other people's caret labels. */
function blocks(page: Page): Promise<string[]> {
	return body(page).evaluate((element) => {
		const copy = element.cloneNode(true) as HTMLElement;
		for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove();
		return [...copy.children].map((child) => child.textContent ?? '');
	});
}

/** A small seeded generator, so a failing run can be told apart and replayed by its seed. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Where the editor's caret is: the top-level block and the offset in it (a collapsed selection), or null. */
function caret(page: Page): Promise<{ block: number; offset: number } | null> {
	return body(page).evaluate((element) => {
		const { selection } = (element as unknown as { editor: { state: { selection: { empty: boolean; $from: { index(depth: number): number; parentOffset: number; depth: number } } } } }).editor.state;
		if (!selection.empty || selection.$from.depth !== 1) return null;
		return { block: selection.$from.index(0), offset: selection.$from.parentOffset };
	});
}

/** Clicks the start of a paragraph until the caret is there (a click can land while the layout moves). */
async function caretAtStart(page: Page, paragraph: number): Promise<void> {
	const target = body(page).locator(':scope > p').nth(paragraph);
	await expect
		.poll(async () => {
			await target.click({ position: { x: 2, y: 2 } });
			return caret(page);
		}, { timeout: 10_000 })
		.toEqual({ block: paragraph, offset: 0 });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('typing in a guide while the other member comes and goes', () => {
	it('every line typed in a new paragraph, and every edit of the other member, arrives intact on both phones', async () => {
		const seed = Date.now() % 1_000_000;
		const next = random(seed);
		const m = await twoMembers(session.browser, session.relay.url, 'Typing together');
		await m.a.goto(`${m.groupUrlA}/guides`);
		await m.a.getByRole('button', { name: 'New guide' }).click();
		await m.a.getByRole('textbox', { name: 'Title' }).fill('Stress');
		await body(m.a).click();
		await m.a.keyboard.type('Start.');
		await m.a.keyboard.press('Enter');
		await m.a.keyboard.type('Notes.');
		await waitForSyncStatus(m.a, 'Saved to relay');
		const docId = new URL(m.a.url()).pathname.split('/').pop()!;
		await m.b.goto(`${m.groupUrlB}/guides/${docId}?edit=1`);
		await expect.poll(() => blocks(m.b), { timeout: 30_000 }).toEqual(['Start.', 'Notes.']);

		// B's edits: short tokens typed at the start of its two paragraphs, so the expected text is exact.
		const tokens: [string[], string[]] = [[], []];
		const typed: string[] = [];
		let typing = true;

		const bashir = (async () => {
			let offline = false;
			let count = 0;
			while (typing) {
				const roll = next();
				if (roll < 0.25) {
					offline = !offline;
					await m.contextB.setOffline(offline);
				} else if (roll < 0.45) {
					// Moves the caret into any paragraph, A's included.
					const all = body(m.b).locator(':scope > p');
					const index = Math.floor(next() * (await all.count()));
					const box = await all.nth(index).boundingBox();
					if (box) await all.nth(index).click({ position: { x: 1 + next() * (box.width - 2), y: box.height / 2 } });
				} else if (roll < 0.6) {
					// Selects a word somewhere, then a few characters more.
					const all = body(m.b).locator(':scope > p');
					await all.nth(Math.floor(next() * (await all.count()))).dblclick();
					await m.b.keyboard.press('Shift+ArrowRight');
				} else {
					const paragraph = next() < 0.5 ? 0 : 1;
					const token = `b${++count}.`;
					await caretAtStart(m.b, paragraph);
					await m.b.keyboard.type(token, { delay: 5 });
					tokens[paragraph].push(token);
				}
				await pause(50 + next() * 200);
			}
			await m.contextB.setOffline(false);
		})();

		try {
			for (let line = 0; line < LINES; line++) {
				const text = `a${line}-${Math.floor(next() * 1e4).toString(36)}z`;
				typed.push(text);
				await body(m.a).press('Control+End');
				await m.a.keyboard.press('Enter');
				await m.a.keyboard.type(text, { delay: 5 });
				await pause(next() * 150);
			}
		} finally {
			typing = false;
			await bashir;
		}

		const expected = [[...tokens[0]].reverse().join('') + 'Start.', [...tokens[1]].reverse().join('') + 'Notes.', ...typed];
		const context = `seed ${seed}`;
		await expect.poll(() => blocks(m.a), { timeout: 30_000, message: `A's phone, ${context}` }).toEqual(expected);
		await expect.poll(() => blocks(m.b), { timeout: 30_000, message: `B's phone, ${context}` }).toEqual(expected);
		await m.close();
	});
});
