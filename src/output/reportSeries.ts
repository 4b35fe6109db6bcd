// What the report's over-time charts draw, computed from the samples table
// (samples.arrow / .parquet as replay wrote it, read back and type-checked by
// commands/report.ts): time buckets of a readable resolution, throughput with
// a smoothed line, in-flight requests, errors, TTFT/TPOT/ITL percentiles per
// bucket, a deterministic sample of swim lanes, and the shaded windows. Pure.
// Values are ns since the run's time base; NaN marks "none" (a null cell).

/** The sample table's columns the report uses, one entry per sample row. */
export interface SampleColumns {
  n: number;
  issuedNs: Float64Array;
  firstChunkNs: Float64Array;
  completeNs: Float64Array;
  ttftNs: Float64Array;
  latencyNs: Float64Array;
  tpotNs: Float64Array;
  isl: Float64Array;
  osl: Float64Array;
  chunks: Float64Array;
  /** 1 when issued inside performance tracking. */
  tracked: Uint8Array;
  /** Tracking block of a tracked sample, NaN otherwise. */
  block: Float64Array;
  /** 1 when the sample had an error. */
  failed: Uint8Array;
}

const ok = (v: number): boolean => Number.isFinite(v);

/** At most this many time buckets in an over-time chart: about 3 px each at chart width. */
export const MAX_BUCKETS = 200;
/** Swim lanes drawn at most; larger runs are sampled evenly by issue order. */
export const MAX_LANES = 500;
/** Buckets averaged (centred) into the smoothed throughput line. */
export const SMOOTHING = 5;

export interface Buckets {
  widthNs: number;
  count: number;
}

/** Bucket width 1, 2 or 5 × 10^k ns (from 1 ms) so that the run's span takes at most `max` buckets. */
export function buckets(c: SampleColumns, max = MAX_BUCKETS): Buckets {
  let end = 0;
  for (let i = 0; i < c.n; i++) {
    for (const t of [c.issuedNs[i]!, c.completeNs[i]!]) if (ok(t) && t > end) end = t;
  }
  let widthNs = 1e6;
  for (let k = 0; end / widthNs >= max && k < 60; k++) widthNs = [2, 5, 10][k % 3]! * 10 ** (6 + Math.floor(k / 3));
  return { widthNs, count: Math.max(1, Math.min(max, Math.ceil((end + 1) / widthNs))) };
}

const bucketOf = (b: Buckets, t: number): number => Math.min(b.count - 1, Math.max(0, Math.floor(t / b.widthNs)));

export interface OverTimeRow {
  /** Bucket start, seconds since the time base. */
  t: number;
  series: string;
  y: number | null;
}

/** Output tokens/s and completed requests/s per bucket, with a centred moving average of SMOOTHING buckets. */
export function throughputRows(c: SampleColumns, b: Buckets): { tokens: OverTimeRow[]; requests: OverTimeRow[] } {
  const tok = new Float64Array(b.count);
  const req = new Float64Array(b.count);
  for (let i = 0; i < c.n; i++) {
    const done = c.completeNs[i]!;
    if (!ok(done)) continue;
    const k = bucketOf(b, done);
    req[k]!++;
    if (ok(c.osl[i]!)) tok[k]! += c.osl[i]!;
  }
  const perS = 1e9 / b.widthNs;
  const t = (k: number): number => (k * b.widthNs) / 1e9;
  const smooth = (xs: Float64Array): number[] => {
    const half = Math.floor(SMOOTHING / 2);
    return Array.from(xs, (_, k) => {
      let s = 0;
      let n = 0;
      for (let j = Math.max(0, k - half); j <= Math.min(xs.length - 1, k + half); j++) {
        s += xs[j]!;
        n++;
      }
      return (s / n) * perS;
    });
  };
  const sTok = smooth(tok);
  const sReq = smooth(req);
  const tokens: OverTimeRow[] = [];
  const requests: OverTimeRow[] = [];
  for (let k = 0; k < b.count; k++) {
    tokens.push({ t: t(k), series: 'per bucket', y: tok[k]! * perS }, { t: t(k), series: `smoothed (${SMOOTHING} buckets)`, y: sTok[k]! });
    requests.push({ t: t(k), series: 'per bucket', y: req[k]! * perS }, { t: t(k), series: `smoothed (${SMOOTHING} buckets)`, y: sReq[k]! });
  }
  return { tokens, requests };
}

