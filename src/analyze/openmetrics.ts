// Server-style histograms of the run as the client saw it, with NVIDIA Dynamo's
// metric names and bucket edges, label source="client": metrics.prom
// (OpenMetrics, timestamped, for `promtool tsdb create-blocks-from openmetrics`)
// and metrics.txt (Prometheus text 0.0.4, final values: what a /metrics scrape
// at the end would read, for `promtool check metrics`).
//
// From ai-dynamo/dynamo (read through the code index: the snapshot is too large
// to fetch):
// - lib/llm/src/http/service/metrics.rs @ 0014908a25aecc8e9ce7455bbbaddf9f1521a1b4:
//   generate_log_buckets(min, max, count) = [0.0] then, for i in 1..count,
//   exp(ln min + (ln max − ln min)·i/(count−1)) rounded to 2 significant figures
//   (round_to_sig_figs), consecutive duplicates removed; defaults
//   request_duration 1..512 s ×10, input_sequence 50..128000 ×12,
//   output_sequence 50..32000 ×10, TTFT 0.001..480 s ×18, ITL 0.001..2 s ×13.
//   TTFT is observed at the first response carrying tokens, with ISL; ITL at
//   each later response, (now − previous response) / its tokens, once per token;
//   OSL at the end when > 0; request_duration when the request ends, errors too.
// - lib/runtime/src/metrics/prometheus_names.rs @ 04070c75b52f33346a2d5723eed93a0093e77bad:
//   prefixes dynamo_frontend / dynamo_component; time_to_first_token_seconds,
//   inter_token_latency_seconds, request_duration_seconds, input_sequence_tokens,
//   output_sequence_tokens; work_handler request_duration_seconds.
// - lib/runtime/src/pipeline/network/ingress/push_handler.rs @ 02e3390ba26e13b645fb21f2a59dba3eddcd4ae5:
//   the work handler's request_duration buckets 0.005 ... 600 s.
// ITL: the log has chunk times but not each chunk's tokens, so a request adds
// `tokens after the first chunk` observations of its TPOT, (complete − first
// chunk) / those tokens, at its completion. That is Dynamo's weighting (one
// observation per token) with its sum and count (the span first → last response
// over the tokens after the first); within a request the gaps are averaged.
//
// Observations are the tracked requests, each at its time: TTFT and ISL at the
// first chunk (ISL at completion for a non-streamed success), the rest at
// completion. Points every `intervalS` from the time base (0 counts) plus one at
// the last observation, cumulative; timestamps in seconds with ms, ascending per
// series; `_created` is the time base.
import { pyFloat } from '../py/float.js';
import { percentileLower } from '../stats/percentiles.js';
import { isPresent, succeeded, type Requests } from './requests.js';
import { sortInPlace } from './sort.js';

/** Rust's f64::round (half away from zero) of value·10^(2−1−⌊log10 value⌋), as round_to_sig_figs does. */
export function roundToSigFigs(value: number, sigFigs: number): number {
  if (value === 0) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  // 10^k correctly rounded, as glibc's pow gives it (V8's Math.pow(10, -4) is one ulp off).
  const scale = Number(`1e${sigFigs - 1 - magnitude}`);
  const scaled = value * scale;
  return (scaled < 0 ? -Math.round(-scaled) : Math.round(scaled)) / scale;
}

/** Dynamo's generate_log_buckets: 0.0, then count−1 log-spaced edges up to max at 2 significant figures, deduplicated. */
export function generateLogBuckets(min: number, max: number, count: number): number[] {
  if (count === 0) return [];
  const out = [0];
  for (let i = 1; i < count; i++) {
    const logValue = Math.log(min) + ((Math.log(max) - Math.log(min)) * i) / (count - 1);
    out.push(roundToSigFigs(Math.exp(logValue), 2));
  }
  return out.filter((v, i) => i === 0 || v !== out[i - 1]);
}

export type HistogramId = 'ttft' | 'itl' | 'request_duration' | 'isl' | 'osl' | 'work_handler_request_duration';

export interface HistogramSpec {
  id: HistogramId;
  name: string;
  unit: 'seconds' | 'tokens';
  help: string;
  /** Upper bounds, ascending (the +Inf bucket is implied). */
  edges: readonly number[];
}

const CLIENT = ' (observed by the client, replayed from events.jsonl)';

