import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../../src/lib/sync/bytes';
import { newDeviceKeys } from '../../../src/lib/sync/crypto';
import {
	directJoinProof,
	evaluateRoster,
	mayAuthor,
	rosterEntry,
	rosterName,
	signRosterOp,
	type Roster,
	type RosterEntry
} from '../../../src/lib/sync/roster';
import { DAY, group, log, person, replica, sync } from './helpers';

const ada = person('Ada');
const bo = person('Bo');
const cy = person('Cy');
const dee = person('Dee');

function roles(roster: Roster): Record<string, string> {
	return Object.fromEntries([...roster.members.values()].map((member) => [member.name, member.role]));
}

function reasons(roster: Roster): string[] {
	return roster.refused.map((refusal) => refusal.reason);
}

describe('roster: creating', () => {
	it('makes the creator the first admin', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [g.create(ada)]);
		expect(roster.created).toBe(true);
		expect(roles(roster)).toEqual({ Ada: 'admin' });
		expect(roster.members.get(ada.key)?.box).toBe(ada.box);
	});

	it('counts only the first create: a second (a concurrent migration) is refused', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [g.create(ada), g.create(bo)]);
		expect(roles(roster)).toEqual({ Ada: 'admin' });
		expect(reasons(roster)).toEqual(['created']);
	});

	it('refuses every operation before a create, and checks no authorship then (a group from before rosters)', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [g.join(bo)]);
		expect(roster.created).toBe(false);
		expect(reasons(roster)).toEqual(['noGroup']);
		expect(mayAuthor(roster, bo.key)).toBe(true);
	});

	it('grandfathers the members a migrating device lists', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [
			g.op(ada, { type: 'create', name: 'Ada', box: ada.box, members: [{ key: bo.key, name: 'Bo' }, { key: ada.key, name: 'Ada' }] })
		]);
		expect(roles(roster)).toEqual({ Ada: 'admin', Bo: 'member' });
		expect(roster.members.get(bo.key)?.box).toBe('');
		expect(mayAuthor(roster, bo.key)).toBe(true);
		expect(mayAuthor(roster, cy.key)).toBe(false);
	});
});

describe('roster: signatures and replays', () => {
	it('refuses an operation signed by another key than its author', () => {
		const g = group();
		const forged = signRosterOp(g.groupId, { v: 1, type: 'promote', member: bo.key, by: ada.key, at: 5 }, bo.keys.secretKey);
		const roster = evaluateRoster(g.groupId, [g.create(ada), g.join(bo), g.op(ada, { type: 'approve', member: bo.key }), forged]);
		expect(roles(roster)).toEqual({ Ada: 'admin', Bo: 'member' });
		expect(reasons(roster)).toEqual(['signature']);
	});

	it('refuses an operation whose JSON was changed after signing', () => {
		const g = group();
		const entry = g.op(ada, { type: 'invite', invite: 'inviteinviteinvite', kind: 'request', expires: 2_000_000 + DAY });
		const tampered: RosterEntry = { o: entry.o.replace('request', 'direct'), s: entry.s };
		expect(reasons(evaluateRoster(g.groupId, [g.create(ada), tampered]))).toEqual(['malformed']);
		const renamed: RosterEntry = { o: entry.o.replace('inviteinviteinvite', 'inviteinviteinviteX'), s: entry.s };
		expect(reasons(evaluateRoster(g.groupId, [g.create(ada), renamed]))).toEqual(['signature']);
	});

	it('refuses an operation signed for another group', () => {
		const g = group();
		const other = group();
		const roster = evaluateRoster(g.groupId, [g.create(ada), g.join(bo), other.op(ada, { type: 'approve', member: bo.key })]);
		expect(roster.pending.has(bo.key)).toBe(true);
		expect(reasons(roster)).toEqual(['signature']);
	});

	it('counts a replayed entry once: re-appending an old promotion does not undo a later demotion', () => {
		const g = group();
		const promote = g.op(ada, { type: 'promote', member: bo.key });
		const roster = evaluateRoster(g.groupId, [
			g.create(ada),
			g.join(bo),
			g.op(ada, { type: 'approve', member: bo.key }),
			promote,
			g.op(ada, { type: 'demote', member: bo.key }),
			promote
		]);
		expect(roles(roster)).toEqual({ Ada: 'admin', Bo: 'member' });
		expect(reasons(roster)).toEqual(['replay']);
	});

	it('refuses malformed elements without throwing', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [g.create(ada), null, 7, { o: '{', s: 'x' }, { o: '{"v":1}', s: '' }, { o: 1, s: 2 }]);
		expect(reasons(roster)).toEqual(['malformed', 'malformed', 'malformed', 'malformed', 'malformed']);
		expect(roles(roster)).toEqual({ Ada: 'admin' });
	});

	it('refuses names that are empty or too long', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [
			g.create(ada),
			g.op(bo, { type: 'join', name: '   ', box: bo.box }),
			g.op(cy, { type: 'join', name: 'x'.repeat(81), box: cy.box })
		]);
		expect(reasons(roster)).toEqual(['malformed', 'malformed']);
	});
});

