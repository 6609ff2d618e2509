/** Prometheus metrics of one relay (its own registry, so several relays in one test process do not clash). */
import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Whether `/metrics` on the main port answers this request: with METRICS_TOKEN, only to its bearer;
 * with METRICS_PORT and no token, never (`elsewhere`); with neither, to nobody (counters tell a watcher
 * how many groups meet and when, so they are not public).
 */
export function metricsAccess(
	authorization: string | undefined,
	config: { metricsToken: string | undefined; metricsPort: number | undefined }
): 'allowed' | 'unauthorized' | 'elsewhere' {
	if (!config.metricsToken) return config.metricsPort === undefined ? 'unauthorized' : 'elsewhere';
	const given = Buffer.from(/^Bearer (.+)$/.exec(authorization ?? '')?.[1]?.trim() ?? '');
	const expected = Buffer.from(config.metricsToken);
	return given.length === expected.length && timingSafeEqual(given, expected) ? 'allowed' : 'unauthorized';
}

/** Every metric the relay exports. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
	const registry = new Registry();
	if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
	return {
		registry,
		connections: new Gauge({ name: 'fieldbook_connections', help: 'Open websocket connections', registers: [registry] }),
		rooms: new Gauge({ name: 'fieldbook_rooms_loaded', help: 'Rooms held in memory', registers: [registry] }),
		bytesIn: new Counter({ name: 'fieldbook_bytes_in_total', help: 'Websocket bytes received', registers: [registry] }),
		bytesOut: new Counter({ name: 'fieldbook_bytes_out_total', help: 'Websocket bytes sent', registers: [registry] }),
		updatesPersisted: new Counter({
			name: 'fieldbook_updates_persisted_total',
			help: 'Updates durably stored',
			registers: [registry]
		}),
		persistSeconds: new Histogram({
			name: 'fieldbook_persist_seconds',
			help: 'Time to store one update',
			buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
			registers: [registry]
		}),
		refusals: new Counter({
			name: 'fieldbook_refusals_total',
			help: 'Connections closed or refused by the relay, by reason',
			labelNames: ['reason'] as const,
			registers: [registry]
		}),
		rotations: new Counter({
			name: 'fieldbook_rotations_total',
			help: 'Rooms frozen by a first forwarding record (a group moved to a new key)',
			registers: [registry]
		}),
		frozenRooms: new Gauge({ name: 'fieldbook_frozen_rooms', help: 'Rooms frozen and waiting for deletion', registers: [registry] }),
		frozenDeleted: new Counter({
			name: 'fieldbook_frozen_rooms_deleted_total',
			help: 'Frozen rooms deleted at the end of their grace period',
			registers: [registry]
		}),
		compactions: new Counter({ name: 'fieldbook_compactions_total', help: 'Room compactions', registers: [registry] }),
		fanoutReceived: new Counter({
			name: 'fieldbook_fanout_received_total',
			help: 'Room messages received from other relay processes, by kind',
			labelNames: ['kind'] as const,
			registers: [registry]
		}),
		fanoutCatchUps: new Counter({
			name: 'fieldbook_fanout_catch_ups_total',
			help: 'Reads from the store of rows another process stored that did not arrive through the fan-out',
			registers: [registry]
		}),
		commonsRequests: new Counter({
			name: 'fieldbook_commons_requests_total',
			help: 'Commons API requests, by route and answered status',
			labelNames: ['route', 'status'] as const,
			registers: [registry]
		})
	};
}

/** The relay's metrics. */
export type Metrics = ReturnType<typeof createMetrics>;
