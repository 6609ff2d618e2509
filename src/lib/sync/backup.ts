/**
 * The backup file: the catalogue (identity, groups, keys, settings) and every vault's sealed state,
 * encrypted in the age format to a passphrase (age-encryption, scrypt). Opening checks everything before
 * the caller writes anything, so a wrong passphrase or a damaged file changes nothing.
 */
import { Decrypter, Encrypter } from 'age-encryption';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** Marks the plaintext inside the age file as a Fieldbook backup. */
export const BACKUP_FORMAT = 'fieldbook-backup';
export const BACKUP_VERSION = 1;
/** age's default scrypt cost (2^18): about a second on a phone, each guess as dear for an attacker. */
export const BACKUP_SCRYPT_LOG_N = 18;
/** The file name a backup is offered under. */
export const BACKUP_EXTENSION = '.fieldbook.age';

/** A catalogue row as it is carried in a backup (Uint8Array fields kept as bytes). */
export type BackupRow = Record<string, unknown>;

/** What a backup holds. */
export interface BackupContents {
	createdAt: number;
	identity: BackupRow | undefined;
	groups: BackupRow[];
	keys: BackupRow[];
	settings: BackupRow[];
	/** Each vault's outer document (sealed blobs only) as one Yjs update, by relay room. */
	vaults: { room: string; state: Uint8Array }[];
}

/** Why a backup could not be opened. */
export class BackupError extends Error {
	constructor(readonly code: 'wrongPassphrase' | 'damaged', detail: string) {
		super(`backup refused (${code}): ${detail}`);
		this.name = 'BackupError';
	}
}

/** Encrypts a backup to a passphrase. */
export async function sealBackup(contents: BackupContents, passphrase: string, scryptLogN = BACKUP_SCRYPT_LOG_N): Promise<Uint8Array> {
	const encoder = encoding.createEncoder();
	encoding.writeAny(encoder, { format: BACKUP_FORMAT, version: BACKUP_VERSION, ...contents } as unknown as encoding.AnyEncodable);
	const encrypter = new Encrypter();
	encrypter.setPassphrase(passphrase);
	encrypter.setScryptWorkFactor(scryptLogN);
	return encrypter.encrypt(encoding.toUint8Array(encoder));
}

const isRow = (value: unknown): value is BackupRow => !!value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
const isRows = (value: unknown): value is BackupRow[] => Array.isArray(value) && value.every(isRow);

/** Decrypts and checks a backup; throws BackupError (`wrongPassphrase` or `damaged`). */
export async function openBackup(file: Uint8Array, passphrase: string): Promise<BackupContents> {
	const decrypter = new Decrypter();
	decrypter.addPassphrase(passphrase);
	let plain: Uint8Array;
	try {
		plain = await decrypter.decrypt(file);
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		// age says so when no stanza opened with this passphrase; anything else is a broken file.
		throw new BackupError(/no identity matched/i.test(message) ? 'wrongPassphrase' : 'damaged', message);
	}
	let value: unknown;
	try {
		value = decoding.readAny(decoding.createDecoder(plain));
	} catch (error) {
		throw new BackupError('damaged', error instanceof Error ? error.message : String(error));
	}
	const record = value as Record<string, unknown>;
	if (!isRow(record) || record.format !== BACKUP_FORMAT) throw new BackupError('damaged', 'not a Fieldbook backup');
	if (record.version !== BACKUP_VERSION) throw new BackupError('damaged', `unknown version ${String(record.version)}`);
	const vaults = record.vaults;
	if (
		!isRows(record.groups) ||
		!isRows(record.keys) ||
		!isRows(record.settings) ||
		(record.identity !== undefined && !isRow(record.identity)) ||
		!Array.isArray(vaults) ||
		!vaults.every((vault) => isRow(vault) && typeof vault.room === 'string' && vault.state instanceof Uint8Array)
	) {
		throw new BackupError('damaged', 'missing or malformed parts');
	}
	return {
		createdAt: typeof record.createdAt === 'number' ? record.createdAt : 0,
		identity: record.identity as BackupRow | undefined,
		groups: record.groups,
		keys: record.keys,
		settings: record.settings,
		vaults: vaults as { room: string; state: Uint8Array }[]
	};
}
