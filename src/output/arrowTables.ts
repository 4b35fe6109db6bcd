// Apache Arrow IPC tables for notebooks (pandas, polars, DuckDB): one row per
// sample, and per-interval time series. Pure: aggregator state in, Arrow
// record batches out (arrowFile.ts writes them).
// Times are ns relative to session.started (or the first event); null means
// "did not happen" (no first chunk, not completed, not counted).
import { Bool, Field, Float64, Int32, Int64, RecordBatch, Schema, Struct, Table, Utf8, makeData, vectorFromArray, type Data, type DataType } from '../vendor/arrow.js';
import type { SampleRows } from '../aggregate/sampleTable.js';
import type { Utf8Slice } from '../model/columns.js';

/** Rows per record batch: enough to amortize Arrow's per-batch overhead, small enough that building one stays a few MB. */
export const SAMPLES_ROWS_PER_BATCH = 1 << 14;

const SAMPLE_COLUMNS: Array<[string, DataType]> = [
  ['sample_row', new Int32()],
  ['uuid', new Utf8()],
  ['conversation_id', new Utf8()],
  ['turn', new Int32()],
  ['tracked', new Bool()],
  ['tracking_block', new Int32()],
  ['issued_ns', new Int64()],
  ['first_chunk_ns', new Int64()],
  ['complete_ns', new Int64()],
  ['ttft_ns', new Int64()],
  ['latency_ns', new Int64()],
  ['tpot_ns', new Float64()],
  ['isl', new Int32()],
  ['osl', new Int32()],
  ['tokens_after_first_chunk', new Int32()],
  ['chunks', new Int32()],
  ['times_issued', new Int32()],
  ['finish_reason', new Utf8()],
  ['error_type', new Utf8()],
  ['error_message', new Utf8()],
  ['worker_id', new Int32()],
];

export const SAMPLES_SCHEMA = new Schema(SAMPLE_COLUMNS.map(([name, type]) => new Field(name, type, true)));

/**
 * samples.arrow, one row per sample (tracked and untracked), as record batches
 * of `rowsPerBatch` rows: memory for the columns is one batch's, not the run's.
 */
export function* samplesBatches(agg: SampleRows, rowsPerBatch = SAMPLES_ROWS_PER_BATCH): Generator<RecordBatch> {
  const s = agg.samples;
  const base = agg.timeBaseNs;
  const relNs = (t: bigint | null): bigint | null => (t === null ? null : t - base);
  const ns = (v: number | null): bigint | null => (v === null ? null : BigInt(v));
  for (let from = 0; from < s.length; from += rowsPerBatch) {
    const n = Math.min(rowsPerBatch, s.length - from);
    const at = <T>(c: { get(i: number): T | null }) => (k: number): T | null => c.get(from + k);
    const columns: Data[] = [
      int32Column(n, (k) => from + k),
      utf8Column(s.uuid.utf8(from, n)),
      utf8Column(s.conversationId.utf8(from, n)),
      int32Column(n, at(s.turn)),
      boolColumn(n, (k) => s.tracked(from + k)),
      int32Column(n, (k) => (s.tracked(from + k) ? s.block.get(from + k) : null)),
      int64Column(n, (k) => relNs(s.issuedNs.get(from + k))),
      int64Column(n, (k) => relNs(s.firstChunkNs.get(from + k))),
      int64Column(n, (k) => relNs(s.completeNs.get(from + k))),
      int64Column(n, (k) => ns(s.ttftNs.get(from + k))),
      int64Column(n, (k) => ns(s.latencyNs.get(from + k))),
      float64Column(n, at(s.tpotNs)),
      int32Column(n, at(s.isl)),
      int32Column(n, at(s.osl)),
      int32Column(n, at(s.tokensAfterFirst)),
      int32Column(n, at(s.chunks)),
      int32Column(n, at(s.issueCount)),
      utf8Column(s.finishReason.utf8(from, n)),
      utf8Column(s.errorType.utf8(from, n)),
      utf8Column(s.errorMessage.utf8(from, n)),
      int32Column(n, at(s.workerId)),
    ];
    yield new RecordBatch(SAMPLES_SCHEMA, makeData({ type: new Struct(SAMPLES_SCHEMA.fields), length: n, nullCount: 0, children: columns }));
  }
}

/** A fixed-width column from `get(row)`, null where it returns null. */
function fixedColumn<T, A extends Int32Array | BigInt64Array | Float64Array>(type: DataType, values: A, get: (k: number) => T | null, put: (a: A, k: number, v: T) => void): Data {
  const n = values.length;
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let k = 0; k < n; k++) {
    const v = get(k);
    if (v === null) nulls++;
    else {
      put(values, k, v);
      valid[k >> 3]! |= 1 << (k & 7);
    }
  }
  return makeData({ type, length: n, nullCount: nulls, data: values as never, nullBitmap: nulls > 0 ? valid : undefined } as never);
}

const int32Column = (n: number, get: (k: number) => number | null): Data => fixedColumn(new Int32(), new Int32Array(n), get, (a, k, v) => (a[k] = v));
const int64Column = (n: number, get: (k: number) => bigint | null): Data => fixedColumn(new Int64(), new BigInt64Array(n), get, (a, k, v) => (a[k] = v));
const float64Column = (n: number, get: (k: number) => number | null): Data => fixedColumn(new Float64(), new Float64Array(n), get, (a, k, v) => (a[k] = v));

