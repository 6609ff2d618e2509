import { appUpdate } from './app-update.svelte';
import { createSubscriber } from 'svelte/reactivity';
import type { GroupRecord, GroupVault, Invite, JoinRequestState, Refusal, RequestInvite, SyncStatus, Workspace } from '$lib/sync/api';
import type { DoorInfo, DoorLink } from '$lib/sync/door';
import type { GroupList } from '$lib/storage/group-list';
import type { Dismissed } from '$lib/sync/refusal-notices';
import type { VaultView } from './vault-view.svelte';
import { hasLocalData } from '$lib/storage/presence';
import { bootGlance } from '$lib/boot/gate';
import type { AppLock } from './app-lock.svelte';
import { connectivity } from './connectivity.svelte';
import { testHooks } from './test-hooks';

export type { VaultView } from './vault-view.svelte';

/** The catalogue setting (sealed) keeping dismissed refusals: per group and epoch, `Dismissed`. */
const DISMISSED_REFUSALS = 'refusals.dismissed';

/** Shown before any vault reported: nothing is pending, everything typed is on this device. */
const IDLE_STATUS: SyncStatus = { state: 'savedLocal', pending: 0 };

/**
 * The app's local-first world as the UI sees it: the device identity, the groups, their vaults and the
 * overall sync status. Wraps the framework-free Workspace of the sync core (STYLE.md 3, 5): nothing is
 * copied into component state, every getter reads the workspace and re-runs when it reports a change.
 */