describe('roster: roles in force at each point', () => {
	it('lets only admins invite, approve, decline, promote, demote and remove', () => {
		const g = group();
		const base = [g.create(ada), g.join(bo), g.op(ada, { type: 'approve', member: bo.key }), g.join(cy)];
		const roster = evaluateRoster(g.groupId, [
			...base,
			g.op(bo, { type: 'invite', invite: 'bo-invite-0000000', kind: 'request', expires: 1_000_000 + DAY }),
			g.op(bo, { type: 'approve', member: cy.key }),
			g.op(bo, { type: 'decline', member: cy.key }),
			g.op(bo, { type: 'promote', member: bo.key }),
			g.op(bo, { type: 'demote', member: ada.key }),
			g.op(bo, { type: 'remove', member: ada.key })
		]);
		expect(reasons(roster)).toEqual(['notAdmin', 'notAdmin', 'notAdmin', 'notAdmin', 'notAdmin', 'notAdmin']);
		expect(roles(roster)).toEqual({ Ada: 'admin', Bo: 'member' });
		expect(roster.pending.has(cy.key)).toBe(true);
	});

	it('an operation counts by the roles at its position, not by later ones', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [
			g.create(ada),
			g.join(bo),
			g.join(cy),
			g.op(bo, { type: 'approve', member: cy.key }),
			g.op(ada, { type: 'approve', member: bo.key }),
			g.op(ada, { type: 'promote', member: bo.key }),
			g.op(bo, { type: 'approve', member: cy.key })
		]);
		expect(reasons(roster)).toEqual(['notAdmin']);
		expect(roles(roster)).toEqual({ Ada: 'admin', Bo: 'admin', Cy: 'member' });
	});

	it('declines a request; the declined person may ask again', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [g.create(ada), g.join(bo), g.op(ada, { type: 'decline', member: bo.key })]);
		expect(roster.pending.size).toBe(0);
		expect(roster.declined.has(bo.key)).toBe(true);
		expect(mayAuthor(roster, bo.key)).toBe(false);
		const again = evaluateRoster(g.groupId, [g.create(ada), g.join(bo), g.op(ada, { type: 'decline', member: bo.key }), g.join(bo)]);
		expect(again.pending.has(bo.key)).toBe(true);
	});

	it('never demotes the last admin', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [g.create(ada), g.op(ada, { type: 'demote', member: ada.key })]);
		expect(reasons(roster)).toEqual(['lastAdmin']);
		expect(roles(roster)).toEqual({ Ada: 'admin' });
	});

	it('hands admin to the longest-standing member when the last admin leaves', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [
			g.create(ada),
			g.join(bo),
			g.join(cy),
			g.op(ada, { type: 'approve', member: cy.key }),
			g.op(ada, { type: 'approve', member: bo.key }),
			g.op(ada, { type: 'leave' })
		]);
		expect(roles(roster)).toEqual({ Bo: 'member', Cy: 'admin' });
		expect(roster.former.get(ada.key)).toEqual({ name: 'Ada', how: 'left' });
		// Ada's blobs from when she was a member stay readable.
		expect(mayAuthor(roster, ada.key)).toBe(true);
	});

	it('lets a member leave, and a pending joiner withdraw; nobody else', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [
			g.create(ada),
			g.join(bo),
			g.op(ada, { type: 'approve', member: bo.key }),
			g.join(cy),
			g.op(bo, { type: 'leave' }),
			g.op(cy, { type: 'leave' }),
			g.op(dee, { type: 'leave' })
		]);
		expect(roles(roster)).toEqual({ Ada: 'admin' });
		expect(roster.pending.size).toBe(0);
		expect(reasons(roster)).toEqual(['notMember']);
		expect(rosterName(roster, bo.key)).toBe('Bo');
	});

	it('removes a member (admins only, not themselves)', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [
			g.create(ada),
			g.join(bo),
			g.op(ada, { type: 'approve', member: bo.key }),
			g.op(ada, { type: 'remove', member: ada.key }),
			g.op(ada, { type: 'remove', member: bo.key })
		]);
		expect(reasons(roster)).toEqual(['unknownTarget']);
		expect(roles(roster)).toEqual({ Ada: 'admin' });
		expect(roster.former.get(bo.key)?.how).toBe('removed');
	});

	it('lets members change their own name and box key, and names come from the roster', () => {
		const g = group();
		const box = toBase64Url(newDeviceKeys().publicKey);
		const roster = evaluateRoster(g.groupId, [g.create(ada), g.op(ada, { type: 'profile', name: 'Ada L', box }), g.op(bo, { type: 'profile', name: 'Mallory', box })]);
		expect(rosterName(roster, ada.key)).toBe('Ada L');
		expect(roster.members.get(ada.key)?.box).toBe(box);
		expect(reasons(roster)).toEqual(['notMember']);
	});
});

