import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, until } from '../helpers/devices';
import { createSqliteStore } from '../../sync-server/src/store/sqlite';
import type { RoomStore } from '../../sync-server/src/store/types';

/**
 * The relay's own SQLite store, whose appends wait while the test holds them: like a slow disk, the relay
 * applies an update at once but says it stored it (its saved-state answer) only once the append finished.
 * Everything else goes to the SQLite store as it is.
 */
function heldStore(inner: RoomStore) {
	let held = false;
	const waiting: (() => void)[] = [];
	const releaseAll = () => {
		held = false;
		for (const next of waiting.splice(0)) next();
	};
	const store = new Proxy(inner, {
		get(target, property, receiver) {
			if (property === 'append') {
				return async (...args: Parameters<RoomStore['append']>) => {
					if (held) await new Promise<void>((resolve) => waiting.push(resolve));
					return target.append(...args);
				};
			}
			if (property === 'close') {
				return () => {
					releaseAll();
					return target.close();
				};
			}
			const value: unknown = Reflect.get(target, property, receiver);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});
	return {
		store,
		/** From now on appends wait for a release. */
		hold: () => void (held = true),
		/** Lets the oldest waiting append through. */
		releaseOne: () => void waiting.shift()?.(),
		releaseAll,
		get waiting() {
			return waiting.length;
		}
	};
}

let relay: TestRelay;
let store: ReturnType<typeof heldStore>;

beforeAll(async () => {
	relay = await startTestRelay({}, {
		store: (dataDir) => {
			store = heldStore(createSqliteStore(dataDir));
			return store.store;
		}
	});
});

afterAll(async () => {
	await relay?.close();
});

describe('upload progress in the sync status', () => {
	it('counts what the relay said it stored, piece by piece, of everything sent after a time offline', async () => {
		const alice = await newDevice('Alice');
		const vault = await alice.workspace.createGroup({ name: 'Handbooks', relayUrl: relay.url });
		await until(() => vault.status().state === 'savedRelay' && vault.status().pending === 0, 'the new group on the relay');
		const internals = await alice.workspace.vault(vault.id);
		alice.online = false;
		internals.disconnect();
		// Four guides of 200 KB that do not compress: each blob is a piece of its own (pieces are about 256 KB).
		for (let i = 0; i < 4; i++) {
			const text = randomBytes(200 * 1024).toString('base64').slice(0, 200 * 1024);
			const guide = await vault.create('guide', (doc) => doc.getText('body').insert(0, text), { title: `Handbook ${i}` });
			await guide.flush();
			await guide.close();
		}
		expect(vault.status().upload).toBeUndefined();

		store.hold();
		alice.online = true;
		internals.reconnect();
		// Every piece has left (the relay takes a connection's messages one at a time, so the first waits to be
		// stored and the rest wait behind it): nothing counts as sent.
		await until(() => store.waiting === 1 && (vault.status().upload?.total ?? 0) > 4 * 200 * 1024, 'the pieces sent');
		const start = vault.status();
		expect(start.state).not.toBe('savedRelay');
		expect(start.upload).toBeDefined();
		const total = start.upload!.total;
		expect(total).toBeGreaterThan(4 * 200 * 1024);
		expect(start.upload!.sent).toBe(0);

		// One append finishes: the relay's saved state covers the first piece, and only that.
		store.releaseOne();
		await until(() => (vault.status().upload?.sent ?? 0) > 0, 'the first piece counted');
		const first = vault.status().upload!;
		expect(first.total).toBe(total);
		expect(first.sent).toBeLessThan(total);

		// The next one: more, not all.
		store.releaseOne();
		await until(() => (vault.status().upload?.sent ?? 0) > first.sent, 'the second piece counted');
		const second = vault.status().upload!;
		expect(second.sent).toBeLessThan(total);

		// The rest: the upload is over and everything is saved on the relay.
		store.releaseAll();
		await until(() => vault.status().state === 'savedRelay' && vault.status().pending === 0, 'everything on the relay');
		expect(vault.status().upload).toBeUndefined();
		await alice.close();
	});
});
