// Decoded lines in file order, in batches: the pipeline's input. Either read and
// decoded here, on the calling thread (any stream: files, .gz, stdin), or by
// DecodeThreads (src/decode/parallel.ts) for a plain file on a large machine;
// both yield the same results for the same bytes.
import type { Readable } from 'node:stream';
import { readLines } from '../read/lines.js';
import { decodeLogLine, type DecodeResult } from './events.js';

export interface DecodedBatch {
  /** Line number of results[0]; the batch's lines are consecutive. */
  firstLine: number;
  /** Bytes of the batch's lines, each with one byte for its line ending. */
  bytes: number;
  results: DecodeResult[];
}

export async function* decodeStream(stream: Readable | AsyncIterable<Buffer>): AsyncGenerator<DecodedBatch> {
  for await (const lines of readLines(stream)) {
    const results = new Array<DecodeResult>(lines.length);
    let bytes = 0;
    for (let i = 0; i < lines.length; i++) {
      results[i] = decodeLogLine(lines[i]!);
      bytes += lines[i]!.bytes + 1;
    }
    yield { firstLine: lines[0]!.no, bytes, results };
  }
}
