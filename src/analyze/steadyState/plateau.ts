// Steady-window selection over the post-warm-up super-passes: a window is
// admissible when every gated metric's per-super-pass percentile trajectory is
// trend-steady and within the loosest CoV bound; grow-from-left segmentation
// cuts the run into maximal admissible plateaus. Also the rolling-window
// enumeration, the CoV pass/fail row and the whole-tail trend per metric.
// Port of the script's "Rolling scan + CoV table" and plateau segmentation. Pure.
import { pyMax, pySlice } from './py.js';
import { cov, rollupPercentile, superPassPercentileSeries, type SampleSeries, type SuperPassRollup } from './series.js';
import { MIN_TREND_N, trendGate, type Verdict } from './trend.js';

export interface TrackedMetric {
  /** Display key, e.g. "ttft_p95". */
  key: string;
  source: SampleSeries;
  percentile: number;
  /** Gates admissibility (p50/p95); p99 is diagnostic only. */
  gated: boolean;
}

export const TRACKED_METRICS: readonly TrackedMetric[] = [
  { key: 'ttft_p50', source: 'ttftNs', percentile: 0.5, gated: true },
  { key: 'ttft_p95', source: 'ttftNs', percentile: 0.95, gated: true },
  { key: 'tpot_p50', source: 'tpotNs', percentile: 0.5, gated: true },
  { key: 'tpot_p95', source: 'tpotNs', percentile: 0.95, gated: true },
  { key: 'ttft_p99', source: 'ttftNs', percentile: 0.99, gated: false },
  { key: 'tpot_p99', source: 'tpotNs', percentile: 0.99, gated: false },
];

export const GATED_METRICS: readonly TrackedMetric[] = TRACKED_METRICS.filter((m) => m.gated);

/** Half-open [lo, hi) super-pass (or trajectory) indices. */
export type Span = readonly [number, number];

export function rollingWindows(n: number, window: number): Span[] {
  if (window <= 0 || window > n) return [];
  const out: Span[] = [];
  for (let s = 0; s <= n - window; s++) out.push([s, s + window]);
  return out;
}

/**
 * Pass (CoV <= bound) per bound, as the script's dict keyed by the bound: equal
 * bounds collapse onto the first. Fewer than two points: inconclusive (null).
 */
export function covPassRow(values: readonly number[], bounds: readonly number[]): [number, boolean | null][] {
  const c = values.length < 2 ? null : cov(values);
  const row: [number, boolean | null][] = [];
  for (const b of bounds) {
    const value = c === null ? null : c <= b;
    const at = row.findIndex(([k]) => k === b);
    if (at >= 0) row[at]![1] = value;
    else row.push([b, value]);
  }
  return row;
}

/** Per-super-pass percentile over [lo, hi); null if any of them has no samples. */
export function windowPercentileSeries(series: readonly SuperPassRollup[], lo: number, hi: number, source: SampleSeries, p: number): number[] | null {
  const out: number[] = [];
  for (const sp of pySlice(series, lo, hi)) {
    if (sp[source].length === 0) return null;
    out.push(rollupPercentile(sp, source, p));
  }
  return out;
}

export function windowAdmissible(
  series: readonly SuperPassRollup[],
  lo: number,
  hi: number,
  gateName: string,
  covBounds: readonly number[],
  gatedMetrics: readonly TrackedMetric[] = GATED_METRICS,
): boolean {
  const gate = trendGate(gateName);
  const loosest = pyMax(covBounds);
  for (const m of gatedMetrics) {
    const traj = windowPercentileSeries(series, lo, hi, m.source, m.percentile);
    if (traj === null || traj.length < MIN_TREND_N) return false;
    if (gate(traj).verdict !== 'steady') return false;
    if (cov(traj) > loosest) return false;
  }
  return true;
}

/** Grow each window from its start until admissibility breaks; the maximal admissible span is a plateau, then resume past it. */
export function segmentPlateaus(
  series: readonly SuperPassRollup[],
  gateName: string,
  covBounds: readonly number[],
  gatedMetrics: readonly TrackedMetric[] = GATED_METRICS,
  minLen = MIN_TREND_N,
): Span[] {
  const n = series.length;
  const plateaus: Span[] = [];
  let start = 0;
  while (start <= n - minLen) {
    let hi: number | null = null;
    for (let end = start + minLen; end <= n; end++) {
      if (!windowAdmissible(series, start, end, gateName, covBounds, gatedMetrics)) break;
      hi = end;
    }
    if (hi !== null) {
      plateaus.push([start, hi]);
      start = hi;
    } else start++;
  }
  return plateaus;
}

/** Trend verdict per gated metric over series[fromIdx:] (plateau onset to run end), in metric order. */
export function globalTrend(
  series: readonly SuperPassRollup[],
  fromIdx: number,
  gateName: string,
  gatedMetrics: readonly TrackedMetric[] = GATED_METRICS,
): [string, Verdict][] {
  const gate = trendGate(gateName);
  const out: [string, Verdict][] = [];
  for (const m of gatedMetrics) {
    const traj = superPassPercentileSeries(pySlice(series, fromIdx), m.source, m.percentile);
    out.push([m.key, traj.length >= MIN_TREND_N ? gate(traj).verdict : 'insufficient']);
  }
  return out;
}
