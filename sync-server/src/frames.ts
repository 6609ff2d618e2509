/**
 * The first sync from the in-memory document in bounded frames. Yjs encodes what a client lacks as one
 * update (`encodeStateAsUpdate(doc, stateVector)`), which for a big room is one huge message; here the same
 * structs are cut into several valid updates of about `limit` bytes each, at struct boundaries, and the
 * delete set goes last (in the closing step 2), once every struct it may name has been sent.
 *
 * Frames are planned as clock ranges per client and encoded one at a time just before they are sent, so a
 * newcomer costs one frame of memory, and the plan stays valid while the document changes under it (a
 * client's clock ranges never move; content deleted meanwhile is simply sent as a smaller GC struct).
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

/** Structs `[from, to)` of one client. Each frame names a client at most once (an update cannot repeat one). */
export interface FrameRange {
	client: number;
	from: number;
	to: number;
}

/** The frames of one first sync and their total size as planned. */
export interface FramePlan {
	frames: FrameRange[][];
	bytes: number;
}

/** Bytes a client's header in an update takes at most (struct count, client id, first clock as varUints). */
const RANGE_HEADER_BYTES = 3 * 8;

function structsOf(doc: Y.Doc, client: number): (Y.Item | Y.GC)[] {
	return (doc.store.clients.get(client) ?? []) as (Y.Item | Y.GC)[];
}

/**
 * Plans the frames of what a client with `stateVector` lacks: every client's structs past its clock, cut so
 * each frame encodes to at most about `limit` bytes (a single larger struct is a frame of its own).
 */
export function planFrames(doc: Y.Doc, stateVector: Map<number, number>, limit: number): FramePlan {
	const frames: FrameRange[][] = [];
	let frame: FrameRange[] = [];
	let frameBytes = 0;
	let bytes = 0;
	// Structs are measured by encoding them (an Item's size depends on its origins, parent and content) into
	// one scratch encoder per frame, dropped when the frame closes.
	let measure = new Y.UpdateEncoderV1();
	const close = () => {
		measure = new Y.UpdateEncoderV1();
		if (frame.length === 0) return;
		frames.push(frame);
		bytes += frameBytes;
		frame = [];
		frameBytes = 0;
	};
	// Higher client ids first, as Yjs writes them (it helps the receiver's conflict resolution).
	const clients = [...doc.store.clients.keys()].sort((a, b) => b - a);
	for (const client of clients) {
		const structs = structsOf(doc, client);
		const last = structs[structs.length - 1];
		if (!last) continue;
		const end = last.id.clock + last.length;
		let from = Math.max(stateVector.get(client) ?? 0, structs[0]!.id.clock);
		if (from >= end) continue;
		let rangeFrom = from;
		frameBytes += RANGE_HEADER_BYTES;
		for (let index = Y.findIndexSS(structs, from); index < structs.length; index++) {
			const struct = structs[index]!;
			const offset = from - struct.id.clock;
			const before = encoding.length(measure.restEncoder);
			struct.write(measure, offset);
			const size = encoding.length(measure.restEncoder) - before;
			if (frameBytes + size > limit && from > rangeFrom) {
				frame.push({ client, from: rangeFrom, to: from });
				close();
				rangeFrom = from;
				frameBytes = RANGE_HEADER_BYTES;
			} else if (frameBytes + size > limit && frame.length > 0) {
				// This client's first struct does not fit beside other clients' ranges: start a new frame.
				close();
				frameBytes = RANGE_HEADER_BYTES;
			}
			frameBytes += size;
			from = struct.id.clock + struct.length;
		}
		frame.push({ client, from: rangeFrom, to: end });
	}
	close();
	return { frames, bytes };
}

/** Encodes one planned frame as a Yjs (v1) update with an empty delete set. */
export function encodeFrame(doc: Y.Doc, ranges: FrameRange[]): Uint8Array {
	const encoder = new Y.UpdateEncoderV1();
	const rest = encoder.restEncoder;
	encoding.writeVarUint(rest, ranges.length);
	for (const { client, from, to } of ranges) {
		const structs = structsOf(doc, client);
		const start = Y.findIndexSS(structs, from);
		let stop = start + 1;
		while (stop < structs.length && structs[stop]!.id.clock < to) stop++;
		encoding.writeVarUint(rest, stop - start);
		encoder.writeClient(client);
		encoding.writeVarUint(rest, from);
		structs[start]!.write(encoder, from - structs[start]!.id.clock);
		for (let index = start + 1; index < stop; index++) structs[index]!.write(encoder, 0);
	}
	// Empty delete set: the whole delete set follows in the closing step 2.
	encoding.writeVarUint(rest, 0);
	return encoder.toUint8Array();
}

/** The document's whole delete set as an update without structs (what the closing step 2 carries). */
export function encodeDeleteSet(doc: Y.Doc): Uint8Array {
	return Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc));
}
