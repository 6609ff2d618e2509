import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, type TestRelay } from '../helpers/relay';
import { newDevice, until } from '../helpers/devices';
import { DoorLink } from '../../src/lib/sync/door';
import type { RequestInvite } from '../../src/lib/sync';

let relay: TestRelay;

beforeAll(async () => {
	relay = await startTestRelay();
});

afterAll(async () => {
	await relay?.close();
});

/** Looks at a door room as anyone holding the link could (the relay's copy). */
function peek(invite: RequestInvite): DoorLink {
	return new DoorLink({ invite, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
}

describe('a request link', () => {
	it('lets someone ask, an admin approve, and the joiner in, with never two devices online at once', async () => {
		let alice = await newDevice('Alice');
		const aliceNs = alice.namespace;
		const vaultA = await alice.workspace.createGroup({ name: 'Food not bombs', relayUrl: relay.url });
		const invite = vaultA.requestInvite();
		const door = peek(invite);
		await until(() => door.info()?.groupName === 'Food not bombs', 'the door to show the group name');
		await until(async () => (await alice.workspace.vault(vaultA.id)).status().state === 'savedRelay', 'the group on the relay');
		await alice.close();

		// Bashir, alone online: sees the name, asks, leaves.
		let bashir = await newDevice('Bashir');
		const bashirNs = bashir.namespace;
		const bashirKey = bashir.workspace.identity!.publicKey;
		const info = door.info()!;
		expect(info.groupId).toBe(vaultA.id);
		await bashir.workspace.askToJoin(invite, info);
		expect(bashir.workspace.joinRequests().map((request) => request.state)).toEqual(['waiting']);
		await until(() => door.requests().has(bashirKey), 'the request in the door');
		await bashir.close();

		// Alice, alone online: her device copies the request into the roster; she approves.
		alice = await newDevice('Alice', { namespace: aliceNs });
		const again = await alice.workspace.group(vaultA.id);
		await until(() => again.rosterNow().pending.has(bashirKey), 'the request on the Members screen');
		expect(again.rosterNow().pending.get(bashirKey)?.name).toBe('Bashir');
		await again.writeRoster([{ type: 'approve', member: bashirKey }]);
		await until(() => door.answer(bashirKey)?.decision === 'approve', 'the answer in the door');
		await until(async () => (await alice.workspace.vault(vaultA.id)).status().state === 'savedRelay', 'the approval on the relay');
		await alice.close();

		// Bashir, alone online again: the answer's key box opens the group.
		bashir = await newDevice('Bashir', { namespace: bashirNs });
		await until(() => bashir.workspace.groups().some((group) => group.id === vaultA.id), 'the group on Bashir’s device');
		expect(bashir.workspace.joinRequests()).toEqual([]);
		const vaultB = await bashir.workspace.group(vaultA.id);
		await until(() => vaultB.meta.getMap('meta').get('name') === 'Food not bombs', 'the group content');
		expect(vaultB.rosterNow().members.get(bashirKey)?.role).toBe('member');
		door.destroy();
		await bashir.close();
	});

	it('is refused by the relay once revoked or expired, and a declined joiner is told', async () => {
		let now = Date.now();
		const alice = await newDevice('Alice');
		const vaultA = await alice.workspace.createGroup({ name: 'Night shelter', relayUrl: relay.url });

		const declined = vaultA.requestInvite();
		const carol = await newDevice('Carol');
		const door = peek(declined);
		await until(() => !!door.info(), 'the door info');
		await carol.workspace.askToJoin(declined, door.info()!);
		const carolKey = carol.workspace.identity!.publicKey;
		await until(() => vaultA.rosterNow().pending.has(carolKey), 'Carol’s request');
		await vaultA.writeRoster([{ type: 'decline', member: carolKey }]);
		await until(() => carol.workspace.joinRequests()[0]?.state === 'declined', 'the decline on Carol’s device');
		door.destroy();

		const revoked = vaultA.requestInvite();
		const revokedDoor = peek(revoked);
		await until(() => !!revokedDoor.info(), 'the second door');
		await alice.workspace.revokeInvite(vaultA.id, revoked.id);
		expect(vaultA.rosterNow().invites.get(revoked.id)?.revoked).toBe(true);
		await until(() => revokedDoor.refusal === 'revoked', 'the open door closed as revoked');
		revokedDoor.destroy();
		const later = peek(revoked);
		await until(() => later.refusal === 'revoked', 'a new visit refused as revoked');
		later.destroy();

		// An invite whose expiry has passed: the relay refuses its door by the expiry in its name.
		now = Date.now();
		const expired = peek({ ...vaultA.requestInvite(1), expires: now - 1 });
		await until(() => expired.refusal === 'expired', 'the expired door refused');
		expired.destroy();
		await alice.close();
		await carol.close();
	});
});
