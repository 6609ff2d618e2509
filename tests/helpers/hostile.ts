import { decodeInvite } from '../../src/lib/sync/invite';
import type { Vault } from '../../src/lib/sync/vault';
import { newDevice, type TestDevice } from './devices';

/**
 * A member whose phone runs modified code: the app's own sync core in Node (its own fake-indexeddb, a real
 * WebSocket to the relay), joined with a direct invite's code read from another member's screen.
 */
export interface HostileMember {
	device: TestDevice;
	vault: Vault;
	/** This member's device key (base64url). */
	key: string;
}

/** Joins the group of a direct invite's `code` as `name`; the vault is open and syncing. */
export async function hostileMember(name: string, code: string): Promise<HostileMember> {
	const device = await newDevice(name);
	const joined = await device.workspace.joinGroup(decodeInvite(code));
	const vault = await device.workspace.vault(joined.id);
	return { device, vault, key: device.workspace.identity!.publicKey };
}

/** The device key of the member named `name` in the vault's roster, once the roster has them. */
export function keyOf(vault: Vault, name: string): string | undefined {
	return [...vault.rosterNow().members.values()].find((member) => member.name === name)?.key;
}