/** Requests in flight at each bucket's end, requests issued and failed per bucket. */
export function loadRows(c: SampleColumns, b: Buckets): { concurrency: OverTimeRow[]; errors: Array<{ t: number; failed: number }> } {
  const delta = new Float64Array(b.count);
  const issued = new Float64Array(b.count);
  const failed = new Float64Array(b.count);
  for (let i = 0; i < c.n; i++) {
    const iss = c.issuedNs[i]!;
    const done = c.completeNs[i]!;
    if (ok(iss)) {
      delta[bucketOf(b, iss)]!++;
      issued[bucketOf(b, iss)]!++;
    }
    if (ok(done)) {
      if (ok(iss)) delta[bucketOf(b, done)]!--;
      if (c.failed[i]) failed[bucketOf(b, done)]!++;
    }
  }
  const concurrency: OverTimeRow[] = [];
  const errors: Array<{ t: number; failed: number }> = [];
  let inFlight = 0;
  for (let k = 0; k < b.count; k++) {
    inFlight += delta[k]!;
    const t = (k * b.widthNs) / 1e9;
    concurrency.push({ t, series: 'in flight', y: inFlight }, { t, series: 'issued per bucket', y: issued[k]! });
    errors.push({ t, failed: failed[k]! });
  }
  return { concurrency, errors };
}

/** numpy "lower" percentile of ascending `sorted`. */
const lower = (sorted: Float64Array, p: number): number => sorted[Math.floor((sorted.length - 1) * (p / 100))]!;

/**
 * p50/p90/p99 (numpy "lower") per bucket of `value(i)` in ms, each sample in the
 * bucket of `at(i)`; buckets without a value are left out.
 */
export function percentileRows(c: SampleColumns, b: Buckets, at: (i: number) => number, value: (i: number) => number): OverTimeRow[] {
  const count = new Int32Array(b.count);
  const where = new Int32Array(c.n).fill(-1);
  for (let i = 0; i < c.n; i++) {
    if (!c.tracked[i]) continue;
    const t = at(i);
    const v = value(i);
    if (!ok(t) || !ok(v)) continue;
    where[i] = bucketOf(b, t);
    count[where[i]!]!++;
  }
  // Values grouped by bucket in one array (counting sort), each group sorted natively.
  const start = new Int32Array(b.count + 1);
  for (let k = 0; k < b.count; k++) start[k + 1] = start[k]! + count[k]!;
  const fill = start.slice(0, b.count);
  const values = new Float64Array(start[b.count]!);
  for (let i = 0; i < c.n; i++) if (where[i]! >= 0) values[fill[where[i]!]!++] = value(i) / 1e6;
  const rows: OverTimeRow[] = [];
  for (let k = 0; k < b.count; k++) {
    if (count[k] === 0) continue;
    const group = values.subarray(start[k]!, start[k + 1]!).sort();
    const t = (k * b.widthNs) / 1e9;
    for (const p of [50, 90, 99]) rows.push({ t, series: `p${p}`, y: lower(group, p) });
  }
  return rows;
}

/** Mean gap between a request's chunks (latency − TTFT) / (chunks − 1), NaN under two chunks. */
export const meanChunkGapNs = (c: SampleColumns, i: number): number => (c.chunks[i]! > 1 ? (c.latencyNs[i]! - c.ttftNs[i]!) / (c.chunks[i]! - 1) : NaN);

export interface Lane {
  lane: number;
  row: number;
  issued: number;
  first: number | null;
  done: number | null;
  status: string;
  ttftMs: number | null;
  latencyMs: number | null;
  osl: number | null;
}

/**
 * One lane per request (times in s): issue -> first chunk -> completion. With
 * more than `max` issued requests, every (n/max)-th by issue order: the same
 * lanes for the same table, whatever else changes.
 */
