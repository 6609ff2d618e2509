/**
 * The storage boundary of the commons (../../COMMONS.md): signed, plaintext entries that groups chose to
 * share, their tombstones, reports and moderation decisions. SQLite implements it (sqlite.ts); every
 * implementation runs the contract suite in tests/contract/commons-store.ts.
 *
 * The rules that must hold under concurrent writes (the key an id is bound to, increasing seq, a kind that
 * never changes, distinct reporters) are checked by the store inside one transaction, so two requests
 * racing for the same id can never both win.
 */

/** The two kinds of entries. */
export type CommonsKind = 'guide' | 'campaign';

/** Licences a guide may be published under. */
export const COMMONS_LICENCES = ['CC-BY-SA-4.0', 'CC-BY-4.0', 'CC0-1.0'] as const;
export type CommonsLicence = (typeof COMMONS_LICENCES)[number];

/** A ProseMirror/TipTap node of a guide body. */
export interface BodyNode {
	type: string;
	attrs?: Record<string, unknown>;
	content?: BodyNode[];
	marks?: { type: string; attrs?: Record<string, unknown> }[];
	text?: string;
}

/** Fields every published payload has. */
interface PublishBase {
	v: 1;
	id: string;
	seq: number;
	action: 'publish';
	lang: string;
	title: string;
	summary: string;
	tags: string[];
	publisher: string;
}

/** A guide as its publisher signed it. */
export interface GuidePayload extends PublishBase {
	kind: 'guide';
	body: BodyNode;
	licence: CommonsLicence;
}

/** A campaign as its publisher signed it. */
export interface CampaignPayload extends PublishBase {
	kind: 'campaign';
	description: string;
	place: string;
	location?: { lat: number; lon: number };
	/** An ISO date, or a wall-clock date and time (`YYYY-MM-DDTHH:mm`) in `timeZone` when that is given. */
	starts: string;
	ends?: string;
	/** IANA zone of `starts` and `ends`; present exactly when they carry a time of day. */
	timeZone?: string;
	join: { contact?: string; url?: string };
}

/** A validated publish payload. */
export type PublishPayload = GuidePayload | CampaignPayload;

/** A validated unpublish payload. */
export interface UnpublishPayload {
	v: 1;
	id: string;
	seq: number;
	action: 'unpublish';
}

/** How a request proved who wrote it: the payload string exactly as signed, the key and the signature. */
export interface SignedPayload {
	/** The payload string as it came, kept so anyone can verify it again. */
	signed: string;
	/** Ed25519 public key, base64url without padding. */
	publicKey: string;
	/** Ed25519 signature, base64url without padding. */
	signature: string;
}

/** A publish or update to store. */
export interface PublishWrite extends SignedPayload {
	payload: PublishPayload;
	/** Plain text of the guide body, for search (empty for campaigns). */
	bodyText: string;
	/** Time of the write, ms since the epoch. */
	at: number;
}

/** An unpublish to store. */
export interface UnpublishWrite extends SignedPayload {
	payload: UnpublishPayload;
	at: number;
}

/** Why the store refused a write: another key owns the id, the seq is not newer, or the kind changed. */
export type WriteRefusal = 'wrong_key' | 'stale' | 'kind_changed';

/** An entry as stored and served (the payload without `action`, plus what the relay adds). */
export type CommonsEntry = (Omit<GuidePayload, 'action'> | Omit<CampaignPayload, 'action'>) &
	SignedPayload & { publishedAt: number; updatedAt: number };

/** A list item: an entry without its body, description, signed string and signature. */
export type CommonsSummary =
	| (Omit<GuidePayload, 'action' | 'body'> & { publicKey: string; publishedAt: number; updatedAt: number })
	| (Omit<CampaignPayload, 'action' | 'description'> & { publicKey: string; publishedAt: number; updatedAt: number });

/** Outcome of a publish: stored (new or updated) or refused by a rule. */
export type PublishOutcome =
	| { status: 'created' | 'updated'; entry: CommonsEntry }
	| { status: 'refused'; reason: WriteRefusal };

/** Outcome of an unpublish: tombstoned, refused by a rule, or an id never published. */
export type UnpublishOutcome =
	| { status: 'unpublished'; id: string; seq: number }
	| { status: 'refused'; reason: Exclude<WriteRefusal, 'kind_changed'> }
	| { status: 'not_found' };

