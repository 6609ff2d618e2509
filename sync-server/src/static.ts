/**
 * Serves the built app: hashed assets cached for a year, everything else revalidated, precompressed
 * variants (.br, .gz) when the browser takes them, and index.html for app routes (SPA fallback).
 * Files are read per request, so a new build is served without a restart.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/** Hashed, content-addressed build output: safe to cache forever. */
const IMMUTABLE_PREFIX = '/_app/immutable/';
/** One year, the longest cache lifetime browsers honour. */
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** sw.js, index.html, the manifest and other unhashed files must be revalidated on every load. */
const REVALIDATE_CACHE = 'no-cache';

const CONTENT_TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.webmanifest': 'application/manifest+json; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.woff2': 'font/woff2',
	'.txt': 'text/plain; charset=utf-8',
	'.map': 'application/json; charset=utf-8'
};

/** Precompressed variants, best first, with the Accept-Encoding token that allows each. */
const ENCODINGS = [
	{ token: 'br', suffix: '.br' },
	{ token: 'gzip', suffix: '.gz' }
] as const;

async function isFile(path: string): Promise<boolean> {
	try {
		return (await stat(path)).isFile();
	} catch {
		return false;
	}
}

/** Resolves a URL path inside `root`, or undefined when it would escape it. */
function resolveInside(root: string, pathname: string): string | undefined {
	let decoded: string;
	try {
		decoded = decodeURIComponent(pathname);
	} catch {
		return undefined;
	}
	if (decoded.includes('\0')) return undefined;
	const path = normalize(join(root, decoded));
	return path === root || path.startsWith(root + sep) ? path : undefined;
}

/** Options of the static handler. */
export interface StaticOptions {
	/** Rewrites index.html for an app route (link previews of shared pages); undefined keeps it as built. */
	rewriteIndex?: (url: URL) => Promise<((html: string) => string) | undefined>;
}

/** Creates the static handler for a build folder; it answers GET/HEAD and returns false for anything else. */
export function createStaticHandler(root: string, options: StaticOptions = {}) {
	const indexPath = join(root, 'index.html');

	async function sendRewritten(req: IncomingMessage, res: ServerResponse, rewrite: (html: string) => string): Promise<void> {
		const body = Buffer.from(rewrite(await readFile(indexPath, 'utf8')), 'utf8');
		res.statusCode = 200;
		res.setHeader('Content-Type', CONTENT_TYPES['.html']!);
		res.setHeader('Cache-Control', REVALIDATE_CACHE);
		res.setHeader('X-Content-Type-Options', 'nosniff');
		res.setHeader('Content-Length', body.byteLength);
		res.end(req.method === 'HEAD' ? undefined : body);
	}

	async function send(req: IncomingMessage, res: ServerResponse, path: string, cache: string): Promise<void> {
		const accepted = String(req.headers['accept-encoding'] ?? '');
		let file = path;
		let encoding: string | undefined;
		for (const { token, suffix } of ENCODINGS) {
			if (new RegExp(`\\b${token}\\b`).test(accepted) && (await isFile(path + suffix))) {
				file = path + suffix;
				encoding = token;
				break;
			}
		}
		const info = await stat(file);
		res.statusCode = 200;
		res.setHeader('Content-Type', CONTENT_TYPES[extname(path)] ?? 'application/octet-stream');
		res.setHeader('Cache-Control', cache);
		res.setHeader('Vary', 'Accept-Encoding');
		res.setHeader('X-Content-Type-Options', 'nosniff');
		res.setHeader('Content-Length', info.size);
		if (encoding) res.setHeader('Content-Encoding', encoding);
		if (req.method === 'HEAD') {
			res.end();
			return;
		}
		await new Promise<void>((done) => {
			const stream = createReadStream(file);
			stream.on('error', () => {
				res.destroy();
				done();
			});
			res.on('close', done);
			stream.pipe(res);
		});
	}

	return async function handleStatic(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		if (req.method !== 'GET' && req.method !== 'HEAD') return false;
		const path = resolveInside(root, url.pathname);
		if (path && url.pathname !== '/' && (await isFile(path))) {
			const cache = url.pathname.startsWith(IMMUTABLE_PREFIX) ? IMMUTABLE_CACHE : REVALIDATE_CACHE;
			await send(req, res, path, cache);
			return true;
		}
		// App routes have no file extension; a missing asset is a real 404, not the app.
		if (extname(url.pathname) === '' && (await isFile(indexPath))) {
			const rewrite = await options.rewriteIndex?.(url);
			if (rewrite) await sendRewritten(req, res, rewrite);
			else await send(req, res, indexPath, REVALIDATE_CACHE);
			return true;
		}
		return false;
	};
}
