// SLO attainment and goodput (`--slo ttft=2s,tpot=80ms,latency=30s`), and
// attainment curves to read any other SLO off the same run.
//
// Semantics, from the two tools that define goodput:
// - vLLM, vllm/benchmarks/serve.py calculate_metrics (vllm-project/vllm @ 009e6d4a1cd6):
//   only successful requests are looked at; a request is good when every given
//   SLO is >= its value (value <= SLO); a request whose output has at most one
//   token gets TPOT 0, so it meets a TPOT SLO; request_goodput = good / benchmark
//   duration.
// - AIPerf, src/aiperf/metrics/types/good_request_count_metric.py (ai-dynamo/aiperf
//   @ cf79369e59b9): good when value <= threshold for every SLO (lower-is-better
//   metrics), and not good when a metric has no value for the request (its ITL
//   raises NoMetricValue under 2 output tokens, inter_token_latency_metric.py
//   @ 58dd5dea729c); counted over valid (non-error) records;
//   good_request_fraction_metric.py (@ 087322484593) divides by valid + error
//   requests; goodput_metric.py: good / benchmark duration.
// What replay does with them:
// - Requests: the tracked samples that completed (the summary's
//   n_samples_completed). One with an error event is never good (both tools).
// - Values: TTFT, latency and TPOT per request exactly as the summary's series
//   hold them; TPOT is the reference's (complete − first chunk) / tokens after
//   the first chunk, the number the run reports (vLLM and AIPerf divide
//   latency − TTFT by OSL − 1: the same when the first chunk holds one token).
// - A request whose output was counted but has no TPOT (no tokens after its
//   first chunk): meets the TPOT SLO under vLLM's convention, misses it under
//   AIPerf's; both are reported. Any other missing value misses the SLO.
// - Attainment: good / succeeded (vLLM) and good / completed (AIPerf's
//   good_request_fraction). Goodput: good / the summary's duration (tracked
//   duration, or the legacy LoadGen window when the summary used it; the legacy
//   "completed − 1" applies to LoadGen's QPS count, not to good requests), and
//   output tokens of good requests / that duration.
import { ReplayError } from '../base/errors.js';
import { isPresent, succeeded, type Requests, type RunDuration } from './requests.js';
import { sortInPlace } from './sort.js';

export const SLO_METRICS = ['ttft', 'tpot', 'latency'] as const;
export type SloMetric = (typeof SLO_METRICS)[number];
/** SLO thresholds in ns (integers), for the metrics given. */
export type SloSpec = Partial<Record<SloMetric, number>>;

const UNIT_DIGITS = { ms: 6, s: 9 } as const;

/** Parses `ttft=2s,tpot=80ms,latency=30s` (any subset, units ms or s) into integer ns. */
export function parseSloSpec(text: string): SloSpec {
  const hint = 'write --slo METRIC=VALUE[,...] with METRIC ttft, tpot or latency and VALUE like 2s or 80ms';
  const spec: SloSpec = {};
  if (text.trim() === '') throw new ReplayError('--slo: no SLO given', hint);
  for (const part of text.split(',')) {
    const m = /^\s*([a-z_]+)\s*=\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s)\s*$/.exec(part);
    if (!m) throw new ReplayError(`--slo: "${part.trim()}" is not METRIC=VALUE with a unit (ms or s)`, hint);
    const metric = m[1]!;
    if (!(SLO_METRICS as readonly string[]).includes(metric)) throw new ReplayError(`--slo: unknown metric "${metric}" (ttft, tpot or latency)`, hint);
    if (spec[metric as SloMetric] !== undefined) throw new ReplayError(`--slo: ${metric} is given twice`, hint);
    spec[metric as SloMetric] = decimalToNs(m[2]!, UNIT_DIGITS[m[3] as keyof typeof UNIT_DIGITS], part.trim(), hint);
  }
  return spec;
}