describe('roster: invites', () => {
	const INVITE = 'request-invite-0001';
	const DIRECT = 'direct-invite-00001';

	it('admits a request joiner only once an admin approves', () => {
		const g = group();
		const entries = [g.create(ada), g.op(ada, { type: 'invite', invite: INVITE, kind: 'request', expires: 1_000_000 + 7 * DAY }), g.join(bo, INVITE)];
		const waiting = evaluateRoster(g.groupId, entries);
		expect(waiting.pending.get(bo.key)?.invite).toBe(INVITE);
		expect(mayAuthor(waiting, bo.key)).toBe(false);
		const approved = evaluateRoster(g.groupId, [...entries, g.op(ada, { type: 'approve', member: bo.key })]);
		expect(approved.members.get(bo.key)).toMatchObject({ role: 'member', invite: INVITE, box: bo.box });
	});

	it('refuses approving a request whose invite was revoked or has expired', () => {
		const g = group();
		const revoked = evaluateRoster(g.groupId, [
			g.create(ada),
			g.op(ada, { type: 'invite', invite: INVITE, kind: 'request', expires: 1_000_000 + 7 * DAY }),
			g.join(bo, INVITE),
			g.op(ada, { type: 'revoke', invite: INVITE }),
			g.op(ada, { type: 'approve', member: bo.key })
		]);
		expect(reasons(revoked)).toEqual(['revoked']);
		expect(revoked.invites.get(INVITE)?.revoked).toBe(true);
		const g2 = group();
		const expired = evaluateRoster(g2.groupId, [
			g2.create(ada, 1_000),
			g2.op(ada, { type: 'invite', invite: INVITE, kind: 'request', expires: 1_000 + DAY }, 1_000),
			g2.join(bo, INVITE, 2_000),
			g2.op(ada, { type: 'approve', member: bo.key }, 1_000 + DAY)
		]);
		expect(reasons(expired)).toEqual(['expired']);
	});

	it('refuses an invite that lives longer than 31 days or expires before it is made', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [
			g.create(ada, 1_000),
			g.op(ada, { type: 'invite', invite: INVITE, kind: 'request', expires: 1_000 + 32 * DAY }, 1_000),
			g.op(ada, { type: 'invite', invite: DIRECT, kind: 'request', expires: 500 }, 1_000)
		]);
		expect(reasons(roster)).toEqual(['malformed', 'malformed']);
	});

	it('admits a direct joiner at once with the invite key\'s proof, until revoked or expired', () => {
		const g = group();
		const inviteKeys = newDeviceKeys();
		const invite = g.op(ada, { type: 'invite', invite: DIRECT, kind: 'direct', expires: 1_000_000 + DAY, inviteKey: toBase64Url(inviteKeys.publicKey) }, 1_000_000);
		const join = (who: typeof bo, at: number) =>
			g.op(who, { type: 'join', name: who.name, box: who.box, invite: DIRECT, proof: directJoinProof(g.groupId, DIRECT, who.key, inviteKeys.secretKey) }, at);
		const roster = evaluateRoster(g.groupId, [g.create(ada, 1_000_000), invite, join(bo, 1_000_001)]);
		expect(roles(roster)).toEqual({ Ada: 'admin', Bo: 'member' });
		const revoked = evaluateRoster(g.groupId, [g.create(ada, 1_000_000), invite, g.op(ada, { type: 'revoke', invite: DIRECT }, 1_000_002), join(cy, 1_000_003)]);
		expect(reasons(revoked)).toEqual(['revoked']);
		expect(revoked.members.has(cy.key)).toBe(false);
		const expired = evaluateRoster(g.groupId, [g.create(ada, 1_000_000), invite, join(cy, 1_000_000 + DAY)]);
		expect(reasons(expired)).toEqual(['expired']);
	});

	it('cannot be backdated below the log: a late join dated before the expiry still counts as late', () => {
		const g = group();
		const inviteKeys = newDeviceKeys();
		const roster = evaluateRoster(g.groupId, [
			g.create(ada, 1_000_000),
			g.op(ada, { type: 'invite', invite: DIRECT, kind: 'direct', expires: 1_000_000 + DAY, inviteKey: toBase64Url(inviteKeys.publicKey) }, 1_000_000),
			g.op(ada, { type: 'profile', name: 'Ada', box: ada.box }, 1_000_000 + 2 * DAY),
			g.op(cy, { type: 'join', name: 'Cy', box: cy.box, invite: DIRECT, proof: directJoinProof(g.groupId, DIRECT, cy.key, inviteKeys.secretKey) }, 1_000_005)
		]);
		expect(reasons(roster)).toEqual(['expired']);
	});

	it('refuses a direct join whose proof is for someone else or made with another key', () => {
		const g = group();
		const inviteKeys = newDeviceKeys();
		const roster = evaluateRoster(g.groupId, [
			g.create(ada),
			g.op(ada, { type: 'invite', invite: DIRECT, kind: 'direct', expires: 2_000_000 + DAY, inviteKey: toBase64Url(inviteKeys.publicKey) }),
			g.op(cy, { type: 'join', name: 'Cy', box: cy.box, invite: DIRECT, proof: directJoinProof(g.groupId, DIRECT, bo.key, inviteKeys.secretKey) }),
			g.op(dee, { type: 'join', name: 'Dee', box: dee.box, invite: DIRECT, proof: directJoinProof(g.groupId, DIRECT, dee.key, newDeviceKeys().secretKey) })
		]);
		expect(reasons(roster)).toEqual(['signature', 'signature']);
	});

	it('refuses revoking an unknown or already revoked invite, and a second invite with the same id', () => {
		const g = group();
		const roster = evaluateRoster(g.groupId, [
			g.create(ada),
			g.op(ada, { type: 'revoke', invite: INVITE }),
			g.op(ada, { type: 'invite', invite: INVITE, kind: 'request', expires: 2_000_000 + DAY }),
			g.op(ada, { type: 'invite', invite: INVITE, kind: 'request', expires: 2_000_000 + DAY }),
			g.op(ada, { type: 'revoke', invite: INVITE }),
			g.op(ada, { type: 'revoke', invite: INVITE })
		]);
		expect(reasons(roster)).toEqual(['unknownInvite', 'duplicate', 'revoked']);
	});
});

