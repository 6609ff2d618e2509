import type { Page } from 'playwright-core';

/**
 * Everything the page's origin keeps in the browser, read raw: every record (key and value) of every
 * IndexedDB database, localStorage, sessionStorage and every Cache Storage response body, as bytes.
 * What a person holding the phone could copy off it.
 */
export async function dumpOrigin(page: Page): Promise<Buffer> {
	const chunks = await page.evaluate(async () => {
		const out: string[] = [];
		const bytesToBinary = (bytes: Uint8Array) => {
			let text = '';
			for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
			return btoa(text);
		};
		const utf8 = (text: string) => bytesToBinary(new TextEncoder().encode(text));
		const walk = (value: unknown, seen: Set<unknown>): void => {
			if (value === null || value === undefined) return;
			if (value instanceof Uint8Array) out.push(bytesToBinary(value));
			else if (value instanceof ArrayBuffer) out.push(bytesToBinary(new Uint8Array(value)));
			else if (ArrayBuffer.isView(value)) out.push(bytesToBinary(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)));
			else if (typeof value === 'string') out.push(utf8(value));
			else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') out.push(utf8(String(value)));
			else if (typeof value === 'object' && !seen.has(value)) {
				seen.add(value);
				for (const [key, item] of Object.entries(value)) {
					out.push(utf8(key));
					walk(item, seen);
				}
			}
		};
		for (const info of await indexedDB.databases()) {
			if (!info.name) continue;
			out.push(utf8(info.name));
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const request = indexedDB.open(info.name!);
				request.onsuccess = () => resolve(request.result);
				request.onerror = () => reject(request.error);
			});
			for (const store of Array.from(db.objectStoreNames)) {
				const [keys, values] = await Promise.all(
					['getAllKeys', 'getAll'].map(
						(method) =>
							new Promise<unknown[]>((resolve, reject) => {
								const request = (db.transaction(store).objectStore(store) as unknown as Record<string, () => IDBRequest<unknown[]>>)[method]!();
								request.onsuccess = () => resolve(request.result);
								request.onerror = () => reject(request.error);
							})
					)
				);
				walk(keys, new Set());
				walk(values, new Set());
			}
			db.close();
		}
		for (const storage of [localStorage, sessionStorage]) {
			for (let i = 0; i < storage.length; i++) {
				const key = storage.key(i)!;
				out.push(utf8(key), utf8(storage.getItem(key) ?? ''));
			}
		}
		for (const name of await caches.keys()) {
			const cache = await caches.open(name);
			for (const request of await cache.keys()) {
				const response = await cache.match(request);
				out.push(utf8(request.url));
				if (response) out.push(bytesToBinary(new Uint8Array(await response.arrayBuffer())));
			}
		}
		return out;
	});
	return Buffer.concat(chunks.map((chunk) => Buffer.from(chunk, 'base64')));
}

/**
 * The ways a secret could sit in storage: raw bytes, hex, base64 and base64url (at each of the three byte
 * alignments a secret can have inside a longer encoded value, so a secret embedded mid-blob is found too).
 */
export function encodingsOf(secret: Uint8Array | string): Buffer[] {
	const bytes = Buffer.from(secret);
	const forms = [bytes, Buffer.from(bytes.toString('hex')), Buffer.from(bytes.toString('hex').toUpperCase())];
	for (const offset of [0, 1, 2]) {
		for (const encoding of ['base64', 'base64url'] as const) {
			const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString(encoding).replace(/=+$/, '');
			// Drop the characters that mix in the padding bytes before and the unknown bytes after.
			const core = encoded.slice(Math.ceil((offset * 4) / 3), encoded.length - 2);
			if (core.length >= 8) forms.push(Buffer.from(core));
		}
	}
	return forms;
}

/** The first encoding of `secret` found in `haystack`, or undefined. */
export function findSecret(haystack: Buffer, secret: Uint8Array | string): string | undefined {
	for (const form of encodingsOf(secret)) if (haystack.includes(form)) return form.toString('latin1').slice(0, 40);
	return undefined;
}
