/**
 * Security headers on every relay answer: a strict Content-Security-Policy, no referrer, no sniffing,
 * camera and geolocation for this origin only. One injected script must not reach the device's keys:
 * scripts and styles load from this origin or by hash, nothing is evaluated, nothing frames the app.
 *
 * SvelteKit's SPA shell starts from an inline script. Its hash is taken from the served index.html (read
 * again whenever the file changes), so a new build is allowed without a restart and nothing else inline is.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

/** The header values that never depend on the build. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
	'Referrer-Policy': 'no-referrer',
	'X-Content-Type-Options': 'nosniff',
	// QR scanning needs the camera and "near me" the location, both from this origin only; nothing else.
	'Permissions-Policy': 'camera=(self), geolocation=(self), microphone=(), payment=(), usb=()',
};

/**
 * The one style attribute the app renders: SvelteKit's screen-reader route announcer (kit's
 * `write_root.js`). Allowed by its hash alone; any other style attribute is refused. The end-to-end CSP
 * test notices when a SvelteKit upgrade changes it.
 */
export const ALLOWED_STYLE_ATTRIBUTES = [
	'position: absolute; left: 0; top: 0; clip: rect(0 0 0 0); clip-path: inset(50%); overflow: hidden; white-space: nowrap; width: 1px; height: 1px'
];

function sha256Source(text: string): string {
	return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The `sha256-…` source of each inline `<script>` in an HTML document. */
export function inlineScriptHashes(html: string): string[] {
	const hashes: string[] = [];
	for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
		hashes.push(sha256Source(match[1]!));
	}
	return hashes;
}

/**
 * The Content-Security-Policy of the app. `connectOrigins` are the relays besides this one whose
 * websockets and commons a device may reach; `host` is this relay as the browser addressed it.
 */
export function contentSecurityPolicy(options: { scriptHashes: string[]; host: string | undefined; connectOrigins: string[] }): string {
	// CSP 3 lets 'self' cover same-origin websockets, but older engines do not: name them too.
	const sameHostSockets = options.host && /^[\w.:[\]-]+$/.test(options.host) ? [`ws://${options.host}`, `wss://${options.host}`] : [];
	const directives: [string, string[]][] = [
		['default-src', ["'self'"]],
		// hash-wasm's Argon2 is WebAssembly: compiling it needs 'wasm-unsafe-eval', which allows no JS eval.
		['script-src', ["'self'", "'wasm-unsafe-eval'", ...options.scriptHashes]],
		['style-src', ["'self'"]],
		['style-src-attr', ["'unsafe-hashes'", ...ALLOWED_STYLE_ATTRIBUTES.map(sha256Source)]],
		// QR codes are data: images; a guide's pasted image may be a blob: until it is stored.
		['img-src', ["'self'", 'data:', 'blob:']],
		['font-src', ["'self'"]],
		['connect-src', ["'self'", ...sameHostSockets, ...options.connectOrigins]],
		['worker-src', ["'self'"]],
		['manifest-src', ["'self'"]],
		['media-src', ["'self'", 'blob:']],
		['object-src', ["'none'"]],
		['base-uri', ["'none'"]],
		['form-action', ["'self'"]],
		['frame-ancestors', ["'none'"]],
		['frame-src', ["'none'"]]
	];
	return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** Sets the security headers on every answer; the policy's script hashes follow the built index.html. */
export function createSecurityHeaders(options: { staticDir: string | undefined; connectOrigins: string[] }) {
	let cached: { mtimeMs: number; hashes: string[] } | undefined;

	async function scriptHashes(): Promise<string[]> {
		if (!options.staticDir) return [];
		const path = join(options.staticDir, 'index.html');
		try {
			const { mtimeMs } = await stat(path);
			if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, hashes: inlineScriptHashes(await readFile(path, 'utf8')) };
			return cached.hashes;
		} catch {
			// No build (relay only): nothing inline is allowed.
			return [];
		}
	}

	return async function applySecurityHeaders(req: IncomingMessage, res: ServerResponse): Promise<void> {
		for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) res.setHeader(name, value);
		res.setHeader(
			'Content-Security-Policy',
			contentSecurityPolicy({ scriptHashes: await scriptHashes(), host: req.headers.host, connectOrigins: options.connectOrigins })
		);
	};
}
