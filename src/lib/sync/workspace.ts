/**
 * The device's local-first world: its identity, the catalogue of groups and keys, and one open vault per
 * group, all syncing whenever the relay can be reached. The UI reaches it through src/lib/state.
 */
import {
	META_DOC_ID,
	type GroupRecord,
	type GroupVault,
	type Invite,
	type JoinRequestState,
	type RequestInvite,
	type MemberEntry,
	type SyncStatus,
	type Workspace
} from './api';
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from './bytes';
import * as Y from 'yjs';
import { keyIdOf, newDeviceKeys, newGroupId, newGroupKey, type DeviceKeys, type GroupKey } from './crypto';
import { boxHolders, departedHolders, encodeForwardRecord, forwardRecord, openForwardBox, parseForwardRecord } from './rotation';
import { newBoxKeys, type BoxKeys } from './key-box';
import { directJoinProof, MAX_NAME_LENGTH, rosterEntry, type RosterEntry } from './roster';
import { DoorLink, revokeDoor, type DoorInfo } from './door';
import { DoorKeeper } from './door-keeper';
import { openKeyBox } from './key-box';
import { catalogueNameContext } from './group-names';
import { openAsync, seal } from './sealed';
import { Vault, type VaultJournal, type VaultOptions } from './vault';
import type { CatalogueDb, GroupRow } from '../storage/catalogue';
import { JOIN_SETTING_PREFIX } from '../storage/presence';

/** Documents copied at once into a new epoch. */
const COPY_CONCURRENCY = 8;

/** How long leaving waits for the relay to hold the `leave` before the group's data is deleted. */
const LEAVE_WAIT_MS = 10_000;

/**
 * Leaving was not done because the relay could not be told: the others would never learn of it. Nothing was
 * deleted; a `leave` already written stays queued and is sent with the next try.
 */
export class LeaveNotDeliveredError extends Error {
	constructor(readonly reason: 'offline' | 'unconfirmed') {
		super(reason === 'offline' ? 'Leaving needs the relay, and this device is offline' : 'The relay did not confirm the leave in time');
		this.name = 'LeaveNotDeliveredError';
	}
}

/** A join this device still has to write into a group's roster (see #completeJoin). */
interface PendingJoin {
	invite?: string;
	proof?: string;
}

/** A request to join kept in the catalogue until an admin answers it. */
interface JoinRequestRecord extends JoinRequestState {
	/** The invite secret, base64url. */
	secret: string;
	/** This device's signed `join`, posted to the door. */
	entry: RosterEntry;
}

/** Catalogue settings holding requests to join start with this. */
const JOIN_REQUEST_PREFIX = `${JOIN_SETTING_PREFIX}request.`;

/** The catalogue setting that holds a pending join. */
function pendingJoinKey(groupId: string): string {
	return `${JOIN_SETTING_PREFIX}pending.${groupId}`;
}

/**
 * How a workspace is opened. The outside world is injected (STYLE.md 11): src/lib/state/device-storage.ts
 * builds the catalogue and the vaults' persistence on IndexedDB; tests pass fake-indexeddb or memory.
 */
export interface WorkspaceOptions {
	/** The device catalogue, not yet opened. */
	catalogue: CatalogueDb;
	/** Where vaults persist their outer docs. */
	persist: VaultOptions['persist'];
	WebSocket?: typeof WebSocket;
	/** Whether the network is up; the browser's navigator.onLine by default. */
	online?: () => boolean;
	now?: () => number;
	batchDelayMs?: number;
	/** Connect vaults to their relays (default true). */
	connect?: boolean;
	/** Prefix of the unload journal's localStorage key: lets tests run several devices in one process. */
	namespace?: string;
	/** HTTP to the relay (revoking a door); the platform's fetch by default. */
	fetch?: typeof fetch;
}

const IDLE: SyncStatus = { state: 'savedLocal', pending: 0 };

/** The unload journal of a vault in localStorage (sealed blobs only), where localStorage exists. */
function localJournal(key: string): VaultJournal | undefined {
	if (typeof localStorage === 'undefined') return undefined;
	return {
		append: ({ docId, blob }) => {
			const entries = JSON.parse(localStorage.getItem(key) ?? '[]') as [string, string][];
			entries.push([docId, toBase64Url(blob)]);
			localStorage.setItem(key, JSON.stringify(entries));
		},
		read: () => {
			try {
				const entries = JSON.parse(localStorage.getItem(key) ?? '[]') as [string, string][];
				return entries.map(([docId, blob]) => ({ docId, blob: fromBase64Url(blob) }));
			} catch {
				return [];
			}
		},
		clear: () => localStorage.removeItem(key)
	};
}

