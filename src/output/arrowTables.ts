// Apache Arrow IPC tables for notebooks (pandas, polars, DuckDB): one row per
// sample, and per-interval time series. Pure: aggregator state in, bytes out.
// Times are ns relative to session.started (or the first event); null means
// "did not happen" (no first chunk, not completed, not counted).
import { Bool, Float64, Int32, Int64, Table, Utf8, tableToIPC, vectorFromArray, type Vector } from 'apache-arrow';
import type { Aggregator } from '../replay/aggregator.js';

const rel = (t: bigint | null, base: bigint): bigint | null => (t === null ? null : t - base);

function int64(values: Array<bigint | null>): Vector {
  return vectorFromArray(values, new Int64());
}

/** Session start, or the first issue when the log has no session.started. */
export function timeBase(agg: Aggregator): bigint {
  if (agg.sessionStartNs !== null) return agg.sessionStartNs;
  let min: bigint | null = null;
  for (const t of agg.samples.issuedNs) if (t !== null && (min === null || t < min)) min = t;
  return min ?? 0n;
}

/** samples.arrow: one row per sample, tracked and untracked. */
export function samplesTable(agg: Aggregator): Table {
  const s = agg.samples;
  const base = timeBase(agg);
  return new Table({
    sample_row: vectorFromArray(Array.from({ length: s.length }, (_, i) => i), new Int32()),
    uuid: vectorFromArray(s.uuid, new Utf8()),
    conversation_id: vectorFromArray(s.conversationId, new Utf8()),
    turn: vectorFromArray(s.turn, new Int32()),
    tracked: vectorFromArray(s.block.map((b) => b >= 0), new Bool()),
    tracking_block: vectorFromArray(s.block.map((b) => (b >= 0 ? b : null)), new Int32()),
    issued_ns: int64(s.issuedNs.map((t) => rel(t, base))),
    first_chunk_ns: int64(s.firstChunkNs.map((t) => rel(t, base))),
    complete_ns: int64(s.completeNs.map((t) => rel(t, base))),
    ttft_ns: int64(s.ttftNs.map((v) => (v === null ? null : BigInt(v)))),
    latency_ns: int64(s.latencyNs.map((v) => (v === null ? null : BigInt(v)))),
    tpot_ns: vectorFromArray(s.tpotNs, new Float64()),
    isl: vectorFromArray(s.isl, new Int32()),
    osl: vectorFromArray(s.osl, new Int32()),
    tokens_after_first_chunk: vectorFromArray(s.tokensAfterFirst, new Int32()),
    chunks: vectorFromArray(s.chunks, new Int32()),
    times_issued: vectorFromArray(s.issueCount, new Int32()),
    finish_reason: vectorFromArray(s.finishReason, new Utf8()),
    error_type: vectorFromArray(s.errorType, new Utf8()),
    error_message: vectorFromArray(s.errorMessage, new Utf8()),
    worker_id: vectorFromArray(s.workerId, new Int32()),
  });
}

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
export function timeSeries(agg: Aggregator): TimeSeries {
  const s = agg.samples;
  const base = timeBase(agg);
  let end = 0;
  for (let i = 0; i < s.length; i++) {
    for (const t of [s.issuedNs[i], s.completeNs[i]]) if (t !== null && t !== undefined) end = Math.max(end, Number(t - base));
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
    const iss = s.issuedNs[i]!;
    const done = s.completeNs[i]!;
    if (iss !== null) {
      ts.issued[bucket(iss)]!++;
      delta[bucket(iss)]!++;
    }
    if (done !== null) {
      const b = bucket(done);
      ts.completed[b]!++;
      delta[b]!--;
      if (s.errorType[i] !== null) ts.failed[b]!++;
      if (s.osl[i] !== null) ts.outputTokensPerS[b]! += s.osl[i]! / (intervalNs / 1e9);
    }
    const first = s.firstChunkNs[i]!;
    if (first !== null && s.ttftNs[i] !== null) ttftBy[bucket(first)]!.push(s.ttftNs[i]!);
  }
  let inFlight = 0;
  for (let b = 0; b < n; b++) {
    inFlight += delta[b]!;
    ts.inFlight[b] = inFlight;
    const window = ttftBy.slice(Math.max(0, b - ROLLING + 1), b + 1).flat().sort((x, y) => x - y);
    const lower = (p: number): number | null => (window.length ? window[Math.floor((window.length - 1) * (p / 100))]! : null);
    ts.ttftP50Ns.push(lower(50));
    ts.ttftP99Ns.push(lower(99));
  }
  return ts;
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

export function toIpc(table: Table): Uint8Array {
  return tableToIPC(table, 'file');
}

