/**
 * Sealing at rest: a Dexie middleware that keeps every row of the catalogue sealed under the device master
 * key, except the tables listed as plaintext (the lock itself). A row keeps in the clear only what IndexedDB
 * must index (its primary key and indexed fields); everything else — the device's secret keys, group keys,
 * invite secrets, settings, any field added later — is one XChaCha20-Poly1305 blob in `$sealed`, bound to
 * its table and primary key so a blob cannot be moved to another row.
 *
 * Sealed by default is the point: a new secret field or table is protected without anyone remembering to.
 * Without the master key in memory (the app is locked) nothing sealed can be read or written.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import type { DBCore, DBCoreCursor, DBCoreTable, DBCoreTableSchema, Middleware } from 'dexie';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { concat, utf8 } from '../sync/bytes';

/** Tables stored as they are: only the lock (wrapped master key, lock settings), read before unlocking. */
export const PLAINTEXT_TABLES: ReadonlySet<string> = new Set(['lock']);
/** The field of a row that holds its sealed part. */
export const SEALED_FIELD = '$sealed';
const NONCE_BYTES = 24;

/** The catalogue is locked: its sealed rows cannot be read or written until the master key is given. */
export class LockedError extends Error {
	constructor() {
		super('The app is locked');
		this.name = 'LockedError';
	}
}

/** Holds the master key while the app is unlocked; the at-rest middleware reads it on every row. */
export class MasterKeyHolder {
	#key: Uint8Array | undefined;

	/** The key, or LockedError. */
	get key(): Uint8Array {
		if (!this.#key) throw new LockedError();
		return this.#key;
	}

	get present(): boolean {
		return this.#key !== undefined;
	}

	set(key: Uint8Array): void {
		this.#key = key;
	}

	/** Forgets the key (the bytes are overwritten; a reload also drops every copy made from them). */
	clear(): void {
		this.#key?.fill(0);
		this.#key = undefined;
	}
}

/** Top-level field names IndexedDB needs in the clear for this table (primary key and index key paths). */
function clearFields(schema: DBCoreTableSchema): Set<string> {
	const fields = new Set<string>();
	for (const index of [schema.primaryKey, ...schema.indexes]) {
		const paths = index.keyPath === null ? [] : Array.isArray(index.keyPath) ? index.keyPath : [index.keyPath];
		for (const path of paths) fields.add(path.split('.')[0]!);
	}
	return fields;
}

function associatedData(table: string, primaryKey: unknown): Uint8Array {
	return utf8(`fieldbook/at-rest/v1|${table}|${JSON.stringify(primaryKey)}`);
}

/** What opening a row needs to know of its table: where its primary key is. */
export type RowSchema = { primaryKey: Pick<DBCoreTableSchema['primaryKey'], 'keyPath'> };

function primaryKeyOf(schema: RowSchema, row: Record<string, unknown>): unknown {
	const path = schema.primaryKey.keyPath;
	if (path === null) return null;
	return Array.isArray(path) ? path.map((part) => row[part]) : row[path];
}

/** Seals one row: indexed fields stay, the rest becomes `$sealed`. */
export function sealRow(table: string, schema: DBCoreTableSchema, clear: Set<string>, row: Record<string, unknown>, key: Uint8Array): Record<string, unknown> {
	const kept: Record<string, unknown> = {};
	const hidden: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(row)) {
		if (clear.has(name)) kept[name] = value;
		else if (name !== SEALED_FIELD) hidden[name] = value;
	}
	const encoder = encoding.createEncoder();
	encoding.writeAny(encoder, hidden as encoding.AnyEncodable);
	const nonce = randomBytes(NONCE_BYTES);
	const ciphertext = xchacha20poly1305(key, nonce, associatedData(table, primaryKeyOf(schema, row))).encrypt(encoding.toUint8Array(encoder));
	kept[SEALED_FIELD] = concat(nonce, ciphertext);
	return kept;
}

/** Opens one row; a row without `$sealed` (written before sealing existed) is returned as it is. */
export function openRow(table: string, schema: RowSchema, row: unknown, key: Uint8Array): unknown {
	if (!row || typeof row !== 'object' || !(SEALED_FIELD in row)) return row;
	const { [SEALED_FIELD]: sealed, ...kept } = row as Record<string, unknown>;
	if (!(sealed instanceof Uint8Array) || sealed.byteLength < NONCE_BYTES + 16) throw new Error(`A sealed ${table} row is damaged`);
	const plain = xchacha20poly1305(key, sealed.subarray(0, NONCE_BYTES), associatedData(table, primaryKeyOf(schema, kept))).decrypt(sealed.subarray(NONCE_BYTES));
	const hidden = decoding.readAny(decoding.createDecoder(plain)) as Record<string, unknown>;
	return { ...kept, ...hidden };
}

/** Whether a stored row is still in the clear (from before sealing): it is sealed at the next unlock. */
export function isUnsealed(row: unknown): boolean {
	return !!row && typeof row === 'object' && !(SEALED_FIELD in row);
}

function sealingTable(down: DBCoreTable, holder: MasterKeyHolder): DBCoreTable {
	const { name, schema } = down;
	const clear = clearFields(schema);
	const open = (row: unknown) => (row === undefined ? row : openRow(name, schema, row, holder.key));
	const openCursor = (cursor: DBCoreCursor | null): DBCoreCursor | null =>
		cursor &&
		(Object.create(cursor, {
			value: { get: () => open(cursor.value) }
		}) as DBCoreCursor);
	return {
		...down,
		mutate: (req) => {
			if (req.type !== 'add' && req.type !== 'put') return down.mutate(req);
			const key = holder.key;
			// Dexie's per-field change lists would name plaintext fields; the sealed values are the whole truth.
			const { updates: _updates, changeSpec: _changeSpec, ...rest } = req as typeof req & { updates?: unknown; changeSpec?: unknown };
			return down.mutate({ ...rest, values: req.values.map((row) => sealRow(name, schema, clear, row as Record<string, unknown>, key)) } as typeof req);
		},
		// `.then` on Dexie's own promises, never async functions: Dexie follows its transaction through them.
		get: (req) => down.get(req).then(open),
		getMany: (req) => down.getMany(req).then((rows) => rows.map(open)),
		query: (req) => down.query(req).then((response) => (req.values ? { ...response, result: response.result.map(open) } : response)),
		openCursor: (req) => down.openCursor(req).then(openCursor)
	};
}

/** The Dexie middleware sealing every table but PLAINTEXT_TABLES with the held master key. */
export function atRestSealing(holder: MasterKeyHolder): Middleware<DBCore> {
	return {
		stack: 'dbcore',
		name: 'atRestSealing',
		// Closest to IndexedDB: Dexie's hooks and caches above see rows as the app wrote them.
		level: -10,
		create: (down) => ({
			...down,
			table: (tableName) => {
				const table = down.table(tableName);
				return PLAINTEXT_TABLES.has(tableName) ? table : sealingTable(table, holder);
			}
		})
	};
}