describe('roster: concurrent operations end in the same roster everywhere', () => {
	function twoAdmins() {
		const g = group();
		const base = [g.create(ada), g.join(bo), g.op(ada, { type: 'approve', member: bo.key }), g.op(ada, { type: 'promote', member: bo.key })];
		return { g, base };
	}

	it('two admins demote each other at once: exactly one stays admin, the same one on both', () => {
		const { g, base } = twoAdmins();
		const a = replica(base);
		const b = replica();
		sync(a, b);
		a.getArray<RosterEntry>('roster').push([g.op(ada, { type: 'demote', member: bo.key })]);
		b.getArray<RosterEntry>('roster').push([g.op(bo, { type: 'demote', member: ada.key })]);
		sync(a, b);
		const onA = evaluateRoster(g.groupId, log(a));
		const onB = evaluateRoster(g.groupId, log(b));
		expect(roles(onA)).toEqual(roles(onB));
		expect(Object.values(roles(onA)).filter((role) => role === 'admin')).toHaveLength(1);
		expect(reasons(onA)).toEqual(['notAdmin']);
	});

	it('an approval racing a revocation: both replicas agree whether the joiner is in', () => {
		const INVITE = 'request-invite-0002';
		const { g, base } = twoAdmins();
		const a = replica([...base, g.op(ada, { type: 'invite', invite: INVITE, kind: 'request', expires: 1_000_000 + 7 * DAY }), g.join(cy, INVITE)]);
		const b = replica();
		sync(a, b);
		a.getArray<RosterEntry>('roster').push([g.op(ada, { type: 'approve', member: cy.key })]);
		b.getArray<RosterEntry>('roster').push([g.op(bo, { type: 'revoke', invite: INVITE })]);
		sync(a, b);
		const onA = evaluateRoster(g.groupId, log(a));
		const onB = evaluateRoster(g.groupId, log(b));
		expect(onA.members.has(cy.key)).toBe(onB.members.has(cy.key));
		expect(onA.invites.get(INVITE)?.revoked).toBe(true);
		expect(roles(onA)).toEqual(roles(onB));
	});

	it('a promotion racing the promoter\'s own demotion counts only if it comes first in the log', () => {
		const { g, base } = twoAdmins();
		const a = replica([...base, g.join(cy), g.op(ada, { type: 'approve', member: cy.key })]);
		const b = replica();
		sync(a, b);
		b.getArray<RosterEntry>('roster').push([g.op(bo, { type: 'promote', member: cy.key })]);
		a.getArray<RosterEntry>('roster').push([g.op(ada, { type: 'demote', member: bo.key })]);
		sync(a, b);
		const onA = evaluateRoster(g.groupId, log(a));
		expect(roles(onA)).toEqual(roles(evaluateRoster(g.groupId, log(b))));
		const order = log(a).map((entry) => JSON.parse(entry.o).type as string);
		const promotedFirst = order.lastIndexOf('promote') < order.lastIndexOf('demote');
		expect(onA.members.get(cy.key)?.role).toBe(promotedFirst ? 'admin' : 'member');
	});

	it('remembers signature checks: a second evaluation with the cache verifies nothing again', () => {
		const g = group();
		const cache = new Map<string, boolean>();
		const entries = [g.create(ada), g.join(bo)];
		evaluateRoster(g.groupId, entries, cache);
		expect(cache.size).toBe(2);
		const poisoned = new Map([...cache].map(([key]) => [key, false]));
		expect(evaluateRoster(g.groupId, entries, poisoned).created).toBe(false);
		expect(rosterEntry(g.groupId, { type: 'leave' }, ada.keys, 1).o).toContain('"type":"leave"');
	});
});