/** "1.5" at 10^digits ns a unit -> 1500000 (exact), refusing sub-ns, zero and beyond 2^53 ns. */
function decimalToNs(value: string, digits: number, part: string, hint: string): number {
  const [whole = '', frac = ''] = value.split('.');
  if (frac.replace(/0+$/, '').length > digits) throw new ReplayError(`--slo: "${part}" is finer than 1 ns`, hint);
  const ns = BigInt(whole || '0') * 10n ** BigInt(digits) + BigInt((frac + '0'.repeat(digits)).slice(0, digits) || '0');
  if (ns <= 0n) throw new ReplayError(`--slo: "${part}" must be greater than 0`, hint);
  if (ns > BigInt(Number.MAX_SAFE_INTEGER)) throw new ReplayError(`--slo: "${part}" is too large`, hint);
  return Number(ns);
}

/** Points of each attainment curve. */
export const CURVE_POINTS = 50;

export interface AttainmentCurve {
  /** Requests with a value (succeeded ones). */
  n: number;
  thresholdsNs: number[];
  /** Requests with value <= threshold. */
  met: number[];
}

export interface ConventionResult {
  good: number;
  attainment: number | null;
  goodputRps: number | null;
  goodputTps: number | null;
}

export interface SloReport {
  spec: SloSpec;
  duration: RunDuration;
  completed: number;
  succeeded: number;
  failed: number;
  /** Succeeded requests with counted output but no TPOT (no tokens after the first chunk). */
  tpotUndefined: number;
  perMetric: Partial<Record<SloMetric, { met: number; missing: number }>>;
  vllm: ConventionResult;
  aiperf: ConventionResult;
  curves: Record<SloMetric, AttainmentCurve>;
}

const column = (r: Requests, m: SloMetric): Float64Array => (m === 'ttft' ? r.ttftNs : m === 'tpot' ? r.tpotNs : r.latencyNs);

export function analyzeSlo(r: Requests, spec: SloSpec, duration: RunDuration): SloReport {
  const given = SLO_METRICS.filter((m) => spec[m] !== undefined);
  let completed = 0;
  let succeededN = 0;
  let tpotUndefined = 0;
  const perMetric: SloReport['perMetric'] = {};
  for (const m of given) perMetric[m] = { met: 0, missing: 0 };
  const tally = { vllm: { good: 0, tokens: 0, uncounted: 0 }, aiperf: { good: 0, tokens: 0, uncounted: 0 } };
  for (let i = 0; i < r.n; i++) {
    if (!isPresent(r.completeNs[i]!)) continue;
    completed++;
    if (!succeeded(r, i)) continue;
    succeededN++;
    const undefinedTpot = !isPresent(r.tpotNs[i]!) && r.osl[i]! >= 0;
    if (undefinedTpot) tpotUndefined++;
    let metAll = true;
    let tpotOnlyUndefined = false;
    for (const m of given) {
      const v = column(r, m)[i]!;
      if (isPresent(v)) {
        if (v <= spec[m]!) perMetric[m]!.met++;
        else metAll = false;
      } else {
        perMetric[m]!.missing++;
        if (m === 'tpot' && undefinedTpot) tpotOnlyUndefined = true;
        else metAll = false;
      }
    }
    const vllmGood = metAll;
    const aiperfGood = metAll && !tpotOnlyUndefined;
    for (const [conv, good] of [['vllm', vllmGood], ['aiperf', aiperfGood]] as const) {
      if (!good) continue;
      tally[conv].good++;
      if (r.osl[i]! >= 0) tally[conv].tokens += r.osl[i]!;
      else tally[conv].uncounted++;
    }
  }
  for (const m of given) {
    if (succeededN > 0 && perMetric[m]!.missing === succeededN) {
      throw new ReplayError(`--slo ${m}: no request of this run has a ${m === 'latency' ? 'latency' : m.toUpperCase()}`, m === 'tpot' ? 'TPOT needs a streaming run replayed with a tokenizer' : m === 'ttft' ? 'TTFT needs a streaming run' : undefined);
    }
  }
  const seconds = duration.ns !== null ? Number(duration.ns) / 1e9 : null;
  const result = (t: { good: number; tokens: number; uncounted: number }, denominator: number): ConventionResult => ({
    good: t.good,
    attainment: denominator > 0 ? t.good / denominator : null,
    goodputRps: seconds !== null ? t.good / seconds : null,
    goodputTps: seconds !== null && t.uncounted === 0 ? t.tokens / seconds : null,
  });
  const curves = {} as Record<SloMetric, AttainmentCurve>;
  for (const m of SLO_METRICS) curves[m] = attainmentCurve(r, column(r, m));
  return {
    spec,
    duration,
    completed,
    succeeded: succeededN,
    failed: completed - succeededN,
    tpotUndefined,
    perMetric,
    vllm: result(tally.vllm, succeededN),
    aiperf: result(tally.aiperf, completed),
    curves,
  };
}

