/**
 * One relay: an HTTP server that serves the app, answers health checks, and (in later modules) syncs
 * rooms over websockets and serves the commons API. Started by server.ts and by the tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createCommonsHandler } from './commons/http.js';
import { commonsPageMeta, withPageMeta } from './commons/page-meta.js';
import type { CommonsStore } from './commons/types.js';
import { openBackends } from './backends.js';
import type { RelayConfig } from './config.js';
import { createSecurityHeaders } from './headers.js';
import { createLogger, type Logger } from './logger.js';
import { createMetrics, metricsAccess, type Metrics } from './metrics.js';
import { createStaticHandler } from './static.js';
import type { RoomStore } from './store/types.js';
import { createSync } from './sync.js';

/** The name link previews give the site. */
const PREVIEW_SITE_NAME = 'Fieldbook';

/** A running relay. */
export interface Relay {
	/** Base URL, e.g. http://127.0.0.1:8787 */
	url: string;
	port: number;
	/** The separate metrics listener's URL, when METRICS_PORT is set. */
	metricsUrl?: string;
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

async function sendMetrics(res: ServerResponse, metrics: Metrics): Promise<void> {
	res.setHeader('Content-Type', metrics.registry.contentType);
	res.setHeader('Cache-Control', 'no-store');
	res.end(await metrics.registry.metrics());
}

/**
 * Slow senders are cut off: headers within HEADERS_TIMEOUT_MS, the whole request within REQUEST_TIMEOUT_MS,
 * checked every second (Node's default check runs every 30 s).
 */
function httpTimeouts({ limits }: RelayConfig): ServerOptions {
	return {
		headersTimeout: limits.headersTimeoutMs,
		requestTimeout: limits.requestTimeoutMs,
		connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs)
	};
}

/** The metrics-only listener on METRICS_PORT: nothing else is served there. */
async function listenMetrics(config: RelayConfig, metrics: Metrics, logger: Logger): Promise<Server> {
	const server = createServer(
		httpTimeouts(config),
		(req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		if (path !== '/metrics' || req.method !== 'GET') return sendJson(res, 404, { error: 'not_found' });
		sendMetrics(res, metrics).catch((error: unknown) => {
			logger.error({ err: error }, 'metrics failed');
			res.destroy();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.metricsPort, config.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	return server;
}

/** Starts a relay with a validated configuration. */
export async function startRelay(
	config: RelayConfig,
	options: { logger?: Logger; store?: RoomStore; commonsStore?: CommonsStore; defaultMetrics?: boolean } = {}
): Promise<Relay> {
	const logger = options.logger ?? createLogger(config.logLevel);
	const backends = await openBackends(config, logger, options);
	const { store, commonsStore } = backends;
	const metrics = createMetrics({ defaultMetrics: options.defaultMetrics });
	const sync = createSync({ store, limits: config.limits, metrics, logger, fanout: backends.fanout, rateLimits: backends.rateLimits, addressConnections: backends.addressConnections, trustProxy: config.trustProxy });
	const commons = createCommonsHandler({
		store: commonsStore,
		limits: config.commons,
		adminToken: config.commonsAdminToken,
		trustProxy: config.trustProxy,
		metrics,
		logger,
		rateLimits: backends.rateLimits
	});
	const pageMeta = commonsPageMeta(commonsStore);
	const handleStatic = config.staticDir
		? createStaticHandler(config.staticDir, {
				rewriteIndex: async (url) => {
					// A preview that cannot be read (storage trouble) must not cost the page: serve it plain.
					const meta = await pageMeta(url).catch(() => undefined);
					return meta && ((html: string) => withPageMeta(html, meta, PREVIEW_SITE_NAME));
				}
			})
		: undefined;
	const applySecurityHeaders = createSecurityHeaders({ staticDir: config.staticDir, connectOrigins: config.connectOrigins });

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://relay.invalid');
		await applySecurityHeaders(req, res);
		if (url.pathname === '/healthz') {
			const health = await backends.health();
			sendJson(res, health.ok ? 200 : 503, health);
			return;
		}
		if (url.pathname === '/metrics' && req.method === 'GET') {
			const access = metricsAccess(req.headers.authorization, config);
			if (access === 'allowed') await sendMetrics(res, metrics);
			else sendJson(res, access === 'elsewhere' ? 404 : 401, { error: access === 'elsewhere' ? 'not_found' : 'unauthorized' });
			return;
		}
		if (await sync.handleDelete(req, res, url)) return;
		if (await commons.handle(req, res, url)) return;
		if (handleStatic && (await handleStatic(req, res, url))) return;
		sendJson(res, 404, { error: 'not_found' });
	}

	const { limits } = config;
	const server = createServer(
		httpTimeouts(config),
		(req, res) => {
			handle(req, res).catch((error: unknown) => {
				logger.error({ err: error, path: req.url?.split('?')[0] }, 'request failed');
				if (!res.headersSent) sendJson(res, 500, { error: 'internal' });
				else res.destroy();
			});
		}
	);
	// Open HTTP connections per socket address (MAX_HTTP_CONNECTIONS_PER_ADDRESS): a socket past the limit is
	// closed at once. A websocket leaves this count when it upgrades (its own limits are in sync.ts).
	const httpConnections = new Map<string, number>();
	const counted = new WeakSet<Duplex>();
	const uncount = (socket: Duplex, address: string) => {
		if (!counted.delete(socket)) return;
		const left = (httpConnections.get(address) ?? 1) - 1;
		if (left > 0) httpConnections.set(address, left);
		else httpConnections.delete(address);
	};
	server.on('connection', (socket) => {
		const address = socket.remoteAddress ?? '';
		const open = httpConnections.get(address) ?? 0;
		if (open >= limits.httpConnectionsPerAddress) {
			metrics.refusals.inc({ reason: 'HTTP_CONNECTIONS' });
			socket.destroy();
			return;
		}
		httpConnections.set(address, open + 1);
		counted.add(socket);
		socket.once('close', () => uncount(socket, address));
	});

	server.on('upgrade', (req, socket, head) => {
		uncount(socket, req.socket.remoteAddress ?? '');
		const url = new URL(req.url ?? '/', 'http://relay.invalid');
		if (!sync.handleUpgrade(req, socket, head, url)) socket.destroy();
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
	const metricsServer = config.metricsPort === undefined ? undefined : await listenMetrics(config, metrics, logger);
	const metricsUrl = metricsServer && `http://${host}:${(metricsServer.address() as AddressInfo).port}`;

	let closing: Promise<void> | undefined;
	return {
		url,
		port,
		...(metricsUrl ? { metricsUrl } : {}),
		close() {
			// Stop accepting first, then let rooms finish what they were storing, then close the database.
			closing ??= (async () => {
				const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
				await sync.close();
				server.closeAllConnections();
				await stopped;
				if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
				await backends.close();
			})();
			return closing;
		}
	};
}