/** What a read finds under an id. */
export type CommonsLookup =
	| { status: 'visible'; entry: CommonsEntry }
	| { status: 'not_found' }
	| { status: 'unpublished' }
	| { status: 'hidden' };

/** Moderation state of an id: shown, hidden by reports until an admin decides, or removed for good. */
export type Moderation = 'none' | 'hidden' | 'removed';

/** List filters, already validated (see COMMONS.md); undefined means no filter. */
export interface CommonsFilter {
	/** Free text; the store matches every word (as a prefix) in the FTS index. */
	q?: string;
	kind?: CommonsKind;
	lang?: string;
	/** One tag, matched exactly and case-insensitively. */
	tag?: string;
	/** Only what this publisher key (base64url, as signed) published. */
	key?: string;
	/** Campaigns whose place contains this text, case-insensitively. */
	place?: string;
	/** ISO date (YYYY-MM-DD), inclusive. */
	from?: string;
	/** ISO date (YYYY-MM-DD), inclusive. */
	to?: string;
	/**
	 * Campaigns with a location within `km` of a point given on the 0.1° grid (about 11 km), sorted by
	 * distance, then start. The point is as coarse as the locations, so a phone's position never needs to be finer.
	 */
	near?: { lat: number; lon: number; km: number };
	offset: number;
	limit: number;
}

/** One page of a list and the number of all matches. */
export interface CommonsPage {
	entries: CommonsSummary[];
	total: number;
}

/** A report to record. */
export interface ReportWrite {
	id: string;
	/** Salted hash of the reporting client's address; a reporter counts once per entry. */
	reporter: string;
	reason: string;
	at: number;
	/** Distinct reporters that hide the entry. */
	threshold: number;
	/** Reports made before this time no longer count and are forgotten, with their reporter hashes. */
	since: number;
}

/** Outcome of a report: counted (or already counted) with the entry's hidden state, or no such entry. */
export type ReportOutcome = { status: 'counted'; hidden: boolean } | { status: 'not_found' } | { status: 'unpublished' };

/** An entry awaiting a moderation decision, for the admin list. */
export interface ReportedEntry {
	summary: CommonsSummary;
	hidden: boolean;
	/** Oldest first; reporter ids are never shown. */
	reports: { reason: string; at: number }[];
}

/** An admin's decision about a reported entry. */
export type Decision = 'restore' | 'remove';

/** Where an id stands after a decision. */
export type DecisionStatus = 'visible' | 'removed' | 'unpublished';

/** Durable storage of the commons. Every method settles; a rejected promise means nothing was changed. */
export interface CommonsStore {
	/**
	 * Stores a publish or update. The first publish binds the id to its key; later ones need the same key,
	 * a greater seq and the same kind. An update of a tombstoned id publishes it again.
	 */
	publish(write: PublishWrite): Promise<PublishOutcome>;
	/** Replaces the entry by a tombstone (key, kind and seq stay), with the same key and seq rules. */
	unpublish(write: UnpublishWrite): Promise<UnpublishOutcome>;
	/** The entry under an id, or why it cannot be read. */
	get(id: string): Promise<CommonsLookup>;
	/** Visible entries matching the filter: nearest first with `near`, by relevance with `q`, else newest `updatedAt` first. */
	list(filter: CommonsFilter): Promise<CommonsPage>;
	/**
	 * Forgets reports made before `since`, then records this one once per reporter; hides the entry once
	 * `threshold` distinct reporters reported it since the last restore.
	 */
	report(write: ReportWrite): Promise<ReportOutcome>;
	/** Published entries with reports or hidden, awaiting a decision: hidden first, then most reported. */
	reported(): Promise<ReportedEntry[]>;
	/**
	 * `restore` shows the entry and sets its reports aside: they no longer count, and their reporters cannot
	 * report it again while they are kept. `remove` hides it for good, even after updates.
	 */
	decide(id: string, decision: Decision): Promise<DecisionStatus | 'not_found'>;
	/** Resolves true when the storage answers. */
	healthy(): Promise<boolean>;
	/** Flushes and closes; later calls reject. */
	close(): Promise<void>;
}
