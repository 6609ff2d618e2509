import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPhoneContext } from '../helpers/browser';

// The browser behaviour behind src/lib/guides/caret-block.ts, reduced to a plain contenteditable: what
// ProseMirror does on End, Enter, then typing (a new block with the caret in it, then the browser's own
// text insertion), done in one task, so the letters always come before Chromium's next rendering update.

let browser: Browser;
let page: Page;

beforeAll(async () => {
	browser = await launchBrowser();
	page = await (await newPhoneContext(browser)).newPage();
	await page.setContent('<div id="editor" contenteditable="true"><p>Start.</p></div>');
	await page.locator('#editor').click();
});

afterAll(async () => {
	await browser?.close();
});

/** Adds a paragraph with the given content-visibility, puts the caret in it and types two insertions. */
function typeIntoNewBlock(contentVisibility: string): Promise<string> {
	return page.evaluate((visibility) => {
		const editor = document.getElementById('editor')!;
		const paragraph = document.createElement('p');
		paragraph.style.contentVisibility = visibility;
		paragraph.style.containIntrinsicSize = 'auto 1.7em';
		paragraph.append(document.createElement('br'));
		editor.append(paragraph);
		document.getSelection()!.collapse(paragraph, 0);
		document.execCommand('insertText', false, 'a');
		document.execCommand('insertText', false, 'lpha');
		return paragraph.textContent ?? '';
	}, contentVisibility);
}

describe('Chromium and content-visibility: auto', () => {
	it('a block that is laid out takes typed letters in order', async () => {
		expect(await typeIntoNewBlock('visible')).toBe('alpha');
	});

	it('still leaves the caret before the first letter typed into a new content-visibility: auto block', async () => {
		// Seen in Chromium 156.0.8078. When this fails, Chromium lays out such a block before inserting text,
		// and CaretBlock (src/lib/guides/caret-block.ts) is no longer needed.
		expect(await typeIntoNewBlock('auto')).toBe('lphaa');
	});
});
