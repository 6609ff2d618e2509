import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url, utf8 } from '../../../src/lib/sync/bytes';
import { newDeviceKeys, sign, verify, type DeviceKeys } from '../../../src/lib/sync/crypto';
import { claimMessage, CLIENTS_MAP, judgeBlob, type ClientClaim, type Provenance } from '../../../src/lib/sync/rules';
import { initDiscussion, Thread } from '../../../src/lib/discussions/thread';

const GROUP = 'g7Qm3kT0cW5yH1nB8rVx2A';
const DOC = 'discussion-1';

/** The client-id binding block of FORMAT.md. */
function vector(): { secretKey: string; groupId: string; docId: string; client: number; message: string; claim: ClientClaim } {
	const format = readFileSync(new URL('../../../src/lib/sync/FORMAT.md', import.meta.url), 'utf8');
	const section = format.slice(format.indexOf('### Client-id binding'));
	const block = /```json\n([\s\S]*?)```/.exec(section);
	if (!block) throw new Error('no vector block under "Client-id binding"');
	return JSON.parse(block[1]!);
}

const key = (keys: DeviceKeys) => toBase64Url(keys.publicKey);

function claimOf(keys: DeviceKeys, client: number, signer = keys): ClientClaim {
	return { key: key(keys), signature: toBase64Url(sign(utf8(claimMessage(GROUP, DOC, client)), signer.secretKey)) };
}

/** As the vault judges: claims checked against the group and document, no client bound without one. */
const provenance: Provenance = {
	verify: (client, claim) => verify(fromBase64Url(claim.signature), utf8(claimMessage(GROUP, DOC, client)), fromBase64Url(claim.key)),
	bound: () => undefined
};

/** A new session of `keys` on a copy of `doc`: its claim first (unless `claim` says otherwise), then `write`; returns the diff. */
function session(doc: Y.Doc, keys: DeviceKeys, write: (copy: Y.Doc) => void, claim: ClientClaim | null = null): Uint8Array {
	const copy = new Y.Doc();
	Y.applyUpdateV2(copy, Y.encodeStateAsUpdateV2(doc));
	const before = Y.encodeStateVector(copy);
	copy.transact(() => {
		if (claim !== undefined) copy.getMap<ClientClaim>(CLIENTS_MAP).set(String(copy.clientID), claim ?? claimOf(keys, copy.clientID));
		write(copy);
	});
	return Y.encodeStateAsUpdateV2(copy, before);
}

const alice = newDeviceKeys();
const bashir = newDeviceKeys();
const mallory = newDeviceKeys();

/** A thread Alice opened with "meet at the square", her session claimed. */
function thread(): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdateV2(
		doc,
		session(new Y.Doc(), alice, (copy) => initDiscussion(copy, { title: 'Rent', first: { author: { publicKey: key(alice), name: 'Alice' }, text: 'meet at the square' } }))
	);
	return doc;
}

const judge = (doc: Y.Doc, update: Uint8Array, signer: DeviceKeys) => judgeBlob('discussion', doc, update, key(signer), provenance);

describe('client-id binding (FORMAT.md vector)', () => {
	const { secretKey, groupId, docId, client, message, claim } = vector();

	it('a claim signs the group, the document and the client id', () => {
		expect(claimMessage(groupId, docId, client)).toBe(message);
		const secret = Uint8Array.from(Buffer.from(secretKey, 'hex'));
		expect(toBase64Url(sign(utf8(message), secret))).toBe(claim.signature);
		expect(verify(fromBase64Url(claim.signature), utf8(message), fromBase64Url(claim.key))).toBe(true);
		expect(verify(fromBase64Url(claim.signature), utf8(claimMessage(groupId, docId, client + 1)), fromBase64Url(claim.key))).toBe(false);
	});
});

