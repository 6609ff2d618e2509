import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { toBase64Url, utf8 } from '../../../src/lib/sync/bytes';
import { newDeviceKeys, newGroupId, newGroupKey, type DeviceKeys } from '../../../src/lib/sync/crypto';
import { PRESENCE_DOC_ID, PRESENCE_OPENS_PER_SECOND, PresenceChannel } from '../../../src/lib/sync/presence';
import { claimedAuthorOfBlob, HEADER_BYTES, PUBLIC_KEY_BYTES } from '../../../src/lib/sync/sealed';
import { Sealer } from '../../../src/lib/sync/sealer';

const groupId = newGroupId();
const key = newGroupKey(groupId, 1);
const keys = (id: string) => (id === key.keyId ? key : undefined);
const alice = newDeviceKeys();
const mallory = newDeviceKeys();
const carol = newDeviceKeys();
const stranger = newDeviceKeys();
const sealerOf = (device: DeviceKeys) => new Sealer({ groupId, epoch: 1, currentKey: key, keys, device });
const members = new Set([alice, mallory, carol].map((device) => toBase64Url(device.publicKey)));

/** A presence state as `device` publishes it (what the room's awareness carries). */
function presence(device: DeviceKeys, name: string): string {
	const state = { name, publicKey: toBase64Url(device.publicKey) };
	return toBase64Url(sealerOf(device).sealNow(PRESENCE_DOC_ID, utf8(JSON.stringify(state))));
}

/** Mallory's sealed state with Alice's key written into its header: it names Alice, and its signature is Mallory's. */
function forgedAsAlice(name: string): string {
	const blob = sealerOf(mallory).sealNow(PRESENCE_DOC_ID, utf8(JSON.stringify({ name, publicKey: toBase64Url(alice.publicKey) })));
	blob.set(alice.publicKey, HEADER_BYTES - PUBLIC_KEY_BYTES);
	return toBase64Url(blob);
}

/** Carol's presence channel over a room awareness the test fills as the relay would, counting her opens. */
function carolsChannel() {
	const room = new Awareness(new Y.Doc());
	const sealer = sealerOf(carol);
	/** Every open tried, by the key its blob names, and whether it opened. */
	const tried: { claimed: string; opened: boolean }[] = [];
	const counting = Object.create(sealer) as Sealer;
	counting.openNow = (docId, blob) => {
		const attempt = { claimed: claimedAuthorOfBlob(blob)!, opened: false };
		tried.push(attempt);
		const result = sealer.openNow(docId, blob);
		attempt.opened = true;
		return result;
	};
	let clock = 1_000_000;
	const channel = new PresenceChannel({
		room,
		sealer: counting,
		self: () => ({ name: 'Carol', publicKey: carol.publicKey }),
		focused: () => undefined,
		docs: () => [],
		allowed: (publicKey) => members.has(publicKey),
		now: () => clock
	});
	const named = (device: DeviceKeys) => tried.filter((attempt) => attempt.claimed === toBase64Url(device.publicKey));
	return {
		channel,
		/** Opens tried of blobs naming `device`'s key (verify and decrypt, or a failed verify). */
		triedFor: (device: DeviceKeys) => named(device).length,
		openedBy: (device: DeviceKeys) => named(device).filter((attempt) => attempt.opened).length,
		/** A state arrives for `clientId`, and the channel reads the room as the vault does on every change. */
		arrive(clientId: number, sealed: string) {
			room.states.set(clientId, { e: sealed });
			room.meta.set(clientId, { clock: (room.meta.get(clientId)?.clock ?? 0) + 1, lastUpdated: clock });
			channel.read();
		},
		nameOf: (clientId: number) => channel.people().find((person) => person.clientId === clientId)?.name,
		advance(ms: number) {
			clock += ms;
		},
		close: () => channel.close()
	};
}

