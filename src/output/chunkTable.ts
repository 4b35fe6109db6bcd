// chunks.arrow: one row per chunk arrival, streamed to disk in record batches
// while the log is replayed, so memory stays flat however many chunks a run
// has. Also keeps what the ITL chart and conventions table need: the exact
// count and sum of inter-chunk gaps, and a deterministic uniform sample of them.
import { Field, Int32, Int64, RecordBatch, Schema, Struct, makeData, type Data } from '../vendor/arrow.js';
import type { ChunkSink } from '../aggregate/sampleTable.js';
import { join } from 'node:path';
import { ArrowFileWriter } from './arrowFile.js';
import type { TableFormat } from './tableFormats.js';

const ROWS_PER_BATCH = 1 << 16;
/** Inter-chunk gaps kept for the ITL chart (reservoir sample beyond this). */
export const ITL_SAMPLE_SIZE = 100_000;

export const CHUNK_SCHEMA = new Schema([
  new Field('sample_row', new Int32(), false),
  new Field('attempt', new Int32(), false),
  new Field('chunk', new Int32(), false),
  new Field('since_issue_ns', new Int64(), true),
  new Field('itl_ns', new Int64(), true),
]);

/**
 * Where the replay writes chunks.arrow: there, or a hidden spool file when Arrow
 * is not among the formats (the other formats are converted from it, then it goes).
 */
export const chunkArrowPath = (outDir: string, formats: readonly TableFormat[]): string => join(outDir, formats.includes('arrow') ? 'chunks.arrow' : '.chunks.spool.arrow');

export interface ItlStats {
  /** Gaps between consecutive chunks of one attempt of a tracked sample, and their sum (ns). */
  count: number;
  sumNs: number;
  /** Up to ITL_SAMPLE_SIZE gaps in ms, a uniform sample when there were more. */
  sampleMs: number[];
}

export class ChunkArrowWriter implements ChunkSink {
  private readonly writer: ArrowFileWriter;
  private row = new Int32Array(ROWS_PER_BATCH);
  private attempt = new Int32Array(ROWS_PER_BATCH);
  private index = new Int32Array(ROWS_PER_BATCH);
  private since = new BigInt64Array(ROWS_PER_BATCH);
  private gap = new BigInt64Array(ROWS_PER_BATCH);
  private sinceValid = new Uint8Array(ROWS_PER_BATCH >> 3);
  private gapValid = new Uint8Array(ROWS_PER_BATCH >> 3);
  private n = 0;
  private written = 0;
  private readonly itl: ItlStats = { count: 0, sumNs: 0, sampleMs: [] };
  private seed = 0x9e3779b9;

  constructor(readonly path: string) {
    this.writer = new ArrowFileWriter(path, CHUNK_SCHEMA);
  }

  chunk(row: number, attempt: number, index: number, sinceIssueNs: bigint | null, gapNs: bigint | null, tracked: boolean): void {
    const k = this.n++;
    this.row[k] = row;
    this.attempt[k] = attempt;
    this.index[k] = index;
    if (sinceIssueNs !== null) {
      this.since[k] = sinceIssueNs;
      this.sinceValid[k >> 3]! |= 1 << (k & 7);
    }
    if (gapNs !== null) {
      this.gap[k] = gapNs;
      this.gapValid[k >> 3]! |= 1 << (k & 7);
      if (tracked) this.sampleGap(Number(gapNs));
    }
    if (this.n === ROWS_PER_BATCH) this.flush();
  }

  /** Rows written so far. */
  get rows(): number {
    return this.written + this.n;
  }

  get itlStats(): ItlStats {
    return this.itl;
  }

  /** Write the rest and the footer, then move the file into place. */
  finish(): void {
    this.flush();
    this.writer.finish();
  }

  /** Drop the partial file (on error or interrupt). */
  abort(): void {
    this.writer.abort();
  }

  private flush(): void {
    const n = this.n;
    if (n === 0) return;
    const sinceNulls = n - popcount(this.sinceValid, n);
    const gapNulls = n - popcount(this.gapValid, n);
    const col = (type: Int32 | Int64, values: Int32Array | BigInt64Array, valid?: Uint8Array, nulls = 0): Data =>
      makeData({ type, length: n, nullCount: nulls, data: values.slice(0, n) as never, nullBitmap: nulls > 0 ? valid!.slice(0, (n + 7) >> 3) : undefined });
    const children = [
      col(new Int32(), this.row),
      col(new Int32(), this.attempt),
      col(new Int32(), this.index),
      col(new Int64(), this.since, this.sinceValid, sinceNulls),
      col(new Int64(), this.gap, this.gapValid, gapNulls),
    ];
    const struct = makeData({ type: new Struct(CHUNK_SCHEMA.fields), length: n, nullCount: 0, children });
    this.writer.write(new RecordBatch(CHUNK_SCHEMA, struct));
    this.written += n;
    this.n = 0;
    this.sinceValid.fill(0);
    this.gapValid.fill(0);
  }

  /** Algorithm R with a fixed-seed generator: the sample depends only on the log. */
  private sampleGap(ns: number): void {
    const s = this.itl;
    s.count++;
    s.sumNs += ns;
    if (s.sampleMs.length < ITL_SAMPLE_SIZE) {
      s.sampleMs.push(ns / 1e6);
      return;
    }
    const j = Math.floor(this.random() * s.count);
    if (j < ITL_SAMPLE_SIZE) s.sampleMs[j] = ns / 1e6;
  }

  /** mulberry32 */
  private random(): number {
    let t = (this.seed = (this.seed + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

function popcount(bits: Uint8Array, n: number): number {
  let c = 0;
  for (let k = 0; k < n; k++) c += (bits[k >> 3]! >> (k & 7)) & 1;
  return c;
}
