import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../sync-server/src/config';

describe('scale-out configuration', () => {
	it('SQLite without DATABASE_URL; PostgreSQL and Redis by their URLs', () => {
		expect(loadConfig({})).toMatchObject({ databaseUrl: undefined, redisUrl: undefined });
		const config = loadConfig({ DATABASE_URL: 'postgresql://relay@db:5432/fieldbook', REDIS_URL: 'redis://cache:6379' });
		expect(config).toMatchObject({ databaseUrl: 'postgresql://relay@db:5432/fieldbook', redisUrl: 'redis://cache:6379' });
	});

	it('refuses URLs of the wrong kind, and Redis without PostgreSQL, naming the variable', () => {
		expect(() => loadConfig({ DATABASE_URL: 'mysql://db/x' })).toThrow(/^DATABASE_URL: expected a postgres:\/\/ or postgresql:\/\/ URL/);
		expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(ConfigError);
		expect(() => loadConfig({ DATABASE_URL: 'postgres://db/x', REDIS_URL: 'http://cache' })).toThrow(/^REDIS_URL/);
		expect(() => loadConfig({ REDIS_URL: 'redis://cache:6379' })).toThrow(/^REDIS_URL: needs DATABASE_URL/);
	});

	it('REDIS_PREFIX starts every Redis key and channel, fieldbook: unless set, and refuses odd characters', () => {
		expect(loadConfig({}).redisPrefix).toBe('fieldbook:');
		expect(loadConfig({ REDIS_PREFIX: 'movement-a:' }).redisPrefix).toBe('movement-a:');
		expect(() => loadConfig({ REDIS_PREFIX: 'has space' })).toThrow(/^REDIS_PREFIX/);
		expect(() => loadConfig({ REDIS_PREFIX: '' })).toThrow(/^REDIS_PREFIX/);
	});
});
