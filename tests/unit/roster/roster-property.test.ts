import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { evaluateRoster, type Roster, type RosterAction, type RosterEntry } from '../../../src/lib/sync/roster';
import { applySettled } from '../../../src/lib/sync/settle';
import { DAY, group, person } from './helpers';

const people = [person('Ada'), person('Bo'), person('Cy'), person('Dee')];
const INVITES = ['invite-number-0000', 'invite-number-0001'];

/** A canonical, comparable form of a roster. */
function canonical(roster: Roster): unknown {
	const sorted = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
	return {
		created: roster.created,
		members: sorted(roster.members),
		pending: sorted(roster.pending),
		invites: sorted(roster.invites),
		ever: [...roster.everMember].sort(),
		former: sorted(roster.former),
		clock: roster.clock
	};
}

const action = fc.oneof(
	fc.constant<RosterAction['type']>('join'),
	fc.constantFrom<RosterAction['type']>('approve', 'decline', 'promote', 'demote', 'remove', 'leave', 'invite', 'revoke', 'profile', 'create')
);

const opArb = fc.record({ author: fc.nat(people.length - 1), target: fc.nat(people.length - 1), type: action, invite: fc.nat(1), replica: fc.nat(2), at: fc.nat(10 * DAY) });

function toAction(op: { target: number; type: RosterAction['type']; invite: number }): RosterAction {
	const target = people[op.target]!;
	const invite = INVITES[op.invite]!;
	switch (op.type) {
		case 'create':
			return { type: 'create', name: target.name, box: target.box };
		case 'join':
			return { type: 'join', name: target.name, box: target.box, invite };
		case 'invite':
			return { type: 'invite', invite, kind: 'request', expires: 20 * DAY };
		case 'revoke':
			return { type: 'revoke', invite };
		case 'leave':
			return { type: 'leave' };
		case 'profile':
			return { type: 'profile', name: target.name + '!', box: target.box };
		default:
			return { type: op.type, member: target.key } as RosterAction;
	}
}

describe('roster property', () => {
	it('random logs written on three replicas, merged in random orders, give identical rosters', () => {
		fc.assert(
			fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(2), { minLength: 3, maxLength: 12 }), fc.nat(5), (ops, merges, order) => {
				const g = group();
				const start = [g.create(people[0]!, 0)];
				const replicas = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
				const updates: Uint8Array[] = [];
				for (const doc of replicas) doc.on('update', (update: Uint8Array) => updates.push(update));
				replicas[0]!.getArray<RosterEntry>('roster').push(start);
				for (const op of ops) {
					// Writers see some of the others' updates first: a replica catches up with a random one now and then.
					const doc = replicas[op.replica]!;
					const from = replicas[merges[op.at % merges.length]!]!;
					Y.applyUpdate(doc, Y.encodeStateAsUpdate(from, Y.encodeStateVector(doc)));
					doc.getArray<RosterEntry>('roster').push([g.op(people[op.author]!, toAction(op), op.at)]);
				}
				// Every observer receives all updates, in its own order, applied as a vault applies them.
				const permutations = [
					[...updates],
					[...updates].reverse(),
					updates.filter((_, i) => i % 2 === 0).concat(updates.filter((_, i) => i % 2 === 1)),
					updates.map((u, i) => [u, (i * 7 + order) % updates.length] as const).sort((a, b) => a[1] - b[1]).map(([u]) => u)
				];
				const results = permutations.map((sequence) => {
					const observer = new Y.Doc();
					for (const update of sequence) applySettled(observer, update);
					return canonical(evaluateRoster(g.groupId, observer.getArray('roster').toArray()));
				});
				for (const doc of replicas) {
					for (const other of replicas) Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
					results.push(canonical(evaluateRoster(g.groupId, doc.getArray('roster').toArray())));
				}
				for (const result of results) expect(result).toEqual(results[0]);
				// Whatever happened, a group with members keeps an admin.
				const roster = evaluateRoster(g.groupId, replicas[0]!.getArray('roster').toArray());
				if (roster.members.size > 0) expect([...roster.members.values()].some((m) => m.role === 'admin')).toBe(true);
			}),
			// A failure's shrinking can take many minutes on a busy machine: the counterexample found first is reported.
			{ numRuns: 60, interruptAfterTimeLimit: 60_000, endOnFailure: true }
		);
	});
});
