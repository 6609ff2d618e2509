import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, setOnline, until } from '../helpers/devices';
import type { OpenDoc } from '../../src/lib/sync';

let relay: TestRelay;

beforeAll(async () => {
	relay = await startTestRelay({ limits: { updatesPerSecond: 10_000, updateBurst: 10_000, roomsPerMinutePerAddress: 10_000 } });
});

afterAll(async () => {
	await relay?.close();
});

type Step =
	| { kind: 'edit'; who: number; at: number; text: string; remove: number }
	| { kind: 'note'; who: number }
	| { kind: 'offline'; who: number }
	| { kind: 'online'; who: number }
	| { kind: 'compact'; who: number; full: boolean }
	| { kind: 'pause' };

const step: fc.Arbitrary<Step> = fc.oneof(
	{ weight: 6, arbitrary: fc.record({ kind: fc.constant('edit' as const), who: fc.nat(2), at: fc.nat(), text: fc.string({ maxLength: 6 }), remove: fc.nat(3) }) },
	{ weight: 3, arbitrary: fc.record({ kind: fc.constant('note' as const), who: fc.nat(2) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('offline' as const), who: fc.nat(2) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('online' as const), who: fc.nat(2) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), who: fc.nat(2), full: fc.boolean() }) },
	{ weight: 1, arbitrary: fc.constant({ kind: 'pause' as const }) }
);

describe('three replicas with offline periods and compactions', () => {
	it('always converge to identical content, and no note is ever lost', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 40 }), async (steps) => {
				const devices = await Promise.all(['A', 'B', 'C'].map((name) => newDevice(name, { batchDelayMs: 10 })));
				const vaultA = await devices[0]!.workspace.createGroup({ name: 'prop', relayUrl: relay.url });
				const vaults = [vaultA, ...(await Promise.all(devices.slice(1).map((d) => d.workspace.joinGroup(vaultA.invite()))))];
				const first = await vaultA.create('guide', () => undefined, { title: 'doc' });
				await first.flush();
				const docs: OpenDoc[] = [first];
				for (const vault of vaults.slice(1)) docs.push(await vault.open(first.docId));
				const notes: string[] = [];
				for (const [index, s] of steps.entries()) {
					if (s.kind === 'edit') {
						const text = docs[s.who]!.doc.getText('body');
						const at = s.at % (text.length + 1);
						if (s.remove > 0 && at < text.length) text.delete(at, Math.min(s.remove, text.length - at));
						text.insert(at, s.text);
					} else if (s.kind === 'note') {
						const note = `n${index}-${s.who}`;
						notes.push(note);
						docs[s.who]!.doc.getArray<string>('notes').push([note]);
					} else if (s.kind === 'offline') await setOnline(devices[s.who]!, false);
					else if (s.kind === 'online') await setOnline(devices[s.who]!, true);
					else if (s.kind === 'compact') await (await devices[s.who]!.workspace.vault(vaults[s.who]!.id)).compact(first.docId, s.full);
					else await new Promise((resolve) => setTimeout(resolve, 30));
				}
				for (const device of devices) await setOnline(device, true);
				const content = (doc: OpenDoc) =>
					JSON.stringify([doc.doc.getText('body').toString(), [...doc.doc.getArray<string>('notes').toArray()].sort()]);
				await until(() => docs.every((doc) => content(doc) === content(docs[0]!)), 'convergence', 20_000);
				const held = new Set(docs[0]!.doc.getArray<string>('notes').toArray());
				for (const note of notes) expect(held.has(note), note).toBe(true);
				// A fresh device that only knows the relay sees the same.
				const late = await newDevice('Late');
				const lateVault = await late.workspace.joinGroup(vaultA.invite());
				const lateDoc = await lateVault.open(first.docId);
				await until(() => content(lateDoc) === content(docs[0]!), 'the late joiner', 20_000);
				for (const device of [...devices, late]) await device.close();
			}),
			{ numRuns: 15, seed: 20261125 }
		);
	}, 180_000);
});
