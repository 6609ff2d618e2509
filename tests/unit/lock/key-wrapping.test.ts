import { describe, expect, it } from 'vitest';
import { deriveArgon2id } from '../../../src/lib/sync/argon2';
import {
	DamagedKeyError,
	MAX_ITERATIONS,
	MAX_MEMORY_KIB,
	MIN_ITERATIONS,
	MIN_MEMORY_KIB,
	WrongPassphraseError,
	calibrate,
	calibratedParams,
	newMasterKey,
	unlockDelayMs,
	unwrapMasterKey,
	validParams,
	wrapMasterKey,
	type ArgonParams,
	type DeriveKey
} from '../../../src/lib/sync/lock';

/** The floor the app allows: tests run the real Argon2id, at its smallest allowed cost. */
const SMALL: ArgonParams = { memoryKiB: MIN_MEMORY_KIB, iterations: 1, parallelism: 1 };

describe('wrapping the master key', () => {
	it('round-trips under the right passphrase, with real Argon2id', async () => {
		const master = newMasterKey();
		const wrapped = await wrapMasterKey(master, 'correct horse battery', SMALL, deriveArgon2id);
		expect(wrapped.ciphertext).not.toEqual(master);
		expect(await unwrapMasterKey(wrapped, 'correct horse battery', deriveArgon2id)).toEqual(master);
	});

	it('refuses a wrong passphrase and leaves the record as it was', async () => {
		const master = newMasterKey();
		const wrapped = await wrapMasterKey(master, 'correct horse battery', SMALL, deriveArgon2id);
		const before = structuredClone(wrapped);
		await expect(unwrapMasterKey(wrapped, 'correct horse batterY', deriveArgon2id)).rejects.toBeInstanceOf(WrongPassphraseError);
		expect(wrapped).toEqual(before);
		expect(await unwrapMasterKey(wrapped, 'correct horse battery', deriveArgon2id)).toEqual(master);
	});

	it('reports a damaged record as damaged, before deriving anything', async () => {
		const wrapped = await wrapMasterKey(newMasterKey(), '123456', SMALL, deriveArgon2id);
		let derivations = 0;
		const counting: DeriveKey = (...args) => {
			derivations++;
			return deriveArgon2id(...args);
		};
		const flipped = { ...wrapped, ciphertext: wrapped.ciphertext.slice() };
		flipped.ciphertext[3]! ^= 1;
		await expect(unwrapMasterKey(flipped, '123456', counting)).rejects.toBeInstanceOf(DamagedKeyError);
		await expect(unwrapMasterKey({ ...wrapped, salt: wrapped.salt.subarray(1) }, '123456', counting)).rejects.toBeInstanceOf(DamagedKeyError);
		// Weakening the stored parameters is damage too: they are under the checksum and the tag.
		await expect(unwrapMasterKey({ ...wrapped, params: { ...wrapped.params, memoryKiB: 1024 } }, '123456', counting)).rejects.toBeInstanceOf(DamagedKeyError);
		await expect(unwrapMasterKey(undefined, '123456', counting)).rejects.toBeInstanceOf(DamagedKeyError);
		await expect(unwrapMasterKey({ ...wrapped, version: 9 }, '123456', counting)).rejects.toBeInstanceOf(DamagedKeyError);
		expect(derivations).toBe(0);
	});

	it('never stores the key, the passphrase or a verifier in the record', async () => {
		const master = newMasterKey();
		const wrapped = await wrapMasterKey(master, 'a passphrase', SMALL, deriveArgon2id);
		const all = Buffer.concat([wrapped.salt, wrapped.nonce, wrapped.ciphertext, wrapped.checksum]);
		expect(all.includes(Buffer.from(master))).toBe(false);
		expect(all.includes(Buffer.from('a passphrase'))).toBe(false);
		expect(Object.keys(wrapped).sort()).toEqual(['checksum', 'ciphertext', 'nonce', 'params', 'salt', 'version']);
	});

	it('refuses parameters below the floor when wrapping', async () => {
		await expect(wrapMasterKey(newMasterKey(), 'x'.repeat(8), { memoryKiB: 1024, iterations: 1, parallelism: 1 }, deriveArgon2id)).rejects.toThrow(/bounds/);
	});
});

describe('calibration', () => {
	it('keeps memory at or above 32 MiB and iterations within bounds, whatever the device measured', () => {
		for (const ms of [0, 0.01, 1, 10, 80, 250, 1_000, 5_000, 60_000]) {
			for (const memoryKiB of [1, MIN_MEMORY_KIB, 64 * 1024, 10 * MAX_MEMORY_KIB]) {
				const params = calibratedParams({ memoryKiB, iterations: 1, ms });
				expect(validParams(params), `${ms} ms at ${memoryKiB} KiB`).toBe(true);
				expect(params.memoryKiB).toBeGreaterThanOrEqual(MIN_MEMORY_KIB);
				expect(params.iterations).toBeGreaterThanOrEqual(MIN_ITERATIONS);
				expect(params.iterations).toBeLessThanOrEqual(MAX_ITERATIONS);
			}
		}
	});

	it('aims at about one second: a 100 ms probe gives ten iterations, a slow phone one', () => {
		expect(calibratedParams({ memoryKiB: 64 * 1024, iterations: 1, ms: 100 })).toEqual({ memoryKiB: 64 * 1024, iterations: 10, parallelism: 1 });
		expect(calibratedParams({ memoryKiB: 64 * 1024, iterations: 1, ms: 2_500 }).iterations).toBe(1);
		expect(calibratedParams({ memoryKiB: 32 * 1024, iterations: 2, ms: 100 }, 500).iterations).toBe(10);
	});

	it('measures the real derivation on this machine and lands within bounds', async () => {
		let clock = 0;
		const params = await calibrate(deriveArgon2id, { memoryKiB: MIN_MEMORY_KIB, targetMs: 200, now: () => (clock += 50) });
		// The fake clock says each probe took 50 ms: four iterations reach 200 ms.
		expect(params).toEqual({ memoryKiB: MIN_MEMORY_KIB, iterations: 4, parallelism: 1 });
		const real = await calibrate(deriveArgon2id, { memoryKiB: MIN_MEMORY_KIB, targetMs: 50 });
		expect(validParams(real)).toBe(true);
	});
});

describe('wrong passphrases slow down', () => {
	it('lets three through, then doubles the wait up to five minutes', () => {
		expect([0, 1, 2].map(unlockDelayMs)).toEqual([0, 0, 0]);
		expect([3, 4, 5, 6].map(unlockDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000]);
		expect(unlockDelayMs(40)).toBe(5 * 60_000);
		for (let failures = 1; failures < 50; failures++) expect(unlockDelayMs(failures)).toBeGreaterThanOrEqual(unlockDelayMs(failures - 1));
	});
});