export function laneRows(c: SampleColumns, max = MAX_LANES): { lanes: Lane[]; total: number } {
  const rows: number[] = [];
  for (let i = 0; i < c.n; i++) if (ok(c.issuedNs[i]!)) rows.push(i);
  rows.sort((a, b) => c.issuedNs[a]! - c.issuedNs[b]! || a - b);
  const picked = rows.length <= max ? rows : Array.from({ length: max }, (_, k) => rows[Math.floor((k * rows.length) / max)]!);
  const s = (v: number): number | null => (ok(v) ? v / 1e9 : null);
  const ms = (v: number): number | null => (ok(v) ? v / 1e6 : null);
  const lanes = picked.map((i, lane) => ({
    lane,
    row: i,
    issued: c.issuedNs[i]! / 1e9,
    first: s(c.firstChunkNs[i]!),
    done: s(c.completeNs[i]!),
    status: c.failed[i] ? 'failed' : !ok(c.completeNs[i]!) ? 'not completed' : c.tracked[i] ? 'ok' : 'untracked (warm-up)',
    ttftMs: ms(c.ttftNs[i]!),
    latencyMs: ms(c.latencyNs[i]!),
    osl: ok(c.osl[i]!) ? c.osl[i]! : null,
  }));
  return { lanes, total: rows.length };
}

export interface Region {
  kind: string;
  start: number;
  end: number;
}

/**
 * Shaded windows, in s: each tracking block (its first tracked issue to its
 * last tracked completion), the warm-up (untracked requests issued before the
 * first block) and, given the steady-state super-pass window, the span of its
 * samples (tracked samples by issue order, super-passes of `superpassSize`).
 */
export function regions(c: SampleColumns, steady: { superpassSize: number; warmup: number; spLo: number; spHi: number } | null): Region[] {
  const blocks = new Map<number, { start: number; end: number }>();
  let firstTracked = Infinity;
  for (let i = 0; i < c.n; i++) {
    if (!c.tracked[i] || !ok(c.issuedNs[i]!)) continue;
    const id = ok(c.block[i]!) ? c.block[i]! : 0;
    const b = blocks.get(id) ?? { start: Infinity, end: -Infinity };
    b.start = Math.min(b.start, c.issuedNs[i]!);
    b.end = Math.max(b.end, ok(c.completeNs[i]!) ? c.completeNs[i]! : c.issuedNs[i]!);
    blocks.set(id, b);
    firstTracked = Math.min(firstTracked, c.issuedNs[i]!);
  }
  const out: Region[] = [...blocks.entries()].sort((a, b) => a[0] - b[0]).map(([id, b]) => ({ kind: blocks.size > 1 ? `tracking block ${id}` : 'performance tracking', start: b.start / 1e9, end: b.end / 1e9 }));
  let warmStart = Infinity;
  for (let i = 0; i < c.n; i++) if (!c.tracked[i] && ok(c.issuedNs[i]!) && c.issuedNs[i]! < firstTracked) warmStart = Math.min(warmStart, c.issuedNs[i]!);
  if (ok(warmStart) && ok(firstTracked)) out.unshift({ kind: 'warm-up', start: warmStart / 1e9, end: firstTracked / 1e9 });
  if (steady && steady.superpassSize > 0) {
    const tracked: number[] = [];
    for (let i = 0; i < c.n; i++) if (c.tracked[i] && ok(c.issuedNs[i]!)) tracked.push(i);
    tracked.sort((a, b) => c.issuedNs[a]! - c.issuedNs[b]! || a - b);
    const from = (steady.warmup + steady.spLo) * steady.superpassSize;
    const to = Math.min(tracked.length, (steady.warmup + steady.spHi) * steady.superpassSize);
    if (from < to) {
      let end = -Infinity;
      for (let k = from; k < to; k++) end = Math.max(end, ok(c.completeNs[tracked[k]!]!) ? c.completeNs[tracked[k]!]! : c.issuedNs[tracked[k]!]!);
      out.push({ kind: 'steady state', start: c.issuedNs[tracked[from]!]! / 1e9, end: end / 1e9 });
    }
  }
  return out;
}

/** Tracked samples' finite values of one column (or derived value), in ms. */
export function trackedMs(c: SampleColumns, value: (i: number) => number): Float64Array {
  const out = new Float64Array(c.n);
  let k = 0;
  for (let i = 0; i < c.n; i++) {
    if (!c.tracked[i]) continue;
    const v = value(i);
    if (ok(v)) out[k++] = v / 1e6;
  }
  return out.subarray(0, k);
}