describe('client-id binding', () => {
	it('takes a session’s own write under its own claim', () => {
		const doc = thread();
		expect(judge(doc, session(doc, mallory, (copy) => new Thread(copy).send({ publicKey: key(mallory), name: 'Mallory' }, 'hello')), mallory)).toBe('apply');
	});

	it('refuses a claim in another key’s name, a claim of another client and a changed claim', () => {
		const doc = thread();
		const hello = (copy: Y.Doc) => new Thread(copy).send({ publicKey: key(mallory), name: 'Mallory' }, 'hello');
		// Alice's key, Mallory's signature.
		expect(judge(doc, session(doc, mallory, hello, { key: key(alice), signature: claimOf(mallory, 0).signature }), mallory)).toBe('refuse');
		// A valid claim, but of a client id other than the one that writes it.
		const [aliceClient] = doc.store.clients.keys();
		const other = session(doc, mallory, (copy) => copy.getMap<ClientClaim>(CLIENTS_MAP).set('7', claimOf(mallory, 7)));
		expect(judge(doc, other, mallory)).toBe('refuse');
		// Alice's claim overwritten.
		const overwrite = session(doc, mallory, (copy) => copy.getMap<ClientClaim>(CLIENTS_MAP).set(String(aliceClient), claimOf(mallory, aliceClient!)));
		expect(judge(doc, overwrite, mallory)).toBe('refuse');
	});

	it('refuses a message in another member’s name however many made-up sessions carry it', () => {
		const doc = thread();
		const base = Y.encodeStateVector(doc);
		const sessions = [new Y.Doc(), new Y.Doc()];
		for (const copy of sessions) Y.applyUpdateV2(copy, Y.encodeStateAsUpdateV2(doc));
		new Thread(sessions[0]!).send({ publicKey: key(alice), name: 'Alice' }, 'meet at the police station');
		new Thread(sessions[1]!).send({ publicKey: key(mallory), name: 'Mallory' }, 'hello');
		const forged = Y.mergeUpdatesV2(sessions.map((copy) => Y.encodeStateAsUpdateV2(copy, base)));
		expect(judge(doc, forged, mallory)).toBe('refuse');

		// Each session claimed by Mallory: still hers, still refused.
		const claimed = Y.mergeUpdatesV2([
			session(doc, mallory, (copy) => new Thread(copy).send({ publicKey: key(alice), name: 'Alice' }, 'meet at the police station')),
			session(doc, mallory, (copy) => new Thread(copy).send({ publicKey: key(mallory), name: 'Mallory' }, 'hello'))
		]);
		expect(judge(doc, claimed, mallory)).toBe('refuse');

		// A document from before claims judges a merge of several sessions as carried content, as it always did.
		const legacy = new Y.Doc();
		initDiscussion(legacy, { title: 'Rent', first: { author: { publicKey: key(alice), name: 'Alice' }, text: 'meet at the square' } });
		const legacyBase = Y.encodeStateVector(legacy);
		const copies = [new Y.Doc(), new Y.Doc()];
		for (const copy of copies) Y.applyUpdateV2(copy, Y.encodeStateAsUpdateV2(legacy));
		new Thread(copies[0]!).send({ publicKey: key(alice), name: 'Alice' }, 'meet at the police station');
		new Thread(copies[1]!).send({ publicKey: key(mallory), name: 'Mallory' }, 'hello');
		expect(judge(legacy, Y.mergeUpdatesV2(copies.map((copy) => Y.encodeStateAsUpdateV2(copy, legacyBase))), mallory)).toBe('apply');
	});

	it('carries another member’s claimed session in a compaction, merged or alone in a snapshot part', () => {
		const doc = thread();
		const bashirSession = session(doc, bashir, (copy) => new Thread(copy).send({ publicKey: key(bashir), name: 'Bashir' }, 'two'));
		const aliceRead = session(doc, alice, () => undefined);
		// Alice's merge of her own (claim-only) session and Bashir's reaches a device that lacks both.
		expect(judge(doc, Y.mergeUpdatesV2([bashirSession, aliceRead]), alice)).toBe('apply');
		// Bashir's session alone, signed by Alice: a snapshot above 1 MB is cut by client into parts like this.
		expect(judge(doc, bashirSession, alice)).toBe('apply');
		expect(judge(doc, bashirSession, bashir)).toBe('apply');
		// A session nobody claimed, alone and signed by Alice, is Alice's own write: a message in Bashir's name is refused.
		const copy = new Y.Doc();
		Y.applyUpdateV2(copy, Y.encodeStateAsUpdateV2(doc));
		const before = Y.encodeStateVector(copy);
		new Thread(copy).send({ publicKey: key(bashir), name: 'Bashir' }, 'three');
		const unclaimed = Y.encodeStateAsUpdateV2(copy, before);
		expect(judge(doc, unclaimed, alice)).toBe('refuse');
	});

	it('refuses structs of this device’s own session arriving from outside', () => {
		const doc = thread();
		const update = session(doc, mallory, (copy) => new Thread(copy).send({ publicKey: key(mallory), name: 'Mallory' }, 'hello'));
		const here = new Y.Doc();
		Y.applyUpdateV2(here, Y.encodeStateAsUpdateV2(doc));
		here.clientID = Y.parseUpdateMetaV2(update).to.keys().next().value!;
		expect(judgeBlob('discussion', here, update, key(mallory), provenance)).toBe('refuse');
	});
});
