/**
 * One relay: an HTTP server that serves the app, answers health checks, and (in later modules) syncs
 * rooms over websockets and serves the commons API. Started by server.ts and by the tests.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RelayConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createStaticHandler } from './static.js';

/** A running relay. */
export interface Relay {
	/** Base URL, e.g. http://127.0.0.1:8787 */
	url: string;
	port: number;
	/** Stops accepting, closes connections and storage; settles when everything is closed. */
	close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.statusCode = status;
	res.setHeader('Content-Type', 'application/json; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
	res.end(text);
}

/** Starts a relay with a validated configuration. */
export async function startRelay(config: RelayConfig, options: { logger?: Logger } = {}): Promise<Relay> {
	const logger = options.logger ?? createLogger(config.logLevel);
	mkdirSync(config.dataDir, { recursive: true });
	const handleStatic = config.staticDir ? createStaticHandler(config.staticDir) : undefined;

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://relay.invalid');
		if (url.pathname === '/healthz') {
			sendJson(res, 200, { ok: true });
			return;
		}
		if (handleStatic && (await handleStatic(req, res, url))) return;
		sendJson(res, 404, { error: 'not_found' });
	}

	const server = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			logger.error({ err: error, path: req.url?.split('?')[0] }, 'request failed');
			if (!res.headersSent) sendJson(res, 500, { error: 'internal' });
			else res.destroy();
		});
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const host = config.host.includes(':') ? `[${config.host}]` : config.host;
	const url = `http://${host}:${port}`;
	logger.info({ url }, 'relay listening');

	let closing: Promise<void> | undefined;
	return {
		url,
		port,
		close() {
			closing ??= new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		}
	};
}
