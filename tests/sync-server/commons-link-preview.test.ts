import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignPayload, commonsApi, guidePayload, newEntryId, newPublisher, unpublishPayload } from '../helpers/commons';
import { startTestRelay, type TestRelay } from '../helpers/relay';

let relay: TestRelay;
let staticDir: string;

/** A minimal build: the generic title and description every app route starts with. */
const INDEX = `<!doctype html>
<html lang="en">
	<head>
		<meta charset="utf-8" />
		<meta name="description" content="Playbooks for social movements." />
		<title>Fieldbook</title>
	</head>
	<body><div id="app"></div></body>
</html>
`;

beforeAll(async () => {
	staticDir = mkdtempSync(join(tmpdir(), 'fieldbook-static-'));
	writeFileSync(join(staticDir, 'index.html'), INDEX);
	relay = await startTestRelay({ staticDir, commons: { reportThreshold: 1, writesPerMinute: 1_000 } });
});

afterAll(async () => {
	await relay?.close();
	rmSync(staticDir, { recursive: true, force: true });
});

const XSS_TITLE = `"><script>alert(1)</script><meta property="og:title" content="pwned`;
const XSS_SUMMARY = `</head><img src=x onerror=alert(2)> & 'quotes'`;

async function page(path: string): Promise<string> {
	const response = await fetch(`${relay.url}${path}`);
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
	return response.text();
}

function metas(html: string, attribute: 'property' | 'name', key: string): string[] {
	return [...html.matchAll(new RegExp(`<meta ${attribute}="${key}" content="([^"]*)"`, 'g'))].map((match) => match[1]!);
}

const decode = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

describe('link previews of commons pages', () => {
	it('puts the escaped title and summary of a visible entry into Open Graph and description tags', async () => {
		const id = newEntryId();
		expect((await commonsApi(relay.url).publish(newPublisher(), campaignPayload(id, 1, { title: XSS_TITLE, summary: XSS_SUMMARY }))).status).toBe(201);
		const html = await page(`/commons/${id}`);
		const titles = metas(html, 'property', 'og:title');
		expect(titles).toHaveLength(1);
		expect(decode(titles[0]!)).toBe(XSS_TITLE);
		expect(metas(html, 'property', 'og:description').map(decode)).toEqual([XSS_SUMMARY]);
		expect(metas(html, 'name', 'description').map(decode)).toEqual([XSS_SUMMARY]);
		expect(html).toContain('<meta property="og:type" content="article" />');
		// The payloads stay text: no tag of theirs survives, and the page still has one head.
		expect(html).not.toContain('<script>');
		expect(html).not.toContain('<img');
		expect(html.match(/<\/head>/g)).toHaveLength(1);
		expect(html).toMatch(/<title>&#34;&#62;&#60;script&#62;.* · Fieldbook<\/title>/);
	});

	it('describes an entry without a summary by its place and description, shortened', async () => {
		const id = newEntryId();
		await commonsApi(relay.url).publish(newPublisher(), campaignPayload(id, 1, { summary: '', description: 'word '.repeat(200) }));
		const [description] = metas(await page(`/commons/${id}`), 'property', 'og:description');
		expect(description!.startsWith('Malmö · word word')).toBe(true);
		expect([...description!].length).toBeLessThanOrEqual(300);
		expect(description!.endsWith('…')).toBe(true);
	});

	it('gives no preview for hidden, unpublished or unknown entries, nor for other pages', async () => {
		const api = commonsApi(relay.url);
		const publisher = newPublisher();
		const hidden = newEntryId();
		const unpublished = newEntryId();
		await api.publish(publisher, guidePayload(hidden, 1, { title: 'Soon hidden' }));
		await api.publish(publisher, guidePayload(unpublished, 1, { title: 'Soon gone' }));
		expect((await api.report(hidden, 'reporter-one')).body).toEqual({ hidden: true });
		expect((await api.unpublish(unpublished, publisher.sign(unpublishPayload(unpublished, 2)))).status).toBe(200);
		for (const path of [`/commons/${hidden}`, `/commons/${unpublished}`, `/commons/${newEntryId()}`, '/commons', '/', '/commons/not-an-id']) {
			expect(await page(path), path).toBe(INDEX);
		}
	});
});
