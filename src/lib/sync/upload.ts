/**
 * Bounded uploads: what the vault holds that the relay lacks, cut into Yjs updates of at most a frame's
 * worth each, so a week offline or a relay that lost its data never becomes one frame above the relay's
 * limit (which the relay closes with 1009, and the stock client would retry forever).
 *
 * The stock y-websocket wire protocol is kept: each piece is an ordinary sync update message, and any
 * prefix of the pieces is a valid state (pieces end at struct boundaries, in clock order per client).
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { UPLOAD_FRAME_BYTES } from '../../../sync-server/src/shared/protocol';

/**
 * Upload pieces aim at half the largest message a client should send (UPLOAD_FRAME_BYTES, shared with the
 * relay), since sizes are estimated from above. A single struct larger than this (a blob of a big import,
 * compaction's parts of up to MAX_BLOB_BYTES) travels alone, still below the relay's frame limit.
 */
export const UPLOAD_PIECE_BYTES = UPLOAD_FRAME_BYTES / 2;
/** Bytes a struct costs besides its content (ids, parent key, lengths): a generous estimate. */
const STRUCT_OVERHEAD_BYTES = 96;

type Struct = Y.Item | Y.GC;

/** One client's run of structs in a piece: structs[first…] from `clock`. */
interface Run {
	client: number;
	clock: number;
	structs: Struct[];
}

/** An upper estimate of a struct's encoded bytes from `offset` on. */
function structBytes(struct: Struct, offset: number): number {
	if (!(struct instanceof Y.Item)) return STRUCT_OVERHEAD_BYTES;
	const content = struct.content;
	if (content instanceof Y.ContentBinary) return content.content.byteLength + STRUCT_OVERHEAD_BYTES;
	// UTF-16 code units become at most three UTF-8 bytes.
	if (content instanceof Y.ContentString) return (content.str.length - offset) * 3 + STRUCT_OVERHEAD_BYTES;
	if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) {
		let bytes = STRUCT_OVERHEAD_BYTES;
		for (const value of content.getContent().slice(offset)) bytes += value instanceof Uint8Array ? value.byteLength : JSON.stringify(value ?? null).length * 3;
		return bytes;
	}
	if (content instanceof Y.ContentEmbed || content instanceof Y.ContentFormat) return JSON.stringify(content.getContent()).length * 3 + STRUCT_OVERHEAD_BYTES;
	return STRUCT_OVERHEAD_BYTES;
}

/** An empty delete set ends an update that carries only structs. */
const NO_DELETIONS = 0;

function encodePiece(runs: Run[]): Uint8Array {
	const encoder = new Y.UpdateEncoderV1();
	encoding.writeVarUint(encoder.restEncoder, runs.length);
	for (const run of runs) {
		encoding.writeVarUint(encoder.restEncoder, run.structs.length);
		encoder.writeClient(run.client);
		encoding.writeVarUint(encoder.restEncoder, run.clock);
		run.structs.forEach((struct, index) => struct.write(encoder, index === 0 ? run.clock - struct.id.clock : 0));
	}
	encoding.writeVarUint(encoder.restEncoder, NO_DELETIONS);
	return encoder.toUint8Array();
}

/**
 * Cuts everything of `doc` beyond `stateVector` into updates of about `pieceBytes` each (a single struct
 * above that travels alone). The document's delete set travels once, in the last piece, so there is always
 * at least one piece.
 */
export function uploadPieces(doc: Y.Doc, stateVector: Map<number, number>, pieceBytes = UPLOAD_PIECE_BYTES): Uint8Array[] {
	const pieces: Uint8Array[] = [];
	let runs: Run[] = [];
	let bytes = 0;
	// Higher client ids first, as Yjs writes them (it helps its conflict resolution).
	const clients = [...doc.store.clients.keys()].sort((a, b) => b - a);
	for (const client of clients) {
		const structs = doc.store.clients.get(client)! as Struct[];
		const last = structs[structs.length - 1];
		if (!last) continue;
		const from = Math.max(stateVector.get(client) ?? 0, structs[0]!.id.clock);
		if (from >= last.id.clock + last.length) continue;
		let run: Run | undefined;
		for (let index = Y.findIndexSS(structs, from); index < structs.length; index++) {
			const struct = structs[index]!;
			const clock = Math.max(from, struct.id.clock);
			const size = structBytes(struct, clock - struct.id.clock);
			if (bytes > 0 && bytes + size > pieceBytes) {
				pieces.push(encodePiece(runs));
				runs = [];
				bytes = 0;
				run = undefined;
			}
			if (!run) {
				run = { client, clock, structs: [] };
				runs.push(run);
			}
			run.structs.push(struct);
			bytes += size;
		}
	}
	const deletions = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc));
	pieces.push(runs.length > 0 ? Y.mergeUpdates([encodePiece(runs), deletions]) : deletions);
	return pieces;
}
