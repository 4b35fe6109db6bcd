// A decode thread (piscina task module, run by DecodeThreads): reads one
// line-aligned byte range of a log and decodes it with the same decoders as the
// main thread. Data-less chunk lines (most of a streaming log) travel back as
// numbers in typed arrays, output lines as their events; every other line as
// its bytes, for the main thread's decoder. Or hashes the file (the manifest's digest).
import { statSync } from 'node:fs';
import { blockDigestsIn, combineBlockDigests } from '../read/blockDigest.js';
import { readLines } from '../read/lines.js';
import { openRange, type ByteRange } from '../read/ranges.js';
import { decodeChunkLine } from './chunkLine.js';
import { decodeCompleteLine } from './completeLine.js';
import type { EventRecord } from '../model/events.js';

/**
 * Per line: bytes to decode on the main thread, a chunk line (first / later), a line too long to
 * keep, or an output line decoded here (its event in `outputs`, in line order).
 */
export const LineKind = { Bytes: 0, First: 1, Later: 2, TooLong: 3, Output: 4 } as const;

export interface DecodedRange {
  lines: number;
  /** Bytes of the range's lines, each with one byte for its line ending (as decodeStream counts). */
  bytes: number;
  kind: Uint8Array;
  /** Chunk lines: timestamp, sample uuid and conversation id (indices into `strings`), turn (NaN: null). */
  ts: BigInt64Array;
  uuid: Int32Array;
  conversation: Int32Array;
  turn: Float64Array;
  strings: string[];
  /** Output lines' events (decodeCompleteLine), structured-cloned: their Chunks arrive as plain objects. */
  outputs: EventRecord[];
  /** Other lines: their bytes, back to back; line k spans [start[k], end[k]). TooLong: end[k] is its length. */
  raw: Uint8Array;
  start: Int32Array;
  end: Int32Array;
}

export type RangeTask = { kind: 'decode'; path: string; range: ByteRange } | { kind: 'digest'; path: string };

const INT64_MAX = (1n << 63n) - 1n;

export default async function run(task: RangeTask): Promise<DecodedRange | string> {
  if (task.kind === 'digest') {
    const size = statSync(task.path).size;
    return combineBlockDigests([blockDigestsIn(task.path, 0, size, size)]);
  }
  return decodeRange(task.path, task.range);
}

async function decodeRange(path: string, range: ByteRange): Promise<DecodedRange> {
  const kinds: number[] = [];
  const ts: bigint[] = [];
  const uuid: number[] = [];
  const conversation: number[] = [];
  const turn: number[] = [];
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const intern = (s: string): number => {
    let i = stringIndex.get(s);
    if (i === undefined) {
      i = strings.push(s) - 1;
      stringIndex.set(s, i);
    }
    return i;
  };
  const outputs: EventRecord[] = [];
  const rawParts: Buffer[] = [];
  let rawBytes = 0;
  const starts: number[] = [];
  const ends: number[] = [];
  let bytes = 0;
  for await (const lines of readLines(openRange(path, range))) {
    for (const line of lines) {
      bytes += line.bytes + 1;
      const n = kinds.length;
      ts.push(0n);
      uuid.push(-1);
      conversation.push(-1);
      turn.push(NaN);
      starts.push(0);
      ends.push(0);
      if (line.buf === null) {
        kinds.push(LineKind.TooLong);
        ends[n] = line.bytes;
        continue;
      }
      const ev = decodeChunkLine(line.buf, line.start, line.end);
      if (ev !== null && ev.timestampNs <= INT64_MAX) {
        kinds.push(ev.eventType === 'sample.recv_first' ? LineKind.First : LineKind.Later);
        ts[n] = ev.timestampNs;
        uuid[n] = intern(ev.sampleUuid);
        conversation[n] = intern(ev.conversationId);
        turn[n] = ev.turn ?? NaN;
        continue;
      }
      const output = decodeCompleteLine(line.buf, line.start, line.end);
      if (output !== null) {
        kinds.push(LineKind.Output);
        outputs.push(output);
        continue;
      }
      kinds.push(LineKind.Bytes);
      // Copy: the read buffer is reused once this batch is done.
      rawParts.push(Buffer.from(line.buf.subarray(line.start, line.end)));
      starts[n] = rawBytes;
      rawBytes += line.end - line.start;
      ends[n] = rawBytes;
    }
  }
  return {
    lines: kinds.length,
    bytes,
    kind: Uint8Array.from(kinds),
    ts: BigInt64Array.from(ts),
    uuid: Int32Array.from(uuid),
    conversation: Int32Array.from(conversation),
    turn: Float64Array.from(turn),
    strings,
    outputs,
    raw: Buffer.concat(rawParts, rawBytes),
    start: Int32Array.from(starts),
    end: Int32Array.from(ends),
  };
}