describe('presence opened within a budget per member', () => {
	it("opens a few of a flooding member's states a second, and still every update of the others", () => {
		const carolView = carolsChannel();
		carolView.arrive(1, presence(alice, 'Alice'));
		expect(carolView.nameOf(1)).toBe('Alice');

		// Five seconds of Mallory publishing 20 fresh states a second under new client ids, and 20 under one;
		// Alice moves her caret four times a second meanwhile.
		const sealedByMallory = Array.from({ length: 20 }, (_, i) => presence(mallory, `Mallory ${i}`));
		let next = 100;
		for (let tick = 0; tick < 100; tick++) {
			carolView.arrive(next++, sealedByMallory[tick % 20]!);
			carolView.arrive(99, sealedByMallory[(tick + 7) % 20]!);
			if (tick % 5 === 0) {
				carolView.arrive(1, presence(alice, `Alice ${tick}`));
				expect(carolView.nameOf(1)).toBe(`Alice ${tick}`);
			}
			carolView.advance(50);
		}
		const seconds = 5;
		// Per key: one budget for client ids new to it, one for those it opened before; each one second's worth ahead.
		expect(carolView.triedFor(mallory)).toBeLessThanOrEqual(2 * PRESENCE_OPENS_PER_SECOND * (seconds + 1));
		expect(carolView.openedBy(mallory)).toBeGreaterThan(PRESENCE_OPENS_PER_SECOND * seconds);
		expect(carolView.triedFor(alice)).toBe(1 + 20);
		expect(carolView.openedBy(alice)).toBe(1 + 20);
		carolView.close();
	});

	it("never spends a member's own budget on states forged in their name, and opens no stranger's", () => {
		const carolView = carolsChannel();
		carolView.arrive(1, presence(alice, 'Alice'));
		const forged = Array.from({ length: 10 }, (_, i) => forgedAsAlice(`Mallory as Alice ${i}`));
		for (let tick = 0; tick < 100; tick++) {
			// New client ids, and forged states again on one that was caught: it is never checked twice.
			carolView.arrive(1000 + tick, forged[tick % 10]!);
			carolView.arrive(999, forged[(tick + 3) % 10]!);
			carolView.arrive(2000 + tick, presence(stranger, 'Stranger'));
			if (tick % 5 === 0) {
				carolView.arrive(1, presence(alice, `Alice ${tick}`));
				expect(carolView.nameOf(1)).toBe(`Alice ${tick}`);
			}
			carolView.advance(50);
		}
		// No forged state shows, no stranger's blob is checked, Alice's own updates all opened, and the forged
		// ones cost at most the budget of new client ids in her name (five seconds, one second's worth ahead).
		expect(carolView.channel.people().map((person) => person.clientId)).toEqual([1]);
		expect(carolView.triedFor(stranger)).toBe(0);
		expect(carolView.openedBy(alice)).toBe(1 + 20);
		expect(carolView.triedFor(alice) - carolView.openedBy(alice)).toBeGreaterThan(0);
		expect(carolView.triedFor(alice) - carolView.openedBy(alice)).toBeLessThanOrEqual(PRESENCE_OPENS_PER_SECOND * (5 + 1));
		carolView.close();
	});

	it('opens the newest state of a member once their budget allows, without another change', async () => {
		const carolView = carolsChannel();
		for (let i = 0; i < 3 * PRESENCE_OPENS_PER_SECOND; i++) carolView.arrive(7, presence(mallory, `Mallory ${i}`));
		const last = `Mallory ${3 * PRESENCE_OPENS_PER_SECOND - 1}`;
		expect(carolView.nameOf(7)).not.toBe(last);
		carolView.advance(1_000);
		// The channel reads again by itself once the budget refills: no state arrives meanwhile.
		for (const started = Date.now(); carolView.nameOf(7) !== last; ) {
			if (Date.now() - started > 5_000) throw new Error('the newest state was never opened');
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		carolView.close();
	});
});