export const DYNAMO_HISTOGRAMS: readonly HistogramSpec[] = [
  { id: 'ttft', name: 'dynamo_frontend_time_to_first_token_seconds', unit: 'seconds', help: `Time to first token in seconds${CLIENT}`, edges: generateLogBuckets(0.001, 480, 18) },
  { id: 'itl', name: 'dynamo_frontend_inter_token_latency_seconds', unit: 'seconds', help: `Inter-token latency in seconds${CLIENT}`, edges: generateLogBuckets(0.001, 2, 13) },
  { id: 'request_duration', name: 'dynamo_frontend_request_duration_seconds', unit: 'seconds', help: `Duration of LLM requests${CLIENT}`, edges: generateLogBuckets(1, 512, 10) },
  { id: 'isl', name: 'dynamo_frontend_input_sequence_tokens', unit: 'tokens', help: `Input sequence length in tokens${CLIENT}`, edges: generateLogBuckets(50, 128000, 12) },
  { id: 'osl', name: 'dynamo_frontend_output_sequence_tokens', unit: 'tokens', help: `Output sequence length in tokens${CLIENT}`, edges: generateLogBuckets(50, 32000, 10) },
  {
    id: 'work_handler_request_duration',
    name: 'dynamo_component_request_duration_seconds',
    unit: 'seconds',
    help: `Time spent processing requests by work handler${CLIENT}`,
    edges: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600],
  },
];

/** One histogram's observations: value (in its unit), weight (observations), time (ns since the base), in request order. */
export interface Observations {
  spec: HistogramSpec;
  value: Float64Array;
  weight: Float64Array;
  atNs: Float64Array;
}

/** Each Dynamo histogram's observations from the requests (see the header for which and when). */
export function dynamoObservations(r: Requests): Observations[] {
  const seen = new Map<HistogramId, Observations>();
  return DYNAMO_HISTOGRAMS.map((spec) => {
    // The work handler's request duration observes what the frontend's does: the same arrays.
    const same = spec.id === 'work_handler_request_duration' ? seen.get('request_duration') : undefined;
    if (same) return { ...same, spec };
    const value = new Float64Array(r.n);
    const weight = new Float64Array(r.n);
    const at = new Float64Array(r.n);
    let k = 0;
    const add = (v: number, w: number, t: number): void => {
      value[k] = v;
      weight[k] = w;
      at[k++] = t;
    };
    for (let i = 0; i < r.n; i++) {
      const first = r.firstChunkNs[i]!;
      const done = r.completeNs[i]!;
      switch (spec.id) {
        case 'ttft':
          if (isPresent(r.ttftNs[i]!) && isPresent(first)) add(r.ttftNs[i]! / 1e9, 1, first);
          break;
        case 'itl':
          if (isPresent(r.tpotNs[i]!) && r.tokensAfterFirst[i]! > 0 && isPresent(done)) add(r.tpotNs[i]! / 1e9, r.tokensAfterFirst[i]!, done);
          break;
        case 'request_duration':
        case 'work_handler_request_duration':
          if (isPresent(r.latencyNs[i]!) && isPresent(done)) add(r.latencyNs[i]! / 1e9, 1, done);
          break;
        case 'isl':
          if (r.isl[i]! >= 0 && isPresent(first)) add(r.isl[i]!, 1, first);
          else if (r.isl[i]! >= 0 && succeeded(r, i)) add(r.isl[i]!, 1, done);
          break;
        case 'osl':
          if (r.osl[i]! > 0 && isPresent(done)) add(r.osl[i]!, 1, done);
          break;
      }
    }
    const obs = { spec, value: value.subarray(0, k), weight: weight.subarray(0, k), atNs: at.subarray(0, k) };
    seen.set(spec.id, obs);
    return obs;
  });
}

/** Cumulative state of a histogram at a point in time. */
export interface HistogramPoint {
  /** Cumulative counts per upper bound, then the +Inf bucket (= count). */
  buckets: number[];
  count: number;
  sum: number;
}

/** Bucket index of a value: the first upper bound >= it (le is inclusive), edges.length for +Inf. */
function bucketOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The histogram at each of the ascending times (ns since the base): observations at or before each. */
export function histogramPoints(obs: Observations, timesNs: readonly number[]): HistogramPoint[] {
  const width = obs.spec.edges.length + 1;
  // Per point: the observations that first count there (the first time at or after them).
  const added = new Float64Array(timesNs.length * width);
  const addedCount = new Float64Array(timesNs.length);
  const addedSum = new Float64Array(timesNs.length);
  for (let i = 0; i < obs.value.length; i++) {
    const p = firstAtOrAfter(timesNs, obs.atNs[i]!);
    if (p === timesNs.length) continue;
    const w = obs.weight[i]!;
    added[p * width + bucketOf(obs.spec.edges, obs.value[i]!)]! += w;
    addedCount[p]! += w;
    addedSum[p]! += obs.value[i]! * w;
  }
  const perBucket = new Array<number>(width).fill(0);
  let count = 0;
  let sum = 0;
  return timesNs.map((_, p) => {
    for (let b = 0; b < width; b++) perBucket[b]! += added[p * width + b]!;
    count += addedCount[p]!;
    sum += addedSum[p]!;
    let run = 0;
    const buckets = perBucket.map((c) => (run += c));
    return { buckets, count, sum };
  });
}

