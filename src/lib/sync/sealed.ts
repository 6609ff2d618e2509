/**
 * Sealed blobs: how every change of group content travels and rests (format in FORMAT.md).
 * XChaCha20-Poly1305 under the group key with a random 24-byte nonce; the group id, epoch and document id
 * are bound as associated data, so a blob cannot be replayed into another document; the author's device
 * signs the whole blob with Ed25519.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, fromBase64Url } from './bytes';
import { randomBytes, sign, signatures, verify, type DeviceKeys, type GroupKey, type Signatures } from './crypto';
import { associatedData, decryptParts, HEADER_BYTES, NONCE_BYTES, parseSealed, SEALED_VERSION, SealError, type OpenedBlob, type SealContext, type SealedVersion } from './sealed-format';

export {
	claimedAuthorOfBlob,
	HEADER_BYTES,
	keyIdOfBlob,
	NONCE_BYTES,
	PUBLIC_KEY_BYTES,
	SEALED_VERSION,
	SEALED_VERSIONS,
	SealError,
	SIGNATURE_BYTES,
	TAG_BYTES,
	type OpenedBlob,
	type SealContext,
	type SealedVersion,
	type SealErrorCode
} from './sealed-format';

/** The encrypted part of a blob (header and ciphertext) and what its signature covers. */
function encrypt(
	plaintext: Uint8Array,
	context: SealContext,
	key: GroupKey,
	author: DeviceKeys,
	nonce: Uint8Array,
	version: SealedVersion
): { body: Uint8Array; signed: Uint8Array } {
	const header = concat(new Uint8Array([version]), fromBase64Url(key.keyId), nonce, author.publicKey);
	if (header.byteLength !== HEADER_BYTES) throw new Error('bad key id, nonce or public key length');
	const aad = associatedData(context, header);
	const body = concat(header, xchacha20poly1305(key.key, nonce, aad).encrypt(plaintext));
	return { body, signed: concat(aad, body) };
}

/**
 * Seals plaintext for a document, signing synchronously (noble): for the unload path, where nothing
 * asynchronous finishes. `nonce` and `version` are for test vectors only; leave them out.
 */
export function seal(
	plaintext: Uint8Array,
	context: SealContext,
	key: GroupKey,
	author: DeviceKeys,
	nonce: Uint8Array = randomBytes(NONCE_BYTES),
	version: SealedVersion = SEALED_VERSION
): Uint8Array {
	const { body, signed } = encrypt(plaintext, context, key, author, nonce, version);
	return concat(body, sign(signed, author.secretKey));
}

/** Seals plaintext for a document with the platform's fastest Ed25519; the same format as `seal`. */
export async function sealAsync(
	plaintext: Uint8Array,
	context: SealContext,
	key: GroupKey,
	author: DeviceKeys,
	signer?: Signatures,
	nonce: Uint8Array = randomBytes(NONCE_BYTES)
): Promise<Uint8Array> {
	const { body, signed } = encrypt(plaintext, context, key, author, nonce, SEALED_VERSION);
	return concat(body, await (signer ?? (await signatures())).sign(signed, author));
}

/**
 * Opens a sealed blob: checks version, finds the key by id, verifies the signature, then decrypts.
 * Throws SealError naming the first check that failed. Synchronous (noble); `openAsync` is faster.
 */
export function open(blob: Uint8Array, context: SealContext, keys: (keyId: string) => GroupKey | undefined): OpenedBlob {
	const parts = parseSealed(blob, context, keys);
	if (!verify(parts.signature, concat(parts.aad, parts.body), parts.author)) throw new SealError('signature');
	return decryptParts(parts);
}

/** Blobs at least this long are hashed natively (WebCrypto); below it the async hop costs more than noble's SHA-256. */
const NATIVE_DIGEST_BYTES = 64 * 1024;

async function digest(bytes: Uint8Array): Promise<Uint8Array> {
	const subtle = globalThis.crypto?.subtle;
	if (subtle && bytes.byteLength >= NATIVE_DIGEST_BYTES) return new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
	return sha256(bytes);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	return a.byteLength === b.byteLength && a.every((byte, index) => byte === b[index]);
}

/** What a signature check concluded about one blob in one place. */
interface Verdict {
	scope: string;
	/** SHA-256 of the whole blob when it was checked: a blob whose bytes changed since is checked again. */
	digest: Uint8Array;
	valid: boolean;
}

/**
 * Signature verdicts for the session, one per outer item: keyed by the Uint8Array the outer Y.Array holds for
 * the item (Yjs keeps that one object for as long as the item lives, and lets go of it when the item is
 * deleted), and bound to the blob's digest and its group, epoch and document. Reopening a document verifies
 * nothing twice; a changed blob, or a blob in another place, is verified afresh. Decryption still runs every
 * time (it is the cheap part, and nothing decrypted is kept).
 */
export class VerdictCache {
	#verdicts = new WeakMap<Uint8Array, Verdict>();

	/** The verdict on this exact blob in this place: remembered, or reached now with `check` and remembered. */
	async verdict(blob: Uint8Array, context: SealContext, check: () => Promise<boolean>): Promise<boolean> {
		const scope = scopeOf(context);
		const hash = await digest(blob);
		const known = this.#verdicts.get(blob);
		if (known && known.scope === scope && sameBytes(known.digest, hash)) return known.valid;
		const valid = await check();
		this.#verdicts.set(blob, { scope, digest: hash, valid });
		return valid;
	}
}

function scopeOf(context: SealContext): string {
	return `${context.groupId}|${context.epoch}|${context.docId}`;
}

/**
 * Opens a sealed blob like `open`, verifying with the platform's fastest Ed25519 and, with `verdicts`, at
 * most once per blob for the session. An unknown key is not a verdict: that blob may open once the key is here.
 */
export async function openAsync(
	blob: Uint8Array,
	context: SealContext,
	keys: (keyId: string) => GroupKey | undefined,
	options: { verdicts?: VerdictCache; signer?: Signatures } = {}
): Promise<OpenedBlob> {
	const parts = parseSealed(blob, context, keys);
	const check = async () => (options.signer ?? (await signatures())).verify(parts.signature, concat(parts.aad, parts.body), parts.author);
	const valid = options.verdicts ? await options.verdicts.verdict(blob, context, check) : await check();
	if (!valid) throw new SealError('signature');
	return decryptParts(parts);
}
