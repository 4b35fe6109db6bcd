// Decoding a plain log file on worker threads, for machines whose tokenizer
// workers outrun one decoding thread. The file is split into line-aligned
// ranges of SEGMENT_BYTES; a window of them is decoded at once and yielded in
// file order, so memory stays bounded and line numbers match a sequential read.
// One more thread hashes the file meanwhile (the manifest's digest).
import { statSync } from 'node:fs';
import { Piscina } from 'piscina';
import { builtSibling } from '../base/distPath.js';
import { Line } from '../read/lines.js';
import { splitRanges } from '../read/ranges.js';
import type { DecodedBatch } from './batches.js';
import { Chunks, type EventRecord, type OutputField, type TextModelOutput } from '../model/events.js';
import { decodeLogLine, type DecodeResult } from './events.js';
import { LineKind, type DecodedRange, type RangeTask } from './rangeWorker.js';

const SEGMENT_BYTES = 32 << 20;

/**
 * Decode threads by default: one per 8 CPUs from 16 CPUs up, else none. One
 * thread decodes ~200 MB/s of a streaming log (scripts/bench-parse.mjs), what
 * ~8 CPUs of tokenizer workers consume; below 16 CPUs the workers need them all.
 */
export function defaultDecodeThreads(cpus: number): number {
  return cpus >= 16 ? Math.floor(cpus / 8) : 0;
}

/** A pool of decode threads; one more thread hashes files meanwhile. */
export class DecodeThreads {
  private readonly pool: Piscina;

  constructor(readonly threads: number) {
    this.pool = new Piscina({ filename: builtSibling(import.meta.url, 'rangeWorker.js'), minThreads: threads + 1, maxThreads: threads + 1, idleTimeout: 60_000 });
  }

  /** The file's digest (read/blockDigest.ts), hex; start it before decoding: it runs beside. */
  digest(path: string): Promise<string> {
    const hex = this.pool.run({ kind: 'digest', path } satisfies RangeTask) as Promise<string>;
    hex.catch(() => undefined);
    return hex;
  }

  /** The file's lines, decoded, in file order; segmentBytes: the size of the ranges decoded at once. */
  async *batches(path: string, segmentBytes = SEGMENT_BYTES): AsyncGenerator<DecodedBatch> {
    const ranges = splitRanges(path, Math.max(1, Math.ceil(statSync(path).size / segmentBytes)));
    const window: Array<Promise<DecodedRange>> = [];
    let next = 0;
    let firstLine = 1;
    while (next < ranges.length || window.length > 0) {
      while (next < ranges.length && window.length < 2 * this.threads) {
        const p = this.pool.run({ kind: 'decode', path, range: ranges[next++]! } satisfies RangeTask) as Promise<DecodedRange>;
        // Awaited in order below; a later range failing first must not go unhandled.
        p.catch(() => undefined);
        window.push(p);
      }
      const range = await window.shift()!;
      yield toBatch(range, firstLine);
      firstLine += range.lines;
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

function toBatch(r: DecodedRange, firstLine: number): DecodedBatch {
  const raw = Buffer.from(r.raw.buffer, r.raw.byteOffset, r.raw.byteLength);
  const results = new Array<DecodeResult>(r.lines);
  let output = 0;
  for (let k = 0; k < r.lines; k++) {
    const kind = r.kind[k];
    if (kind === LineKind.Output) {
      results[k] = { ok: true, event: revive(r.outputs[output++]!) };
    } else if (kind === LineKind.First || kind === LineKind.Later) {
      const turn = r.turn[k]!;
      results[k] = {
        ok: true,
        event: {
          eventType: kind === LineKind.First ? 'sample.recv_first' : 'sample.recv_non_first',
          timestampNs: r.ts[k]!,
          sampleUuid: r.strings[r.uuid[k]!]!,
          conversationId: r.strings[r.conversation[k]!]!,
          turn: Number.isNaN(turn) ? null : turn,
          data: null,
          finishReason: undefined,
          workerId: undefined,
        },
      };
    } else if (kind === LineKind.TooLong) {
      results[k] = decodeLogLine(new Line(firstLine + k, null, 0, 0, r.end[k]!));
    } else {
      results[k] = decodeLogLine(new Line(firstLine + k, raw, r.start[k]!, r.end[k]!, r.end[k]! - r.start[k]!));
    }
  }
  return { firstLine, bytes: r.bytes, results };
}

/** An output event after structured cloning: its streamed fields become Chunks again. */
function revive(event: EventRecord): EventRecord {
  const data = event.data as TextModelOutput;
  const chunks = (f: OutputField | null): OutputField | null => (f === null || typeof f === 'string' ? f : new Chunks(f.count, f.first, f.rest));
  data.output = chunks(data.output)!;
  data.reasoning = chunks(data.reasoning);
  return event;
}