/**
 * The first of the ascending times at or after t (times.length: none). Points are evenly
 * spaced but for the last, so the index is guessed from the spacing and then walked to.
 */
function firstAtOrAfter(times: readonly number[], t: number): number {
  const n = times.length;
  const step = n > 2 ? times[1]! - times[0]! : 0;
  let p = step > 0 ? Math.min(n - 1, Math.max(0, Math.ceil((t - times[0]!) / step))) : 0;
  while (p > 0 && times[p - 1]! >= t) p--;
  while (p < n && times[p]! < t) p++;
  return p;
}

/** Cadences a run is sampled at: the smallest giving at most MAX_POINTS points. */
const CADENCES_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
const MAX_POINTS = 360;

/** 0, every interval before the end, and the end (ns since the base); the interval is chosen unless given. */
export function pointTimes(endNs: number, intervalS?: number): number[] {
  const end = Math.max(0, endNs);
  const step = (intervalS ?? CADENCES_S.find((c) => end / (c * 1e9) <= MAX_POINTS) ?? Math.ceil(end / 1e9 / MAX_POINTS)) * 1e9;
  const times: number[] = [];
  // Prometheus reads a timestamp as seconds × 1000 truncated, which can lose a millisecond: a
  // point within 2 ms of the end is dropped, so the end point's millisecond stays later.
  for (let t = 0; t < end - 2e6; t += step) times.push(t);
  times.push(end);
  return times;
}

/** Prometheus' histogram_quantile over classic buckets (promql/quantile.go bucketQuantile, prometheus/prometheus @ 01381a80115b). */
export function histogramQuantile(q: number, upperBounds: readonly number[], cumulative: readonly number[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  let buckets = upperBounds.map((upperBound, i) => ({ upperBound, count: cumulative[i]! })).sort((a, b) => a.upperBound - b.upperBound);
  if (buckets.length === 0 || buckets[buckets.length - 1]!.upperBound !== Infinity) return NaN;
  buckets = coalesce(buckets);
  correctPrecisionErrors(buckets, 1e-12);
  ensureMonotonic(buckets);
  if (buckets.length < 2) return NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  // sort.Search over the first n−1 buckets: the first with count >= rank.
  let b = 0;
  while (b < buckets.length - 1 && !(buckets[b]!.count >= rank)) b++;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upperBound;
  if (b === 0 && buckets[0]!.upperBound <= 0) return buckets[0]!.upperBound;
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

type Bucket = { upperBound: number; count: number };

function coalesce(buckets: Bucket[]): Bucket[] {
  const out: Bucket[] = [];
  for (const b of buckets) {
    const last = out[out.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else out.push({ ...b });
  }
  return out;
}

function correctPrecisionErrors(buckets: Bucket[], tolerance: number): void {
  let prev = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const curr = buckets[i]!.count;
    const delta = Math.abs(curr - prev);
    if (delta === 0) continue;
    if (delta / curr <= tolerance) buckets[i]!.count = prev;
    else prev = curr;
  }
}

function ensureMonotonic(buckets: Bucket[]): void {
  let max = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    if (buckets[i]!.count > max) max = buckets[i]!.count;
    else if (buckets[i]!.count < max) buckets[i]!.count = max;
  }
}

/** numpy-"lower" p99 of the observations, each counted `weight` times (replay's percentile rule). */
export function exactP99(obs: Observations): number | null {
  const n = obs.value.length;
  if (n === 0) return null;
  let total = 0;
  let unit = true;
  for (let i = 0; i < n; i++) {
    total += obs.weight[i]!;
    if (obs.weight[i] !== 1) unit = false;
  }
  if (unit) return percentileLower(sortInPlace(obs.value.slice()), 99);
  // The value at position floor((W − 1)·0.99) of the sequence with each value repeated `weight`
  // times: the smallest value whose cumulative weight exceeds that position, bisected over the
  // sorted values (a linear pass a step: ~20 passes).
  const index = Math.floor((total - 1) * 0.99);
  const sorted = sortInPlace(obs.value.slice());
  const weightAtMost = (x: number): number => {
    let w = 0;
    for (let i = 0; i < n; i++) if (obs.value[i]! <= x) w += obs.weight[i]!;
    return w;
  };
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (weightAtMost(sorted[mid]!) > index) hi = mid;
    else lo = mid + 1;
  }
  return sorted[lo]!;
}