/** Combines the groups' statuses into the one the header shows. */
export function combineStatus(statuses: SyncStatus[], online: boolean): SyncStatus {
	if (statuses.length === 0) return { ...IDLE, state: online ? 'savedLocal' : 'offline' };
	const pending = statuses.reduce((sum, status) => sum + status.pending, 0);
	const problem = statuses.find((status) => status.problem)?.problem;
	const rank = { offline: 0, unreachable: 1, syncing: 2, savedLocal: 3, savedRelay: 4 } as const;
	const state = online ? statuses.map((status) => status.state).sort((a, b) => rank[a] - rank[b])[0]! : 'offline';
	const progress = statuses.find((status) => status.progress)?.progress;
	const upload = statuses.find((status) => status.upload)?.upload;
	const moving = statuses.some((status) => status.moving);
	// The oldest last sync among the groups the relay does not answer for: the time nothing newer is known from.
	const lastSynced = statuses.filter((status) => status.state === 'unreachable' && status.lastSyncedAt !== undefined).map((status) => status.lastSyncedAt!);
	const lastSyncedAt = state === 'unreachable' && lastSynced.length ? Math.min(...lastSynced) : undefined;
	return { state, pending, ...(lastSyncedAt !== undefined ? { lastSyncedAt } : {}), ...(problem ? { problem } : {}), ...(progress ? { progress } : {}), ...(upload ? { upload } : {}), ...(moving ? { moving: true as const } : {}) };
}

class LocalWorkspace implements Workspace {
	#db: CatalogueDb;
	#options: WorkspaceOptions;
	#identity: { name: string; keys: DeviceKeys; box: BoxKeys } | undefined;
	#records: GroupRecord[] = [];
	#vaults = new Map<string, Promise<Vault>>();
	/** The vaults that finished opening, for synchronous work at unload. */
	#openVaults = new Map<string, Vault>();
	#groupListeners = new Set<(groups: GroupRecord[]) => void>();
	#statusListeners = new Set<(status: SyncStatus) => void>();
	#vaultStatusOff = new Map<string, () => void>();
	#keepers = new Map<string, DoorKeeper>();
	#requests = new Map<string, { record: JoinRequestRecord; link?: DoorLink; off?: () => void }>();
	#requestListeners = new Set<(requests: JoinRequestState[]) => void>();
	#cleanup: (() => void)[] = [];
	#epochWatch = new Map<string, () => void>();
	/** Groups this device is rotating or moving to a new epoch now. */
	#rotations = new Set<string>();
	#following = new Set<string>();
	/** The new epoch a rotation of this device prepared, until the relay says whose record won. */
	#prepared = new Map<string, { keyId: string; vault: Vault }>();
	#closing = false;

	constructor(db: CatalogueDb, options: WorkspaceOptions) {
		this.#db = db;
		this.#options = options;
	}

	async load(): Promise<this> {
		const identity = await this.#db.identity.get('device');
		if (identity) {
			let box: BoxKeys;
			if (identity.boxPublicKey && identity.boxSecretKey) box = { publicKey: identity.boxPublicKey, secretKey: identity.boxSecretKey };
			else {
				// An identity from before box keys: it gets its own X25519 pair now (never derived from the signing key).
				box = newBoxKeys();
				await this.#db.identity.update('device', { boxPublicKey: box.publicKey, boxSecretKey: box.secretKey });
			}
			this.#identity = { name: identity.name, keys: { publicKey: identity.publicKey, secretKey: identity.secretKey }, box };
		}
		const rows = await this.#db.groups.orderBy('id').toArray();
		rows.sort((a, b) => a.joinedAt - b.joinedAt);
		this.#records = [];
		for (const row of rows) {
			this.#records.push({ id: row.id, name: await this.#openName(row), epoch: row.epoch, relayUrl: row.relayUrl, joinedAt: row.joinedAt, ...(row.removed ? { removed: true as const } : {}) });
		}
		this.#listenToBrowser();
		if (this.#identity) await this.#loadJoinRequests();
		return this;
	}

	#online(): boolean {
		return this.#options.online?.() ?? (typeof navigator === 'undefined' ? true : navigator.onLine);
	}

