/** JSON logs through pino. Log lines never carry document content or tokens. */
import { pino, type Logger } from 'pino';
import type { RelayConfig } from './config.js';

export type { Logger };

/** The relay's logger at the configured level. */
export function createLogger(level: RelayConfig['logLevel']): Logger {
	return pino({ level, base: { service: 'fieldbook-relay' } });
}
