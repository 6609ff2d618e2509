/**
 * An admin's side of request links: while this device is an admin of a group, it keeps the door room of
 * every usable request invite open (the secrets live in the meta doc's `doors` map, sealed like all group
 * content), copies each joiner's signed `join` from the door into the roster (so every admin sees the request
 * on the Members screen), and answers every joiner the roster has decided about: the group key sealed to
 * their X25519 key and signed by this device for an approval, a plain "declined" otherwise. Answering is
 * idempotent and done by whichever admin device is online, so nobody needs to be online at the same time.
 */
import * as Y from 'yjs';
import type { RequestInvite } from './api';
import { fromBase64Url, toBase64Url } from './bytes';
import type { DeviceKeys, GroupKey } from './crypto';
import { DoorLink } from './door';
import { sealKeyBox } from './key-box';
import { inviteUsable, parseRosterOp, type Roster } from './roster';
import type { Vault } from './vault';

import { DOORS_MAP } from './rules';

/** The meta doc's map of request-link secrets, by invite id (append-only under the meta rules, rules.ts). */
export { DOORS_MAP };

/** What the meta doc keeps of a request link, so every admin's device can open its door. */
export interface DoorRecord {
	/** The invite secret, base64url. */
	secret: string;
	expires: number;
	relayUrl: string;
}

/** The request invite a door record stands for. */
export function doorInvite(id: string, record: DoorRecord): RequestInvite {
	return { kind: 'request', version: 2, id, secret: fromBase64Url(record.secret), expires: record.expires, relayUrl: record.relayUrl };
}

/** Keeps one group's doors on an admin's device. */
export class DoorKeeper {
	readonly #vault: Vault;
	readonly #me: string;
	readonly #device: DeviceKeys;
	readonly #key: GroupKey;
	readonly #now: () => number;
	readonly #open: (invite: RequestInvite) => DoorLink;
	readonly #links = new Map<string, { link: DoorLink; off: () => void }>();
	readonly #doors: Y.Map<DoorRecord>;
	#offRoster: () => void;
	#onDoors = () => this.refresh();
	/** Revoked doors this session has told the relay about (or tried to). */
	#revoked = new Set<string>();
	readonly #revoke: (id: string, record: DoorRecord) => Promise<boolean>;
	#closed = false;

	constructor(options: {
		vault: Vault;
		me: string;
		device: DeviceKeys;
		key: GroupKey;
		now?: () => number;
		open: (invite: RequestInvite) => DoorLink;
		/** Tells the relay a door is revoked (the roster already says so); resolves false when it could not. */
		revoke: (id: string, record: DoorRecord) => Promise<boolean>;
	}) {
		this.#vault = options.vault;
		this.#me = options.me;
		this.#device = options.device;
		this.#key = options.key;
		this.#now = options.now ?? Date.now;
		this.#open = options.open;
		this.#revoke = options.revoke;
		this.#doors = this.#vault.meta.getMap<DoorRecord>(DOORS_MAP);
		this.#offRoster = this.#vault.roster.listen(() => this.refresh());
		this.#doors.observe(this.#onDoors);
		this.refresh();
	}

	/** Opens the doors this device should keep, closes the others, and brings each up to date. */
	refresh(): void {
		if (this.#closed) return;
		const roster = this.#vault.rosterNow();
		const admin = roster.members.get(this.#me)?.role === 'admin';
		const wanted = new Set<string>();
		if (admin) {
			for (const [id, record] of this.#doors) {
				const invite = roster.invites.get(id);
				if (!record || typeof record.secret !== 'string') continue;
				if (invite?.kind === 'request' && inviteUsable(invite, this.#now())) wanted.add(id);
				// Revoked while the relay could not be told (offline): tell it now; the roster refuses it anyway.
				if (invite?.revoked && !this.#revoked.has(id)) {
					this.#revoked.add(id);
					void this.#revoke(id, record).then((told) => told || this.#revoked.delete(id));
				}
			}
		}
		for (const [id, open] of this.#links) {
			if (wanted.has(id)) continue;
			open.off();
			open.link.destroy();
			this.#links.delete(id);
		}
		for (const id of wanted) {
			if (!this.#links.has(id)) {
				const link = this.#open(doorInvite(id, this.#doors.get(id)!));
				const off = link.listen(() => this.#tend(id, link));
				this.#links.set(id, { link, off });
			}
			this.#tend(id, this.#links.get(id)!.link);
		}
	}

	/** Writes the door's info, copies new requests into the roster, and answers decided joiners. */
	#tend(id: string, link: DoorLink): void {
		if (this.#closed || !link.synced) return;
		const name = this.#vault.meta.getMap('meta').get('name');
		link.setInfo({ groupName: typeof name === 'string' ? name : '', groupId: this.#vault.id });
		const roster = this.#vault.rosterNow();
		const fresh = [];
		for (const [joiner, request] of link.requests()) {
			const op = parseRosterOp(request.entry.o);
			if (!op || op.type !== 'join' || op.by !== joiner || op.invite !== id || op.proof !== undefined) continue;
			if (!this.#known(roster, joiner) && !this.#vault.roster.has(request.entry.s)) fresh.push(request.entry);
			this.#answer(id, link, roster, joiner);
		}
		if (fresh.length > 0) void this.#vault.writeRoster(fresh).catch(() => undefined);
	}

	#known(roster: Roster, joiner: string): boolean {
		return roster.members.has(joiner) || roster.pending.has(joiner) || roster.declined.has(joiner);
	}

	#answer(id: string, link: DoorLink, roster: Roster, joiner: string): void {
		if (link.answer(joiner)) return;
		const name = this.#vault.meta.getMap('meta').get('name');
		const base = { groupId: this.#vault.id, epoch: this.#vault.epoch, keyId: this.#key.keyId, relayUrl: this.#vault.relayUrl, groupName: typeof name === 'string' ? name : '' };
		const member = roster.members.get(joiner);
		if (member && member.invite === id && member.box) {
			const box = sealKeyBox(this.#key.key, fromBase64Url(member.box), { groupId: this.#vault.id, epoch: this.#vault.epoch, keyId: this.#key.keyId }, this.#device);
			link.setAnswer(joiner, { decision: 'approve', ...base, box: toBase64Url(box) });
		} else if (roster.declined.has(joiner)) {
			link.setAnswer(joiner, { decision: 'decline', ...base });
		}
	}

	close(): void {
		this.#closed = true;
		this.#offRoster();
		this.#doors.unobserve(this.#onDoors);
		for (const open of this.#links.values()) {
			open.off();
			open.link.destroy();
		}
		this.#links.clear();
	}
}
