// Super-pass series: samples bucketed by issue order into super-passes of
// `superpassSize`, with each super-pass's raw TTFT / TPOT samples, output tokens
// and wall-clock bounds; and the summaries over them (nearest-rank-lower
// percentiles, CoV, pooled samples, window span, log-spaced histogram).
// Port of the script's "Super-pass series" and "Numeric helpers". Pure.
import { tpotNs } from '../../stats/tpot.js';
import type { SteadyStateInput } from './input.js';
import { bigMax, bigMin, pstdev, pyMax, pyMin, PyValueError, pySlice, pySum, sortedFloats } from './py.js';

export interface SuperPassRollup {
  index: number;
  nIssued: number;
  /** Issue time of the first sample bucketed here (-1 until then). */
  firstIssueNs: bigint;
  /** Latest event time of its samples (-1 until then). */
  lastEventNs: bigint;
  ttftNs: number[];
  /** In completion order. */
  tpotNs: number[];
  outTokens: number;
}

export type SampleSeries = 'ttftNs' | 'tpotNs';

export function emptyRollup(index: number): SuperPassRollup {
  return { index, nIssued: 0, firstIssueNs: -1n, lastEventNs: -1n, ttftNs: [], tpotNs: [], outTokens: 0 };
}

/** build_super_pass_series, from the extracted samples. */
export function buildSuperPassSeries(input: SteadyStateInput, superpassSize: number): SuperPassRollup[] {
  if (superpassSize <= 0) throw new PyValueError('superpass_size must be positive');
  const series: SuperPassRollup[] = [];
  const decodes: { sp: SuperPassRollup; rank: number; tpot: number; tokens: number }[] = [];
  input.samples.forEach((s, i) => {
    const idx = Math.floor(i / superpassSize);
    while (series.length <= idx) series.push(emptyRollup(series.length));
    const sp = series[idx]!;
    sp.nIssued++;
    if (sp.firstIssueNs < 0n) sp.firstIssueNs = s.firstIssueNs;
    if (s.lastEventNs > sp.lastEventNs) sp.lastEventNs = s.lastEventNs;
    if (s.ttftNs !== null) sp.ttftNs.push(s.ttftNs);
    if (s.decode && s.decode.tokens > 0) {
      decodes.push({ sp, rank: s.decode.completionRank, tpot: tpotNs(s.decode.spanNs, s.decode.tokens), tokens: s.decode.tokens });
    }
  });
  decodes.sort((a, b) => a.rank - b.rank);
  for (const d of decodes) {
    d.sp.tpotNs.push(d.tpot);
    d.sp.outTokens += d.tokens;
  }
  return series;
}

/** `sorted_values[int(p * (n - 1))]`. */
export function percentileLower(sortedValues: ArrayLike<number>, p: number): number {
  const n = sortedValues.length;
  if (n === 0) throw new PyValueError('percentile of empty series');
  return sortedValues[Math.trunc(p * (n - 1))]!;
}

/** Population CoV; 0 for fewer than two values or a zero mean. */
export function cov(values: ArrayLike<number>): number {
  if (values.length < 2) return 0;
  const m = pySum(values) / values.length;
  if (m === 0) return 0;
  return pstdev(values) / Math.abs(m);
}

// A super-pass's samples are sorted once: plateau segmentation asks for the same
// percentiles over and over (the script re-sorts each time; the values are the same).
const sortedCache = new WeakMap<number[], Float64Array>();

function sortedOf(values: number[]): Float64Array {
  let s = sortedCache.get(values);
  if (!s) sortedCache.set(values, (s = sortedFloats(values)));
  return s;
}

/** A super-pass's percentile of one series (its samples must be non-empty). */
export function rollupPercentile(sp: SuperPassRollup, source: SampleSeries, p: number): number {
  return percentileLower(sortedOf(sp[source]), p);
}

/** Per-super-pass percentile trajectory; super-passes without samples are skipped. */
export function superPassPercentileSeries(series: readonly SuperPassRollup[], source: SampleSeries, p: number): number[] {
  const out: number[] = [];
  for (const sp of series) if (sp[source].length > 0) out.push(rollupPercentile(sp, source, p));
  return out;
}

/** All raw samples of one series pooled across super-passes [lo, hi). */
export function pooled(series: readonly SuperPassRollup[], lo: number, hi: number, source: SampleSeries): number[] {
  const out: number[] = [];
  for (const sp of pySlice(series, lo, hi)) for (const v of sp[source]) out.push(v);
  return out;
}

export function pooledOutTokens(series: readonly SuperPassRollup[], lo: number, hi: number): number {
  let total = 0;
  for (const sp of pySlice(series, lo, hi)) total += sp.outTokens;
  return total;
}

/** Wall-clock span of [lo, hi): earliest issue to latest event (0 when unknown). */
export function windowElapsedNs(series: readonly SuperPassRollup[], lo: number, hi: number): bigint {
  const window = pySlice(series, lo, hi);
  const firsts = window.map((sp) => sp.firstIssueNs).filter((t) => t >= 0n);
  const lasts = window.map((sp) => sp.lastEventNs).filter((t) => t >= 0n);
  if (firsts.length === 0 || lasts.length === 0) return 0n;
  return bigMax(lasts) - bigMin(firsts);
}

export interface HistogramBin {
  lo: number;
  hi: number;
  count: number;
}

/**
 * Bin counts over [min, max]; log-spaced edges when the minimum is positive.
 * As in the script, a value in [last edge, max) — possible when the last edge
 * rounds below max — falls in no bin.
 */
export function histogram(values: ArrayLike<number>, nbins = 20): HistogramBin[] {
  const lo = pyMin(values);
  const hi = pyMax(values);
  if (lo === hi) return [{ lo, hi, count: values.length }];
  const edges: number[] = [];
  if (lo > 0) {
    const ratio = hi / lo;
    for (let i = 0; i <= nbins; i++) edges.push(lo * ratio ** (i / nbins));
  } else {
    for (let i = 0; i <= nbins; i++) edges.push(lo + ((hi - lo) * i) / nbins);
  }
  const counts = new Array<number>(nbins).fill(0);
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (v >= hi) {
      counts[nbins - 1]!++;
      continue;
    }
    for (let b = 0; b < nbins; b++) {
      if (v < edges[b + 1]!) {
        counts[b]!++;
        break;
      }
    }
  }
  return counts.map((count, b) => ({ lo: edges[b]!, hi: edges[b + 1]!, count }));
}

export interface Summary {
  count: number;
  mean: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  histogram: HistogramBin[];
}

/** Count, mean, min/max, nearest-rank-lower p50/p90/p95/p99 and a histogram (values non-empty). */
export function summarize(values: ArrayLike<number>): Summary {
  const s = sortedFloats(values);
  const n = s.length;
  return {
    count: n,
    mean: pySum(s) / n,
    min: s[0]!,
    max: s[n - 1]!,
    p50: percentileLower(s, 0.5),
    p90: percentileLower(s, 0.9),
    p95: percentileLower(s, 0.95),
    p99: percentileLower(s, 0.99),
    histogram: histogram(s),
  };
}