class App {
	#workspace = $state.raw<Workspace | undefined>();
	/** What the catalogue alone tells, shown until the workspace (the sync engine) has opened. */
	#glance = $state.raw<GroupList | undefined>();
	/** Settles once the sync engine has loaded and opened the workspace (or could not). */
	#opened: Promise<Workspace>;
	#settleOpened!: { resolve: (workspace: Workspace) => void; reject: (error: unknown) => void };
	#state = $state<'loading' | 'locked' | 'new' | 'ready' | 'failed'>('loading');
	#identityVersion = $state(0);
	#failure = $state<string | undefined>();
	#views = new Map<string, Promise<VaultView>>();
	/** The views whose vault has opened, by group id: what app-wide notices read. */
	#openViews = $state.raw<ReadonlyMap<string, VaultView>>(new Map());
	#dismissed: Promise<Record<string, Dismissed>> | undefined;
	/** The epoch of each view's vault, once open. */
	#viewEpochs = new Map<string, number>();
	// The header reads the status before the workspace has opened, so subscribers wait here and are
	// wired to the workspace once it exists.
	#groupUpdates = new Set<() => void>();
	#statusUpdates = new Set<() => void>();
	#subscribeGroups = createSubscriber((update) => {
		this.#groupUpdates.add(update);
		return () => this.#groupUpdates.delete(update);
	});
	#subscribeStatus = createSubscriber((update) => {
		this.#statusUpdates.add(update);
		return () => this.#statusUpdates.delete(update);
	});
	#requestUpdates = new Set<() => void>();
	#subscribeRequests = createSubscriber((update) => {
		this.#requestUpdates.add(update);
		return () => this.#requestUpdates.delete(update);
	});
	#starting: Promise<void> | undefined;
	/** A profile-only device whose engine has not been needed yet (see `boot`). */
	#idle = $state(false);
	/** Set by `start`: a boot still reading the catalogue must then not go idle. */
	#engineWanted = false;
	#lock = $state.raw<AppLock | undefined>();

	constructor() {
		this.#opened = new Promise((resolve, reject) => {
			this.#settleOpened = { resolve, reject };
		});
		// Whoever waits on it hears of a failure; the screen shows it through `state`.
		this.#opened.catch(() => undefined);
	}

	/**
	 * `loading` while the catalogue opens, `locked` while the app lock holds the keys, `new` before first
	 * start, `failed` when storage cannot open.
	 */
	get state(): 'loading' | 'locked' | 'new' | 'ready' | 'failed' {
		return this.#state;
	}

	/** Why the local storage could not be opened, when `state` is `failed`. */
	get failure(): string | undefined {
		return this.#failure;
	}

	/** This device's person, once first start is done. */
	get identity(): { name: string; publicKey: string; boxKey: string } | undefined {
		void this.#identityVersion;
		return this.#workspace ? this.#workspace.identity : this.#glance?.identity;
	}

	/** Every group on this device, in the order joined: from the catalogue until the workspace has opened. */
	get groups(): GroupRecord[] {
		this.#subscribeGroups();
		return this.#workspace ? this.#workspace.groups() : (this.#glance?.groups ?? []);
	}

	/**
	 * Whether the sync engine has opened the workspace. Before, the screens show what the catalogue holds
	 * (names of groups and of this device); what lives in the vaults (unread counts, actions) fills in after.
	 */
	get workspaceOpen(): boolean {
		return this.#workspace !== undefined;
	}

	/** Sync status across all groups, as the header shows it; `Offline` whenever the browser is. */
	get status(): SyncStatus {
		this.#subscribeStatus();
		const status = this.#workspace?.status() ?? IDLE_STATUS;
		return connectivity.online ? status : { ...status, state: 'offline' };
	}

	/** Whether `start` was called (the workspace is open or opening). */
	get started(): boolean {
		return this.#starting !== undefined;
	}

	/**
	 * Starts the workspace when this device has stored anything (a profile, groups, a lock); a device with
	 * nothing stored is `new` at once, without loading the sync engine, Dexie or the lock: they load when
	 * the person continues from first start, restores a backup or opens a group. Whether anything is stored
	 * is read from the list of databases, which shows no more than a seized phone's storage does anyway,
	 * and a locked device always has its catalogue, so it still opens only to the lock screen.
	 *
	 * A device with a profile and nothing else (no group, no join under way, no lock) has nothing to open or
	 * sync: it is `ready` from the catalogue alone, and the engine loads when the person goes beyond home
	 * and the commons, or anything asks for the workspace (`start`).
	 */
	async boot(): Promise<void> {
		if (this.#starting) return this.#starting;
		if ((await bootGlance())?.identity || (await hasLocalData())) {
			this.#starting ??= this.#start(true, true);
			return this.#starting;
		}
		if (!this.#starting && this.#state === 'loading') this.#state = 'new';
	}

	/** Opens the device catalogue, then every group's vault so all of them sync in the background. */
	start(): Promise<void> {
		this.#engineWanted = true;
		if (this.#idle) {
			this.#idle = false;
			this.#starting = this.#starting!.then(() => this.#openEngine());
		}
		this.#starting ??= this.#start(false);
		return this.#starting;
	}

	/**
	 * Whether this device has only a profile and the sync engine has not been needed yet (see `boot`): the
	 * screens show the profile from the catalogue, and `start` loads the engine.
	 */
	get idle(): boolean {
		return this.#idle;
	}

	/**
	 * Shows what the catalogue holds at once, then opens the engine unless `mayIdle` and there is nothing to
	 * open. `stored` when the caller has read that this device holds a catalogue.
	 */
	async #start(mayIdle: boolean, stored = false): Promise<void> {
		try {
			// Loaded here, not imported at the top: screens that never start the workspace (a shared commons
			// page opened by someone new) then never load the sync engine or the lock. A returning member with
			// no app lock set sees their groups straight from IndexedDB, before Dexie, the lock or the engine.
			let glance = await bootGlance();
			if (!glance?.identity && (stored || (await hasLocalData()))) {
				const { glanceGroupList } = await import('$lib/storage/group-list');
				glance = await glanceGroupList();
			}
			if (glance?.identity) this.#showGlance(glance);
			// The glance reads only an unlocked catalogue, so a profile alone means nothing is locked either.
			if (mayIdle && !this.#engineWanted && glance?.identity && glance.groups.length === 0 && !glance.joining) {
				this.#idle = true;
				return;
			}
		} catch (error) {
			this.#fail(error);
			return;
		}
		await this.#openEngine();
	}

	/** Loads the app lock and, unless it holds the keys, the sync engine, the workspace and every vault. */
	async #openEngine(): Promise<void> {
		try {
			const { appLock } = await import('./app-lock.svelte');
			this.#lock = appLock;
			await appLock.open();
			// Locked: no workspace, no vault, no sync; only the lock screen until the passphrase.
			if (appLock.locked) this.#state = 'locked';
			else await this.#open(appLock);
		} catch (error) {
			this.#fail(error);
		}
	}

	#fail(error: unknown): void {
		this.#failure = error instanceof Error ? error.message : String(error);
		this.#state = 'failed';
	}

	/** The app lock, once the start has loaded it. */
	get lock(): AppLock | undefined {
		void this.#state;
		return this.#lock;
	}

	/** Whether a passphrase is set: then `Lock now` shows on every screen. */
	get lockSet(): boolean {
		return this.lock?.isSet ?? false;
	}

	/** Unlocks with a passphrase and opens everything; the duress passphrase wipes this device instead. */
	async unlock(passphrase: string): Promise<void> {
		const lock = this.#lock;
		if (!lock) throw new Error('The lock is not open yet');
		if ((await lock.unlock(passphrase)) === 'duress') return this.wipe();
		this.#state = 'loading';
		await this.#open(lock);
	}

	/** Wipes this device (see AppLock.wipe); the page then opens as new. */
	async wipe(): Promise<void> {
		const { appLock } = await import('./app-lock.svelte');
		await appLock.wipe(async () => {
			await this.#workspace?.close();
		});
	}

	/**
	 * Shows what the catalogue holds at once, then loads the sync engine and opens the workspace and every
	 * vault in the background: a returning member sees their groups before any vault has opened.
	 */
	async #open(lock: AppLock): Promise<void> {
		if (!this.#glance) {
			const { readGroupList } = await import('$lib/storage/group-list');
			const glance = await readGroupList(lock.catalogue);
			if (glance) this.#showGlance(glance);
		}
		try {
			this.#settleOpened.resolve(await this.#openWorkspace(lock));
		} catch (error) {
			this.#settleOpened.reject(error);
			throw error;
		}
	}

	#showGlance(glance: GroupList): void {
		this.#glance = glance;
		this.#notifyGroups();
		this.#state = glance.identity ? 'ready' : 'new';
	}

	async #openWorkspace(lock: AppLock): Promise<Workspace> {
		await testHooks().vaultGate;
		const { openDeviceWorkspace } = await import('./device-storage');
		const workspace = await openDeviceWorkspace({ catalogue: lock.catalogue });
		workspace.onGroups(() => this.#notifyGroups());
		workspace.onStatus(() => this.#notifyStatus());
		workspace.onJoinRequests(() => this.#notifyRequests());
		this.#workspace = workspace;
		void appUpdate.useWorkbox();
		this.#glance = undefined;
		this.#notifyGroups();
		this.#notifyStatus();
		this.#notifyRequests();
		if (this.#state === 'loading') this.#state = workspace.identity ? 'ready' : 'new';
		for (const group of workspace.groups()) void this.view(group.id).catch(() => undefined);
		return workspace;
	}

	#notifyGroups(): void {
		for (const update of this.#groupUpdates) update();
	}

	#notifyStatus(): void {
		for (const update of this.#statusUpdates) update();
	}

	#notifyRequests(): void {
		for (const update of this.#requestUpdates) update();
	}

	/** The workspace, once the sync engine has opened it (loading it on a profile-only device, see `boot`). */
	#require(): Promise<Workspace> {
		if (this.#idle) void this.start();
		return this.#opened;
	}

	/** First start: creates this device's identity with the given display name. */
	async createIdentity(name: string): Promise<void> {
		// A new device boots without the engine (see boot); it loads now.
		await this.start();
		await (await this.#require()).createIdentity(name);
		this.#identityVersion++;
		this.#state = 'ready';
	}

	/** Renames this device here and in every group's member list. */
	async rename(name: string): Promise<void> {
		await (await this.#require()).rename(name);
		this.#identityVersion++;
	}

	/**
	 * The reactive view of a group's vault, opening the vault on first use. Given the group's epoch (from its
	 * record), a view of an earlier epoch is replaced: the group moved to a new key (a member was removed).
	 */
	view(groupId: string, epoch?: number): Promise<VaultView> {
		let view = this.#views.get(groupId);
		const known = this.#viewEpochs.get(groupId);
		if (view && epoch !== undefined && known !== undefined && known !== epoch) {
			this.#views.delete(groupId);
			view = undefined;
		}
		if (!view) {
			view = this.#require()
				.then((workspace) => workspace.group(groupId))
				.then(async (vault) => {
					this.#viewEpochs.set(groupId, vault.epoch);
					return this.#keepOpen(await this.#newView(vault));
				});
			// A failed open may succeed later (storage freed, group re-joined): do not cache the failure.
			view.catch(() => this.#views.delete(groupId));
			this.#views.set(groupId, view);
		}
		return view;
	}

	/**
	 * A view of a vault, with what the person dismissed of its refusals in earlier sessions. Its code loads
	 * with the first vault, so first start and the commons do without it.
	 */
	async #newView(vault: GroupVault): Promise<VaultView> {
		const name = `${vault.id}/${vault.epoch}`;
		const [{ VaultView }, all] = await Promise.all([import('./vault-view.svelte'), this.#dismissedRefusals()]);
		const dismissed = all[name] ?? [];
		return new VaultView(vault, dismissed, (fingerprints) => void this.#saveDismissed(vault.id, name, fingerprints).catch(() => undefined));
	}

	/** Every group's dismissed refusals, read from the catalogue once. */
	#dismissedRefusals(): Promise<Record<string, Dismissed>> {
		this.#dismissed ??= this.#require()
			.then((workspace) => workspace.getSetting(DISMISSED_REFUSALS))
			.then(async (stored) => (await import('$lib/sync/refusal-notices')).parseDismissed(stored), () => ({}));
		return this.#dismissed;
	}

	/** Stores one vault's dismissed refusals (`name` is group and epoch), forgetting the group's other epochs. */
	async #saveDismissed(groupId: string, name?: string, fingerprints: Dismissed = []): Promise<void> {
		const all = await this.#dismissedRefusals();
		for (const key of Object.keys(all)) if (key.startsWith(`${groupId}/`)) delete all[key];
		if (name) all[name] = fingerprints;
		await (await this.#require()).setSetting(DISMISSED_REFUSALS, JSON.stringify(all));
	}

	/** Records a view whose vault has opened (replacing one of an earlier epoch) and returns it. */
	#keepOpen(view: VaultView): VaultView {
		this.#openViews = new Map(this.#openViews).set(view.vault.id, view);
		return view;
	}

	/** Every group whose vault is open, with what its vault refused or undid that is not yet dismissed. */
	get refusals(): { groupId: string; view: VaultView; refusals: readonly Refusal[] }[] {
		return [...this.#openViews].map(([groupId, view]) => ({ groupId, view, refusals: view.refusals })).filter((group) => group.refusals.length > 0);
	}

	/** A group's vault. */
	async vault(groupId: string): Promise<GroupVault> {
		return (await this.view(groupId)).vault;
	}

	/** Creates a group and its vault; resolves with the new group's id. */
	async createGroup(options: { name: string; description?: string; relayUrl: string }): Promise<string> {
		const vault = await (await this.#require()).createGroup(options);
		this.#views.set(vault.id, this.#newView(vault).then((view) => this.#keepOpen(view)));
		this.#viewEpochs.set(vault.id, vault.epoch);
		return vault.id;
	}

	/** Joins a group from an invite (works offline); resolves with the group's id. */
	async joinGroup(invite: Invite): Promise<string> {
		const vault = await (await this.#require()).joinGroup(invite);
		this.#views.set(vault.id, this.#newView(vault).then((view) => this.#keepOpen(view)));
		this.#viewEpochs.set(vault.id, vault.epoch);
		return vault.id;
	}

	/** This device's requests to join that no admin has let in yet. */
	get joinRequests(): JoinRequestState[] {
		this.#subscribeRequests();
		return this.#workspace?.joinRequests() ?? [];
	}

	/** Connects to a request link's door, once the workspace is open (`workspaceOpen`); the caller destroys it. */
	openDoor(invite: RequestInvite): DoorLink {
		if (!this.#workspace) throw new Error('The workspace is not open yet');
		return this.#workspace.openDoor(invite);
	}

	/** Asks to join through a request link. */
	async askToJoin(invite: RequestInvite, info: DoorInfo): Promise<void> {
		return (await this.#require()).askToJoin(invite, info);
	}

	/** Revokes an invite of a group. */
	async revokeInvite(groupId: string, inviteId: string): Promise<void> {
		return (await this.#require()).revokeInvite(groupId, inviteId);
	}

	/** Removes a group's vault and keys from this device (its `leave` goes into the roster first). */
	async leaveGroup(groupId: string): Promise<void> {
		await (await this.#require()).leaveGroup(groupId);
		this.#views.delete(groupId);
		const open = new Map(this.#openViews);
		open.delete(groupId);
		this.#openViews = open;
		await this.#saveDismissed(groupId).catch(() => undefined);
	}

	/** A device setting from the catalogue. */
	async getSetting(key: string): Promise<string | undefined> {
		return (await this.#require()).getSetting(key);
	}

	async setSetting(key: string, value: string): Promise<void> {
		return (await this.#require()).setSetting(key, value);
	}
}

/** The app-wide workspace state. */
export const app = new App();