function boolColumn(n: number, get: (k: number) => boolean): Data {
  const bits = new Uint8Array((n + 7) >> 3);
  for (let k = 0; k < n; k++) if (get(k)) bits[k >> 3]! |= 1 << (k & 7);
  return makeData({ type: new Bool(), length: n, nullCount: 0, data: bits });
}

const utf8Column = ({ offsets, values, validity, nulls }: Utf8Slice): Data =>
  makeData({ type: new Utf8(), length: offsets.length - 1, nullCount: nulls, valueOffsets: offsets, data: values, nullBitmap: validity ?? undefined });

export interface TimeSeries {
  intervalNs: number;
  /** Start of each interval, ns since the time base. */
  startNs: number[];
  issued: number[];
  completed: number[];
  failed: number[];
  inFlight: number[];
  /** Output tokens of samples completed in the interval, per second. */
  outputTokensPerS: number[];
  /** TTFT percentiles over first chunks in a trailing window of ROLLING intervals (null when none). */
  ttftP50Ns: Array<number | null>;
  ttftP99Ns: Array<number | null>;
}

export const ROLLING = 10;
const MAX_INTERVALS = 2000;

/** Per-interval counts: 1 s intervals, widened (1, 2, 5 × 10^k s) so there are at most 2000. */
export function timeSeries(agg: SampleRows): TimeSeries {
  const s = agg.samples;
  const base = agg.timeBaseNs;
  let end = 0;
  for (let i = 0; i < s.length; i++) {
    const issued = s.issuedNs.get(i);
    const complete = s.completeNs.get(i);
    if (issued !== null) end = Math.max(end, Number(issued - base));
    if (complete !== null) end = Math.max(end, Number(complete - base));
  }
  let intervalNs = 1e9;
  for (let k = 0; end / intervalNs > MAX_INTERVALS; k++) intervalNs = [2, 5, 10][k % 3]! * 10 ** (9 + Math.floor(k / 3));
  const n = Math.max(1, Math.ceil((end + 1) / intervalNs));
  const zeros = (): number[] => new Array<number>(n).fill(0);
  const ts: TimeSeries = { intervalNs, startNs: Array.from({ length: n }, (_, i) => i * intervalNs), issued: zeros(), completed: zeros(), failed: zeros(), inFlight: zeros(), outputTokensPerS: zeros(), ttftP50Ns: [], ttftP99Ns: [] };
  const bucket = (t: bigint): number => Math.min(n - 1, Math.max(0, Math.floor(Number(t - base) / intervalNs)));
  const ttftBy: number[][] = Array.from({ length: n }, () => []);
  const delta = zeros();
  for (let i = 0; i < s.length; i++) {
    const iss = s.issuedNs.get(i);
    const done = s.completeNs.get(i);
    if (iss !== null) {
      ts.issued[bucket(iss)]!++;
      delta[bucket(iss)]!++;
    }
    if (done !== null) {
      const b = bucket(done);
      ts.completed[b]!++;
      delta[b]!--;
      if (!s.errorType.isNull(i)) ts.failed[b]!++;
      const osl = s.osl.get(i);
      if (osl !== null) ts.outputTokensPerS[b]! += osl / (intervalNs / 1e9);
    }
    const first = s.firstChunkNs.get(i);
    const ttft = s.ttftNs.get(i);
    if (first !== null && ttft !== null) ttftBy[bucket(first)]!.push(ttft);
  }
  let inFlight = 0;
  // The trailing window, kept sorted: each interval's values are sorted once, merged in as
  // it enters and taken out as it leaves (linear merges, not a sort of the whole window).
  const sorted: Float64Array[] = [];
  let window: Float64Array = new Float64Array(0);
  for (let b = 0; b < n; b++) {
    inFlight += delta[b]!;
    ts.inFlight[b] = inFlight;
    // A typed array sorts numerically in native code, several times faster than a comparator sort.
    sorted[b] = Float64Array.from(ttftBy[b]!).sort();
    ttftBy[b] = [];
    const leaving = b >= ROLLING ? sorted[b - ROLLING]! : null;
    if (leaving) delete sorted[b - ROLLING];
    window = mergeSorted(leaving ? withoutSorted(window, leaving) : window, sorted[b]!);
    const lower = (p: number): number | null => (window.length ? window[Math.floor((window.length - 1) * (p / 100))]! : null);
    ts.ttftP50Ns.push(lower(50));
    ts.ttftP99Ns.push(lower(99));
  }
  return ts;
}

/** The sorted union (with repeats) of two sorted arrays. */
function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** Sorted `a` less one occurrence of each value of sorted `b` (every one of which `a` holds). */
function withoutSorted(a: Float64Array, b: Float64Array): Float64Array {
  if (b.length === 0) return a;
  const out = new Float64Array(a.length - b.length);
  let j = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (j < b.length && a[i] === b[j]) j++;
    else out[k++] = a[i]!;
  }
  return out;
}

export function timeSeriesTable(ts: TimeSeries): Table {
  return new Table({
    start_ns: vectorFromArray(ts.startNs.map((x) => BigInt(x)), new Int64()),
    issued: vectorFromArray(ts.issued, new Int32()),
    completed: vectorFromArray(ts.completed, new Int32()),
    failed: vectorFromArray(ts.failed, new Int32()),
    in_flight: vectorFromArray(ts.inFlight, new Int32()),
    output_tokens_per_s: vectorFromArray(ts.outputTokensPerS, new Float64()),
    ttft_p50_ns: vectorFromArray(ts.ttftP50Ns, new Float64()),
    ttft_p99_ns: vectorFromArray(ts.ttftP99Ns, new Float64()),
  });
}