/** Over succeeded requests with a value: counts meeting each of CURVE_POINTS log-spaced thresholds, min to max. */
function attainmentCurve(r: Requests, values: Float64Array): AttainmentCurve {
  const v = new Float64Array(r.n);
  let n = 0;
  for (let i = 0; i < r.n; i++) if (succeeded(r, i) && isPresent(values[i]!)) v[n++] = values[i]!;
  if (n === 0) return { n, thresholdsNs: [], met: [] };
  const sorted = sortInPlace(v.subarray(0, n));
  const lo = Math.max(sorted[0]!, 1);
  const hi = Math.max(sorted[n - 1]!, lo);
  const thresholds = logGrid(lo, hi, CURVE_POINTS);
  return { n, thresholdsNs: thresholds, met: thresholds.map((t) => countAtMost(sorted, t)) };
}

/** k log-spaced points from lo to hi, both ends exact (one point when lo == hi). */
export function logGrid(lo: number, hi: number, k: number): number[] {
  if (lo === hi) return [lo];
  const a = Math.log(lo);
  const step = (Math.log(hi) - a) / (k - 1);
  return Array.from({ length: k }, (_, j) => (j === 0 ? lo : j === k - 1 ? hi : Math.exp(a + j * step)));
}

/** Values <= t in an ascending array. */
export function countAtMost(sorted: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * slo.json. Keys, in this order: slo_ns (the given metrics, in the order ttft,
 * tpot, latency), comparison, duration_ns, duration_source, requests {completed,
 * succeeded, failed, tpot_undefined}, per_metric {metric: {slo_ns, met, missing,
 * attainment}}, conventions {vllm, aiperf: {good, attainment, goodput_rps,
 * goodput_tps}}, curves {ttft, tpot, latency: {n, thresholds_ns, met, fraction}}.
 * ns are integers (thresholds of the curves: floats); rates per second.
 */
export function sloJson(rep: SloReport): string {
  const given = SLO_METRICS.filter((m) => rep.spec[m] !== undefined);
  const conv = (c: ConventionResult) => ({ good: c.good, attainment: c.attainment, goodput_rps: c.goodputRps, goodput_tps: c.goodputTps });
  const doc = {
    slo_ns: Object.fromEntries(given.map((m) => [m, rep.spec[m]!])),
    comparison: 'value <= slo',
    duration_ns: rep.duration.ns === null ? null : Number(rep.duration.ns),
    duration_source: rep.duration.source,
    requests: { completed: rep.completed, succeeded: rep.succeeded, failed: rep.failed, tpot_undefined: rep.tpotUndefined },
    per_metric: Object.fromEntries(
      given.map((m) => {
        const p = rep.perMetric[m]!;
        return [m, { slo_ns: rep.spec[m]!, met: p.met, missing: p.missing, attainment: rep.succeeded > 0 ? p.met / rep.succeeded : null }];
      }),
    ),
    conventions: { vllm: conv(rep.vllm), aiperf: conv(rep.aiperf) },
    curves: Object.fromEntries(
      SLO_METRICS.map((m) => {
        const c = rep.curves[m];
        return [m, { n: c.n, thresholds_ns: c.thresholdsNs, met: c.met, fraction: c.met.map((k) => k / c.n) }];
      }),
    ),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