	#listenToBrowser(): void {
		if (typeof window === 'undefined' || typeof document === 'undefined') return;
		// Synchronous on purpose: the page may be gone before a promise callback would run.
		const flush = () => {
			for (const vault of this.#openVaults.values()) vault.flushAll(true);
		};
		const onVisibility = () => {
			if (document.visibilityState === 'hidden') flush();
		};
		const onConnectivity = () => {
			for (const vault of this.#vaults.values()) void vault.then((v) => v.connectivityChanged()).catch(() => undefined);
			this.#emitStatus();
		};
		document.addEventListener('visibilitychange', onVisibility);
		window.addEventListener('pagehide', flush);
		window.addEventListener('online', onConnectivity);
		window.addEventListener('offline', onConnectivity);
		this.#cleanup.push(() => {
			document.removeEventListener('visibilitychange', onVisibility);
			window.removeEventListener('pagehide', flush);
			window.removeEventListener('online', onConnectivity);
			window.removeEventListener('offline', onConnectivity);
		});
	}

	get identity(): { name: string; publicKey: string; boxKey: string } | undefined {
		return (
			this.#identity && {
				name: this.#identity.name,
				publicKey: toBase64Url(this.#identity.keys.publicKey),
				boxKey: toBase64Url(this.#identity.box.publicKey)
			}
		);
	}

	#device(): { name: string; keys: DeviceKeys; box: BoxKeys } {
		if (!this.#identity) throw new Error('Create the device identity first');
		return this.#identity;
	}

	async createIdentity(name: string): Promise<void> {
		const keys = this.#identity?.keys ?? newDeviceKeys();
		const box = this.#identity?.box ?? newBoxKeys();
		await this.#db.identity.put({
			id: 'device',
			name,
			publicKey: keys.publicKey,
			secretKey: keys.secretKey,
			boxPublicKey: box.publicKey,
			boxSecretKey: box.secretKey
		});
		this.#identity = { name, keys, box };
	}

	async rename(name: string): Promise<void> {
		const device = this.#device();
		await this.#db.identity.update('device', { name });
		device.name = name;
		const me = toBase64Url(device.keys.publicKey);
		for (const record of this.#records) {
			const vault = await this.#vault(record.id);
			const roster = vault.rosterNow();
			if (!roster.created) this.#addMember(vault);
			else if (roster.members.has(me) || roster.pending.has(me)) await vault.writeRoster([{ type: 'profile', name, box: toBase64Url(device.box.publicKey) }]);
			vault.refreshPresence();
		}
	}

	groups(): GroupRecord[] {
		return this.#records;
	}

	onGroups(listener: (groups: GroupRecord[]) => void): () => void {
		this.#groupListeners.add(listener);
		return () => this.#groupListeners.delete(listener);
	}

	#emitGroups(): void {
		this.#records = [...this.#records];
		for (const listener of this.#groupListeners) listener(this.#records);
	}

	async #keyOf(groupId: string, keyId: string): Promise<GroupKey | undefined> {
		const row = await this.#db.keys.get(keyId);
		return row && row.groupId === groupId ? { keyId: row.keyId, key: row.key } : undefined;
	}

	async #sealName(row: Pick<GroupRow, 'id' | 'epoch'>, name: string, key: GroupKey): Promise<Uint8Array> {
		return seal(utf8(name), catalogueNameContext(row), key, this.#device().keys);
	}

	async #openName(row: GroupRow): Promise<string> {
		const keys = await this.#db.keys.where('groupId').equals(row.id).toArray();
		try {
			// Verified with the platform's Ed25519 (noble's, in JavaScript, held the main thread for every group).
			const { plaintext } = await openAsync(row.sealedName, catalogueNameContext(row), (keyId) => {
				const key = keys.find((candidate) => candidate.keyId === keyId);
				return key && { keyId: key.keyId, key: key.key };
			});
			return fromUtf8(plaintext);
		} catch {
			return '';
		}
	}

	/** Opens (once) the vault of a group in the catalogue. */
	#vault(groupId: string): Promise<Vault> {
		let vault = this.#vaults.get(groupId);
		if (!vault) {
			vault = this.#openVault(groupId);
			this.#vaults.set(groupId, vault);
			vault.catch(() => this.#vaults.delete(groupId));
		}
		return vault;
	}

	async #openVault(groupId: string): Promise<Vault> {
		const row = await this.#db.groups.get(groupId);
		if (!row) throw new Error('This group is not on this device');
		const keys = await this.#db.keys.where('groupId').equals(groupId).toArray();
		const current = keys.find((key) => key.epoch === row.epoch);
		if (!current) throw new Error('The key of this group is missing on this device');
		const key = { keyId: current.keyId, key: current.key };
		// A removed member's device keeps what it had, read-only: it never connects again.
		const vault = await this.#openEpoch(groupId, row.epoch, row.relayUrl, key, !row.removed);
		vault.readOnly = row.removed === true;
		this.#adopt(vault, key, !row.removed);
		return vault;
	}

	/** Opens the vault of one epoch of a group with its key (every key of the group this device holds opens blobs). */
	async #openEpoch(groupId: string, epoch: number, relayUrl: string, current: GroupKey, connect = true): Promise<Vault> {
		const keys = await this.#db.keys.where('groupId').equals(groupId).toArray();
		const byId = new Map(keys.map((key) => [key.keyId, { keyId: key.keyId, key: key.key }]));
		byId.set(current.keyId, current);
		const device = this.#device();
		return Vault.open({
			groupId,
			epoch,
			relayUrl,
			currentKey: current,
			keys: (keyId) => byId.get(keyId),
			device: device.keys,
			deviceName: () => device.name,
			persist: this.#options.persist,
			relayState: {
				load: async () => {
					const state = await this.#db.relayStates.get(groupId);
					return state && state.epoch === epoch ? state.stateVector : undefined;
				},
				save: async (stateVector) => {
					await this.#db.relayStates.put({ groupId, epoch, stateVector });
				}
			},
			WebSocket: this.#options.WebSocket,
			online: () => this.#online(),
			now: this.#options.now,
			connect: connect && (this.#options.connect ?? true),
			batchDelayMs: this.#options.batchDelayMs,
			journal: localJournal(`${this.#options.namespace ?? ''}fieldbook.journal.${groupId}`)
		});
	}

	/** Makes `vault` the group's open vault: status, name, joins, door keeping and epoch changes follow it. */
	#adopt(vault: Vault, current: GroupKey, member = true): void {
		const groupId = vault.id;
		const device = this.#device();
		this.#openVaults.set(groupId, vault);
		this.#vaultStatusOff.set(groupId, vault.onStatus(() => this.#emitStatus()));
		this.#watchName(vault, current);
		if (!member) return;
		void this.#completeJoin(vault).catch(() => undefined);
		this.#adoptLegacy(vault);
		this.#watchEpoch(vault);
		this.#keepers.set(
			groupId,
			new DoorKeeper({
				vault,
				me: toBase64Url(device.keys.publicKey),
				device: device.keys,
				key: current,
				now: this.#options.now,
				open: (invite) => this.openDoor(invite),
				revoke: async (id) => {
					const invite = vault.requestLink(id);
					const token = vault.doorRevokeToken(id);
					return !!invite && !!token && revokeDoor(invite, token, this.#options.fetch);
				}
			})
		);
	}

	/** Undoes `#adopt` (the vault itself stays open). */
	#unadopt(groupId: string): void {
		this.#openVaults.delete(groupId);
		this.#vaultStatusOff.get(groupId)?.();
		this.#vaultStatusOff.delete(groupId);
		this.#epochWatch.get(groupId)?.();
		this.#epochWatch.delete(groupId);
		this.#keepers.get(groupId)?.close();
		this.#keepers.delete(groupId);
	}

	// ——— epochs: removal and leaving rotate the group key (rotation.ts, FORMAT.md "Epochs") ———

	/**
	 * Follows the group's epoch: a forwarding record from the relay moves this device to the next epoch (or
	 * tells it it was removed); an admin's device that sees a member gone who still holds the key rotates.
	 */
	#watchEpoch(vault: Vault): void {
		const me = toBase64Url(this.#device().keys.publicKey);
		const offForward = vault.onForward((record) => void this.#follow(vault, record).catch(() => undefined));
		const check = () => {
			if (this.#closing || this.#rotations.has(vault.id) || this.#openVaults.get(vault.id) !== vault) return;
			if (vault.frozen || !vault.synced || !this.#online()) return;
			const roster = vault.rosterNow();
			if (!roster.created || roster.members.get(me)?.role !== 'admin') return;
			const holders = vault.meta.getMap('epoch').get('holders');
			if (departedHolders(roster, Array.isArray(holders) ? (holders as string[]) : undefined).length === 0) return;
			void this.#rotate(vault).catch(() => undefined);
		};
		const offRoster = vault.roster.listen(check);
		const offStatus = vault.onStatus(check);
		this.#epochWatch.set(vault.id, () => {
			offForward();
			offRoster();
			offStatus();
		});
		check();
	}

	/** Resolves once `condition` holds (checked every 50 ms); rejects when the workspace closes. */
	async #until(condition: () => boolean): Promise<void> {
		while (!condition()) {
			if (this.#closing) throw new Error('The workspace closed');
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	/**
	 * Writes into `to` whatever each document of `from` holds that `to` lacks: one Yjs diff per document, sealed
	 * by this device like a compaction snapshot. Into an empty new epoch that is every document's whole state.
	 */
	async #copyInto(from: Vault, to: Vault, docIds = from.docIds()): Promise<void> {
		// A few documents at a time: opening one waits on signature checks and seals, which overlap.
		const queue = [...docIds];
		const worker = async () => {
			for (let docId = queue.shift(); docId !== undefined; docId = queue.shift()) {
				const source = await from.open(docId);
				// A document the new epoch has no blob of takes the whole state, without opening (applying) it there.
				const target = to.docIds().includes(docId) ? await to.open(docId) : undefined;
				try {
					const diff = Y.encodeStateAsUpdateV2(source.doc, target ? Y.encodeStateVector(target.doc) : undefined);
					if (!target || !Y.snapshotContainsUpdate(Y.snapshot(target.doc), Y.convertUpdateFormatV2ToV1(diff))) await to.importUpdate(docId, diff);
				} finally {
					await source.close();
					await target?.close();
				}
			}
		};
		await Promise.all(Array.from({ length: COPY_CONCURRENCY }, worker));
	}

	/**
	 * Rotates the group key (this device is an admin): a new key and epoch, every document's state written into
	 * the new room, then a forwarding record with a key box for every remaining member sent into the old room.
	 * The relay answers with the record it kept, and `#follow` moves this device over (to the winner's epoch when
	 * another admin rotated first).
	 */
	async #rotate(old: Vault): Promise<void> {
		const id = old.id;
		if (this.#rotations.has(id)) return;
		this.#rotations.add(id);
		old.moving = true;
		try {
			const device = this.#device();
			const epoch = old.epoch + 1;
			const key = newGroupKey(id, epoch);
			await this.#db.keys.put({ groupId: id, keyId: key.keyId, epoch, key: key.key });
			old.flushAll();
			// What the snapshot covers: a member moving over later diffs only the documents with blobs beyond it.
			const covered = Y.encodeStateVector(old.outer);
			const fresh = await this.#openEpoch(id, epoch, old.relayUrl, key);
			this.#prepared.set(id, { keyId: key.keyId, vault: fresh });
			await this.#copyInto(old, fresh);
			const roster = old.rosterNow();
			fresh.meta.getMap('epoch').set('holders', boxHolders(roster).map((member) => member.key));
			fresh.flushAll();
			// The new room holds every document before the old one points to it.
			await this.#until(() => fresh.synced && !fresh.pendingAnywhere);
			const record = forwardRecord({ groupId: id, epoch, key, roster, admin: device.keys, at: this.#options.now?.() ?? Date.now(), covered });
			const sealed = await old.sealForward(encodeForwardRecord(record));
			await this.#until(() => old.frozen || old.forward(sealed));
		} catch (error) {
			old.moving = false;
			this.#rotations.delete(id);
			throw error;
		}
	}

	/**
	 * Acts on a forwarding record of `old`'s room: with a key box for this device, moves to the new epoch —
	 * writes into it whatever its documents hold that the new epoch lacks — and makes it the group's vault;
	 * without one, this device was removed. A record not sealed under the group key or not signed by an admin
	 * of the roster is ignored.
	 */
	async #follow(old: Vault, bytes: Uint8Array): Promise<void> {
		const id = old.id;
		if (this.#following.has(id) || this.#openVaults.get(id) !== old) return;
		this.#following.add(id);
		try {
			let opened;
			try {
				opened = await old.openForward(bytes);
			} catch {
				return;
			}
			const record = parseForwardRecord(opened.plaintext);
			if (!record || record.epoch !== old.epoch + 1) return;
			// The roster as the frozen room holds it: the record's author must be an admin there.
			await this.#until(() => old.caughtUp);
			const roster = old.rosterNow();
			if (roster.created && roster.members.get(opened.author)?.role !== 'admin') return;
			const device = this.#device();
			const key = openForwardBox(record, { groupId: id, me: toBase64Url(device.keys.publicKey), box: device.box, author: opened.author });
			if (!key) return await this.#markRemoved(old);
			old.moving = true;
			await this.#db.keys.put({ groupId: id, keyId: key.keyId, epoch: record.epoch, key: key.key });
			const prepared = this.#prepared.get(id);
			this.#prepared.delete(id);
			let fresh: Vault;
			if (prepared?.keyId === key.keyId) fresh = prepared.vault;
			else {
				// Another admin's record won: this device's own new epoch is dropped, its changes merge into the winner.
				if (prepared) await prepared.vault.destroyLocal();
				fresh = await this.#openEpoch(id, record.epoch, old.relayUrl, key);
			}
			await this.#until(() => fresh.synced);
			old.flushAll();
			// Only documents holding blobs the snapshot did not cover can hold anything the new epoch lacks.
			const covered = record.covered ? Y.decodeStateVector(fromBase64Url(record.covered)) : undefined;
			await this.#copyInto(old, fresh, covered ? old.docsBeyond(covered) : old.docIds());
			fresh.flushAll();
			const groupRecord = this.#records.find((candidate) => candidate.id === id);
			const sealedName = await this.#sealName({ id, epoch: record.epoch }, groupRecord?.name ?? '', key);
			await this.#db.groups.update(id, { epoch: record.epoch, sealedName });
			this.#unadopt(id);
			this.#vaults.set(id, Promise.resolve(fresh));
			await old.destroyLocal();
			this.#adopt(fresh, key);
			if (groupRecord) groupRecord.epoch = record.epoch;
			this.#emitGroups();
			this.#emitStatus();
		} finally {
			this.#following.delete(id);
			this.#rotations.delete(id);
		}
	}

	/** The group moved on without this device: it keeps what it had, read-only, and never connects again. */
	async #markRemoved(vault: Vault): Promise<void> {
		vault.disconnect();
		vault.readOnly = true;
		this.#epochWatch.get(vault.id)?.();
		this.#epochWatch.delete(vault.id);
		this.#keepers.get(vault.id)?.close();
		this.#keepers.delete(vault.id);
		await this.#db.groups.update(vault.id, { removed: true });
		const record = this.#records.find((candidate) => candidate.id === vault.id);
		if (record) record.removed = true;
		this.#emitGroups();
		this.#emitStatus();
	}

	/** Keeps the catalogue's sealed name in step with the meta doc (a rename by any member). */
	#watchName(vault: Vault, key: GroupKey): void {
		const meta = vault.meta.getMap('meta');
		const sync = () => {
			const name = meta.get('name');
			const record = this.#records.find((candidate) => candidate.id === vault.id);
			if (typeof name !== 'string' || !name || !record || record.name === name) return;
			record.name = name;
			this.#emitGroups();
			void this.#sealName({ id: vault.id, epoch: vault.epoch }, name, key)
				.then((sealedName) => this.#db.groups.update(vault.id, { sealedName }))
				.catch(() => undefined);
		};
		meta.observe(sync);
		sync();
	}

	#addMember(vault: GroupVault): void {
		const device = this.#device();
		const members = vault.meta.getMap<MemberEntry>('members');
		const publicKey = toBase64Url(device.keys.publicKey);
		const previous = members.get(publicKey);
		if (previous?.name === device.name) return;
		members.set(publicKey, { name: device.name, publicKey, joinedAt: previous?.joinedAt ?? (this.#options.now?.() ?? Date.now()) });
	}

	async #addGroup(invite: Invite): Promise<Vault> {
		const key: GroupKey = { keyId: invite.keyId, key: invite.key };
		if (keyIdOf(invite.key, invite.groupId, invite.epoch) !== invite.keyId) throw new Error('The invite key does not match its id');
		const joinedAt = this.#options.now?.() ?? Date.now();
		const row: GroupRow = {
			id: invite.groupId,
			epoch: invite.epoch,
			relayUrl: invite.relayUrl,
			joinedAt,
			sealedName: await this.#sealName({ id: invite.groupId, epoch: invite.epoch }, invite.groupName, key)
		};
		await this.#db.transaction('rw', this.#db.groups, this.#db.keys, async () => {
			await this.#db.keys.put({ groupId: invite.groupId, keyId: invite.keyId, epoch: invite.epoch, key: invite.key });
			await this.#db.groups.put(row);
		});
		this.#records.push({ id: row.id, name: invite.groupName, epoch: row.epoch, relayUrl: row.relayUrl, joinedAt });
		this.#emitGroups();
		const vault = await this.#vault(invite.groupId);
		if (typeof navigator !== 'undefined') void navigator.storage?.persist?.().catch(() => false);
		return vault;
	}

	async createGroup(options: { name: string; description?: string; relayUrl: string }): Promise<GroupVault> {
		const groupId = newGroupId();
		const epoch = 1;
		const key = newGroupKey(groupId, epoch);
		const vault = await this.#addGroup({ version: 1, groupId, epoch, keyId: key.keyId, key: key.key, relayUrl: options.relayUrl, groupName: options.name });
		vault.meta.transact(() => {
			const meta = vault.meta.getMap('meta');
			meta.set('name', options.name);
			meta.set('description', options.description ?? '');
			meta.set('createdAt', this.#options.now?.() ?? Date.now());
		});
		// The creator is the roster's first admin.
		const device = this.#device();
		await vault.writeRoster([{ type: 'create', name: device.name, box: toBase64Url(device.box.publicKey) }]);
		return vault;
	}

	async joinGroup(invite: Invite): Promise<GroupVault> {
		if (this.#records.some((record) => record.id === invite.groupId)) return this.#vault(invite.groupId);
		const device = this.#device();
		const me = toBase64Url(device.keys.publicKey);
		// The proof is made now, so the one-time key is never stored; the join itself waits for the invite entry.
		const join: PendingJoin = invite.direct
			? { invite: invite.direct.id, proof: directJoinProof(invite.groupId, invite.direct.id, me, invite.direct.secret) }
			: {};
		await this.#db.settings.put({ key: pendingJoinKey(invite.groupId), value: JSON.stringify(join) });
		const vault = await this.#addGroup(invite);
		return vault;
	}

	/**
	 * Writes this device's join operation into a group it holds the key of (a direct invite, or a link from
	 * before rosters), once its replica holds a roster, and the invite's entry when it names one: appended
	 * earlier, the join would stand before the invite in the log and not count. Kept in the catalogue until
	 * the roster has the join, so a reload or a week offline in between loses nothing.
	 */
	async #completeJoin(vault: Vault): Promise<void> {
		const setting = await this.#db.settings.get(pendingJoinKey(vault.id));
		if (!setting) return;
		let join: PendingJoin;
		try {
			join = JSON.parse(setting.value) as PendingJoin;
		} catch {
			return;
		}
		const device = this.#device();
		const me = toBase64Url(device.keys.publicKey);
		let written = false;
		const check = async () => {
			const roster = vault.rosterNow();
			if (roster.members.has(me) || roster.declined.has(me)) {
				off();
				await this.#db.settings.delete(pendingJoinKey(vault.id)).catch(() => undefined);
				return;
			}
			if (written || roster.pending.has(me) || !roster.created) return;
			if (join.invite && !roster.invites.has(join.invite)) return;
			written = true;
			await vault.writeRoster([
				{ type: 'join', name: device.name, box: toBase64Url(device.box.publicKey), ...(join.invite ? { invite: join.invite } : {}), ...(join.proof ? { proof: join.proof } : {}) }
			]);
		};
		const off = vault.roster.listen(() => void check().catch(() => undefined));
		await check();
	}

	group(id: string): Promise<GroupVault> {
		return this.#vault(id);
	}

	async leaveGroup(id: string): Promise<void> {
		const vault = await this.#vaults.get(id)?.catch(() => undefined);
		if (vault) await this.#announceLeave(vault);
		this.#vaults.delete(id);
		localJournal(`${this.#options.namespace ?? ''}fieldbook.journal.${id}`)?.clear();
		this.#unadopt(id);
		if (vault) await vault.destroyLocal();
		await this.#db.transaction('rw', this.#db.groups, this.#db.keys, this.#db.relayStates, async () => {
			await this.#db.groups.delete(id);
			await this.#db.keys.where('groupId').equals(id).delete();
			await this.#db.relayStates.delete(id);
		});
		await this.#db.settings.delete(pendingJoinKey(id));
		this.#records = this.#records.filter((record) => record.id !== id);
		this.#emitGroups();
		this.#emitStatus();
	}

	/**
	 * Gives a group from before rosters its `create`, with everyone in its old member map as a member and
	 * this device as the first admin. Only a device in that map does it, and only after a first sync with the
	 * relay (a roster already there wins; two devices writing at once end with the first in the log).
	 */
	#adoptLegacy(vault: Vault): void {
		const device = this.#device();
		const me = toBase64Url(device.keys.publicKey);
		const legacy = vault.meta.getMap<MemberEntry>('members');
		let done = false;
		const attempt = () => {
			if (done || vault.rosterNow().created) return (done = true);
			if (!legacy.has(me) || !vault.synced) return false;
			done = true;
			const members = [...legacy.values()]
				.filter((member) => member && member.publicKey !== me && /^[A-Za-z0-9_-]{43}$/.test(member.publicKey) && typeof member.name === 'string' && member.name.trim())
				.map((member) => ({ key: member.publicKey, name: member.name.trim().slice(0, MAX_NAME_LENGTH) }));
			void vault.writeRoster([{ type: 'create', name: device.name, box: toBase64Url(device.box.publicKey), members }]).catch(() => undefined);
			return true;
		};
		if (attempt()) return;
		const off = vault.onStatus(() => {
			if (attempt()) off();
		});
	}

	/**
	 * Writes this device's `leave` into the roster and waits (a bounded time) until the relay holds it: the
	 * group's data is deleted right after, and the others must still learn of it. Throws
	 * `LeaveNotDeliveredError` (and deletes nothing) while the relay cannot be told, unless nobody else is in
	 * the group to tell.
	 */
	async #announceLeave(vault: Vault): Promise<void> {
		const me = toBase64Url(this.#device().keys.publicKey);
		const roster = vault.rosterNow();
		const inGroup = roster.members.has(me) || roster.pending.has(me);
		const leftBefore = roster.former.get(me)?.how === 'left';
		if (!inGroup && !leftBefore) return;
		const others = [...roster.members.keys(), ...roster.pending.keys()].some((key) => key !== me);
		if (!others) {
			if (inGroup) await vault.writeRoster([{ type: 'leave' }]);
			return;
		}
		if (!this.#online()) throw new LeaveNotDeliveredError('offline');
		if (inGroup) await vault.writeRoster([{ type: 'leave' }]);
		const deadline = Date.now() + LEAVE_WAIT_MS;
		while (vault.isPendingOnRelay(META_DOC_ID)) {
			if (Date.now() >= deadline) throw new LeaveNotDeliveredError('unconfirmed');
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	async revokeInvite(groupId: string, inviteId: string): Promise<void> {
		const vault = await this.#vault(groupId);
		await vault.writeRoster([{ type: 'revoke', invite: inviteId }]);
		const invite = vault.requestLink(inviteId);
		const token = vault.doorRevokeToken(inviteId);
		// The roster refuses it from now on everywhere; the relay closes the door too when it can be told.
		if (invite && token) await revokeDoor(invite, token, this.#options.fetch);
	}

	openDoor(invite: RequestInvite): DoorLink {
		return new DoorLink({ invite, WebSocket: this.#options.WebSocket, connect: this.#options.connect ?? true });
	}

	async askToJoin(invite: RequestInvite, info: DoorInfo): Promise<void> {
		const device = this.#device();
		const askedAt = this.#options.now?.() ?? Date.now();
		const existing = this.#requests.get(invite.id);
		if (existing?.record.state === 'waiting') return;
		const entry = rosterEntry(info.groupId, { type: 'join', name: device.name, box: toBase64Url(device.box.publicKey), invite: invite.id }, device.keys, askedAt);
		const record: JoinRequestRecord = {
			id: invite.id,
			secret: toBase64Url(invite.secret),
			groupId: info.groupId,
			groupName: info.groupName,
			relayUrl: invite.relayUrl,
			expires: invite.expires,
			askedAt,
			state: 'waiting',
			entry
		};
		await this.#db.settings.put({ key: JOIN_REQUEST_PREFIX + invite.id, value: JSON.stringify(record) });
		this.#watchRequest(record);
		this.#emitRequests();
	}

	joinRequests(): JoinRequestState[] {
		return [...this.#requests.values()].map(({ record }) => {
			const { secret: _secret, entry: _entry, ...state } = record;
			return state;
		});
	}

	onJoinRequests(listener: (requests: JoinRequestState[]) => void): () => void {
		this.#requestListeners.add(listener);
		return () => this.#requestListeners.delete(listener);
	}

	#emitRequests(): void {
		const requests = this.joinRequests();
		for (const listener of this.#requestListeners) listener(requests);
	}

	async #loadJoinRequests(): Promise<void> {
		const rows = await this.#db.settings.where('key').startsWith(JOIN_REQUEST_PREFIX).toArray();
		for (const row of rows) {
			try {
				this.#watchRequest(JSON.parse(row.value) as JoinRequestRecord);
			} catch {
				// A damaged record is left alone; it names nothing the person could act on.
			}
		}
	}

	/**
	 * Keeps a request to join going: posts it to the door (again, if the door lost it), and acts on the
	 * answer. An approval's key box opens only with this device's X25519 key; its key must match the key id.
	 */
	#watchRequest(record: JoinRequestRecord): void {
		const previous = this.#requests.get(record.id);
		previous?.off?.();
		previous?.link?.destroy();
		const held: { record: JoinRequestRecord; link?: DoorLink; off?: () => void } = { record };
		this.#requests.set(record.id, held);
		if (record.state !== 'waiting') return;
		const device = this.#device();
		const me = toBase64Url(device.keys.publicKey);
		const link = this.openDoor({ kind: 'request', version: 2, id: record.id, secret: fromBase64Url(record.secret), expires: record.expires, relayUrl: record.relayUrl });
		held.link = link;
		let settling = false;
		const settle = async (state: JoinRequestRecord['state']) => {
			held.off?.();
			link.destroy();
			held.link = undefined;
			record.state = state;
			await this.#db.settings.put({ key: JOIN_REQUEST_PREFIX + record.id, value: JSON.stringify(record) });
			this.#emitRequests();
		};
		const check = async () => {
			if (settling || this.#requests.get(record.id) !== held) return;
			if (link.refusal) {
				settling = true;
				return settle(link.refusal === 'expired' ? 'expired' : 'revoked');
			}
			if (!link.synced) return;
			const answer = link.answer(me);
			if (answer?.decision === 'decline') {
				settling = true;
				return settle('declined');
			}
			if (answer?.decision === 'approve' && answer.box && answer.groupId === record.groupId) {
				let key: Uint8Array;
				try {
					key = openKeyBox(fromBase64Url(answer.box), { groupId: answer.groupId, epoch: answer.epoch, keyId: answer.keyId }, device.box).key;
				} catch {
					return;
				}
				if (keyIdOf(key, answer.groupId, answer.epoch) !== answer.keyId) return;
				settling = true;
				held.off?.();
				link.destroy();
				// The request leaves the list before the group appears, so no screen shows both at once.
				this.#requests.delete(record.id);
				this.#emitRequests();
				try {
					if (!this.#records.some((group) => group.id === answer.groupId)) {
						await this.#addGroup({ version: 2, groupId: answer.groupId, epoch: answer.epoch, keyId: answer.keyId, key, relayUrl: answer.relayUrl, groupName: answer.groupName || record.groupName });
					}
				} catch (error) {
					// Kept (it is still in the catalogue): the next answer from the door tries again.
					this.#watchRequest(record);
					this.#emitRequests();
					throw error;
				}
				await this.#db.settings.delete(JOIN_REQUEST_PREFIX + record.id);
				return;
			}
			if (!link.requests().has(me)) link.ask(me, { entry: record.entry });
		};
		held.off = link.listen(() => void check().catch(() => undefined));
		void check().catch(() => undefined);
	}

	async getSetting(key: string): Promise<string | undefined> {
		return (await this.#db.settings.get(key))?.value;
	}

	async setSetting(key: string, value: string): Promise<void> {
		await this.#db.settings.put({ key, value });
	}

	#statuses: SyncStatus[] = [];

	status(): SyncStatus {
		return combineStatus(this.#statuses, this.#online());
	}

	#emitStatus(): void {
		void Promise.all([...this.#vaults.values()].map((vault) => vault.then((v) => v.status()).catch(() => undefined))).then((statuses) => {
			this.#statuses = statuses.filter((status): status is SyncStatus => status !== undefined);
			const status = this.status();
			for (const listener of this.#statusListeners) listener(status);
		});
	}

	onStatus(listener: (status: SyncStatus) => void): () => void {
		this.#statusListeners.add(listener);
		return () => this.#statusListeners.delete(listener);
	}

	/** The open vault of a group, for tests and benchmarks that need its internals. */
	vault(groupId: string): Promise<Vault> {
		return this.#vault(groupId);
	}

	async close(): Promise<void> {
		this.#closing = true;
		for (const off of this.#cleanup) off();
		for (const off of this.#epochWatch.values()) off();
		this.#epochWatch.clear();
		for (const { vault } of this.#prepared.values()) await vault.close().catch(() => undefined);
		this.#prepared.clear();
		for (const keeper of this.#keepers.values()) keeper.close();
		this.#keepers.clear();
		for (const held of this.#requests.values()) {
			held.off?.();
			held.link?.destroy();
		}
		this.#requests.clear();
		for (const vault of this.#vaults.values()) await vault.then((v) => v.close()).catch(() => undefined);
		this.#vaults.clear();
		this.#db.close();
	}
}

/** A workspace with the vault internals exposed for tests and benchmarks. */
export type LocalWorkspaceApi = Workspace & { vault(groupId: string): Promise<Vault> };

/** Opens this device's workspace. */
export async function openWorkspace(options: WorkspaceOptions): Promise<LocalWorkspaceApi> {
	const db = options.catalogue;
	await db.open();
	return new LocalWorkspace(db, options).load();
}