export interface MetricsOptions {
  /** Absolute time (ns since the Unix epoch) of the time base; default the log's own clock (baseNs). */
  epochNs?: bigint;
  /** Point interval in seconds; default the smallest cadence of 1, 2, 5, 10, 15, 30 s, ... giving at most 360 points. */
  intervalS?: number;
  /** A `model` label, as Dynamo's histograms carry. */
  model?: string | null;
}

export interface RenderedMetrics {
  /** OpenMetrics text with timestamps, ending in # EOF. */
  openMetrics: string;
  /** Prometheus text 0.0.4, final values, no timestamps. */
  prometheusText: string;
  /** Per histogram: observations, the exact p99 and histogram_quantile(0.99) of the final buckets. */
  p99: Array<{ name: string; count: number; exact: number | null; bucketQuantile: number | null }>;
}

export function renderMetrics(r: Requests, opts: MetricsOptions = {}): RenderedMetrics {
  const observations = dynamoObservations(r);
  let end = 0;
  for (const o of observations) for (const t of o.atNs) if (t > end) end = t;
  const times = pointTimes(end, opts.intervalS);
  const epochNs = opts.epochNs ?? r.baseNs;
  const labels = `${opts.model ? `model="${escapeLabel(opts.model)}",` : ''}source="client"`;
  const created = seconds(epochNs, 0);
  const om: string[] = [];
  const text: string[] = [];
  const p99: RenderedMetrics['p99'] = [];
  // One sort per set of observations (the two request durations share theirs).
  const exact = new Map<Float64Array, number | null>();
  for (const o of observations) {
    const { name, unit, help, edges } = o.spec;
    const points = histogramPoints(o, times);
    om.push(`# TYPE ${name} histogram`, `# UNIT ${name} ${unit}`, `# HELP ${name} ${escapeHelp(help)}`);
    points.forEach((p, k) => {
      const ts = seconds(epochNs, times[k]!);
      edges.forEach((le, b) => om.push(`${name}_bucket{${labels},le="${pyFloat(le)}"} ${p.buckets[b]} ${ts}`));
      om.push(`${name}_bucket{${labels},le="+Inf"} ${p.count} ${ts}`, `${name}_count{${labels}} ${p.count} ${ts}`, `${name}_sum{${labels}} ${pyFloat(p.sum)} ${ts}`, `${name}_created{${labels}} ${created} ${ts}`);
    });
    const last = points[points.length - 1]!;
    text.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} histogram`);
    edges.forEach((le, b) => text.push(`${name}_bucket{${labels},le="${pyFloat(le)}"} ${last.buckets[b]}`));
    text.push(`${name}_bucket{${labels},le="+Inf"} ${last.count}`, `${name}_sum{${labels}} ${pyFloat(last.sum)}`, `${name}_count{${labels}} ${last.count}`);
    if (!exact.has(o.value)) exact.set(o.value, exactP99(o));
    const exactValue = exact.get(o.value)!;
    const q = histogramQuantile(0.99, [...edges, Infinity], last.buckets);
    p99.push({ name, count: last.count, exact: exactValue, bucketQuantile: Number.isFinite(q) ? q : null });
  }
  om.push('# EOF');
  return { openMetrics: `${om.join('\n')}\n`, prometheusText: `${text.join('\n')}\n`, p99 };
}

/** (epoch + offset) in seconds with milliseconds, from exact integers. */
function seconds(epochNs: bigint, offsetNs: number): string {
  const ms = (epochNs + BigInt(Math.round(offsetNs))) / 1_000_000n;
  const neg = ms < 0n;
  const a = neg ? -ms : ms;
  return `${neg ? '-' : ''}${a / 1000n}.${(a % 1000n).toString().padStart(3, '0')}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** metrics_p99.json: [{name, count, exact_p99, histogram_quantile_p99}] in the histograms' order (values in each histogram's unit). */
export function p99Json(rendered: RenderedMetrics): string {
  const doc = rendered.p99.map((p) => ({ name: p.name, count: p.count, exact_p99: p.exact, histogram_quantile_p99: p.bucketQuantile }));
  return `${JSON.stringify(doc, null, 2)}\n`;
}
