/**
 * Signed commons requests (sync-server/COMMONS.md): the payload is sent as a JSON string, and the signature
 * covers `fieldbook-commons/v1\n` followed by exactly that string. Ed25519 via @noble/curves. Framework-free.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { fromBase64Url, toBase64Url } from '../sync/bytes';
import type { PublishPayload, UnpublishPayload } from './types';
import { signedMessage } from './verify';

export { SIGNING_CONTEXT, signedMessage } from './verify';

/** A group's publisher key pair, as kept sealed in the group's meta doc (base64url). */
export interface PublisherKey {
	publicKey: string;
	secretKey: string;
}

/** The body of a publish, update or unpublish request. */
export interface SignedRequest {
	payload: string;
	publicKey: string;
	signature: string;
}

/** A new random publisher key pair. */
export function newPublisherKey(): PublisherKey {
	const { secretKey, publicKey } = ed25519.keygen();
	return { publicKey: toBase64Url(publicKey), secretKey: toBase64Url(secretKey) };
}

/** Serialises and signs a payload. */
export function signPayload(payload: PublishPayload | UnpublishPayload, key: PublisherKey): SignedRequest {
	const text = JSON.stringify(payload);
	const signature = ed25519.sign(signedMessage(text), fromBase64Url(key.secretKey));
	return { payload: text, publicKey: key.publicKey, signature: toBase64Url(signature) };
}

/** Checks a served entry's signature again: `signed` is the payload string as published. */
export function verifySigned(signed: string, signature: string, publicKey: string): boolean {
	try {
		return ed25519.verify(fromBase64Url(signature), signedMessage(signed), fromBase64Url(publicKey));
	} catch {
		return false;
	}
}
