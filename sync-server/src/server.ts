/** The relay process: reads the environment once, starts the relay, shuts down cleanly on a signal. */
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startRelay } from './relay.js';

let config;
try {
	config = loadConfig();
} catch (error) {
	if (error instanceof ConfigError) {
		console.error(`Fieldbook relay: invalid configuration: ${error.message}`);
		process.exit(2);
	}
	throw error;
}

const logger = createLogger(config.logLevel);
const relay = await startRelay(config, { logger });
// A plain line for people and scripts (npm start, tests) besides the JSON log.
console.log(`Fieldbook is running at ${relay.url}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		logger.info({ signal }, 'shutting down');
		relay.close().then(
			() => process.exit(0),
			(error: unknown) => {
				logger.error({ err: error }, 'shutdown failed');
				process.exit(1);
			}
		);
	});
}
