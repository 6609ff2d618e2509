import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../sync-server/src/config';

// The commons limits come from the environment, with COMMONS.md's defaults, validated at start.
describe('commons configuration', () => {
	it('defaults to 256 KB entries, 30 writes a minute, 20 reports an hour, a threshold of 3 over a week, no proxy', () => {
		const config = loadConfig({});
		expect(config.commons).toEqual({
			maxEntryBytes: 256 * 1024,
			writesPerMinute: 30,
			reportsPerHour: 20,
			reportThreshold: 3,
			reportWindowMs: 7 * 24 * 3_600_000,
			reportSalt: undefined
		});
		expect(config.trustProxy).toBe(false);
	});

	it('reads every limit from the environment', () => {
		const config = loadConfig({
			COMMONS_MAX_ENTRY_BYTES: '4096',
			COMMONS_WRITES_PER_MINUTE: '5',
			COMMONS_REPORTS_PER_HOUR: '7',
			COMMONS_REPORT_THRESHOLD: '2',
			COMMONS_REPORT_WINDOW_HOURS: '48',
			COMMONS_REPORT_SALT: 'a-salt-of-enough-length',
			TRUST_PROXY: 'true'
		});
		expect(config.commons).toEqual({
			maxEntryBytes: 4096,
			writesPerMinute: 5,
			reportsPerHour: 7,
			reportThreshold: 2,
			reportWindowMs: 48 * 3_600_000,
			reportSalt: 'a-salt-of-enough-length'
		});
		expect(config.trustProxy).toBe(true);
		expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
	});

	it('refuses bad values, naming the variable', () => {
		for (const [name, value] of [
			['COMMONS_MAX_ENTRY_BYTES', '12'],
			['COMMONS_MAX_ENTRY_BYTES', '256KB'],
			['COMMONS_WRITES_PER_MINUTE', '0'],
			['COMMONS_REPORTS_PER_HOUR', '-1'],
			['COMMONS_REPORT_THRESHOLD', 'three'],
			['COMMONS_REPORT_WINDOW_HOURS', '0'],
			['COMMONS_REPORT_SALT', 'short'],
			['TRUST_PROXY', 'yes please']
		] as const) {
			expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
			expect(() => loadConfig({ [name]: value })).toThrow(name);
		}
		expect(() => loadConfig({ COMMONS_ADMIN_TOKEN: 'short' })).toThrow(/COMMONS_ADMIN_TOKEN/);
	});
});
