// Trend tests over a per-super-pass trajectory, each giving a verdict in
// {up, down, steady, insufficient}: Mann-Kendall, Mann-Kendall with the Hamed-Rao
// autocorrelation correction, Newey-West (HAC) OLS slope, Theil-Sen and
// slope-vs-scatter. Port of the script's "Trend algorithms", same operation
// order. As in the script, callers never pass alpha: every gate runs at 0.05.
// Pure.
import { erf, median, pstdev, pySum } from './py.js';

export type Verdict = 'up' | 'down' | 'steady' | 'insufficient';

/** Below this many super-passes a trend test is meaningless. */
export const MIN_TREND_N = 4;
/** slope-vs-scatter / Theil-Sen: drift when the run-length change is this fraction of the level... */
export const REL_DRIFT_THRESHOLD = 0.15;
/** ...and (slope-vs-scatter) this many times the residual scatter. */
export const SNR_THRESHOLD = 2.0;
/** z of a two-sided 95% interval (Hamed-Rao lag significance). */
export const CI_Z_95 = 1.96;
/** Stands in for a zero median so relative drift stays finite. */
export const ZERO_MEDIAN_FLOOR = 1e-9;

export interface TrendResult {
  verdict: Verdict;
  slope: number;
  statistic: number;
  /** null for the effect-size tests (Theil-Sen, slope-vs-scatter). */
  pvalue: number | null;
  variance: number;
  relDrift: number;
  snr: number;
}

const result = (verdict: Verdict, fields: Partial<Omit<TrendResult, 'verdict'>> = {}): TrendResult => ({
  verdict,
  slope: 0,
  statistic: 0,
  pvalue: null,
  variance: 0,
  relDrift: 0,
  snr: 0,
  ...fields,
});

const insufficient = (): TrendResult => result('insufficient');

const direction = (x: number): Verdict => (x > 0 ? 'up' : x < 0 ? 'down' : 'steady');

const phi = (z: number): number => 0.5 * (1.0 + erf(z / Math.sqrt(2.0)));

export const twoSidedP = (stat: number): number => 2.0 * (1.0 - phi(Math.abs(stat)));

function significantVerdict(effect: number, pvalue: number, alpha: number): Verdict {
  if (pvalue < alpha) {
    if (effect > 0) return 'up';
    if (effect < 0) return 'down';
  }
  return 'steady';
}

function medianOrFloor(values: readonly number[]): number {
  const m = median(values);
  return m ? m : ZERO_MEDIAN_FLOOR;
}

export function mkS(values: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < values.length - 1; i++) {
    const vi = values[i]!;
    for (let j = i + 1; j < values.length; j++) {
      const d = values[j]! - vi;
      s += (d > 0 ? 1 : 0) - (d < 0 ? 1 : 0);
    }
  }
  return s;
}

export function mkVariance(values: readonly number[]): number {
  const n = values.length;
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of counts.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  return (n * (n - 1) * (2 * n + 5) - tieTerm) / 18.0;
}

function mkVerdict(s: number, variance: number, alpha: number): TrendResult {
  if (variance <= 0) return result(direction(s), { statistic: s, pvalue: 0.0, variance });
  const z = s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0.0;
  const p = twoSidedP(z);
  return result(significantVerdict(s, p, alpha), { statistic: s, pvalue: p, variance });
}

export function mannKendall(values: readonly number[], alpha = 0.05): TrendResult {
  if (values.length < MIN_TREND_N) return insufficient();
  return mkVerdict(mkS(values), mkVariance(values), alpha);
}

/** Indices ordered by value, ties in index order (Python's stable sort). */
function argsort(values: readonly number[]): number[] {
  return values.map((_, i) => i).sort((a, b) => (values[a]! < values[b]! ? -1 : values[a]! > values[b]! ? 1 : 0));
}

/** Lag-1..n-1 autocorrelations of the ordinal ranks. */
export function autocorrOfRanks(values: readonly number[]): number[] {
  const n = values.length;
  const ranks = new Array<number>(n).fill(0);
  argsort(values).forEach((idx, k) => (ranks[idx] = k + 1));
  const mean = pySum(ranks) / n;
  const dev = ranks.map((r) => r - mean);
  const denom = pySum(dev.map((d) => d * d));
  if (denom === 0) return new Array<number>(n - 1).fill(0);
  const acf: number[] = [];
  for (let k = 1; k < n; k++) {
    const terms: number[] = [];
    for (let t = k; t < n; t++) terms.push(dev[t]! * dev[t - k]!);
    acf.push(pySum(terms) / denom);
  }
  return acf;
}

/**
 * Mann-Kendall with the Hamed-Rao variance correction from the significant rank
 * autocorrelations; a non-positive correction falls back to the plain variance.
 */
export function mannKendallHamedRao(values: readonly number[], alpha = 0.05): TrendResult {
  const n = values.length;
  if (n < MIN_TREND_N) return insufficient();
  const s = mkS(values);
  const var0 = mkVariance(values);
  const acf = autocorrOfRanks(values);
  const ci = CI_Z_95 / Math.sqrt(n);
  let factorSum = 0.0;
  for (let k = 1; k < n; k++) {
    const r = acf[k - 1]!;
    if (Math.abs(r) <= ci) continue;
    factorSum += (n - k) * (n - k - 1) * (n - k - 2) * r;
  }
  let correction = 1.0 + (2.0 / (n * (n - 1) * (n - 2))) * factorSum;
  if (correction <= 0) correction = 1.0;
  return mkVerdict(s, var0 * correction, alpha);
}

export function theilSen(values: readonly number[], relThreshold = REL_DRIFT_THRESHOLD): TrendResult {
  const n = values.length;
  if (n < MIN_TREND_N) return insufficient();
  const slopes: number[] = [];
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) slopes.push((values[j]! - values[i]!) / (j - i));
  const slope = median(slopes);
  const rel = (slope * (n - 1)) / medianOrFloor(values);
  return result(Math.abs(rel) < relThreshold ? 'steady' : direction(rel), { slope, relDrift: rel });
}

function ols(values: readonly number[]): { slope: number; sxx: number; resid: number[] } {
  const n = values.length;
  const xbar = (n - 1) / 2.0;
  const ybar = pySum(values) / n;
  const xs = values.map((_, x) => x);
  const sxx = pySum(xs.map((x) => (x - xbar) * (x - xbar)));
  const sxy = pySum(values.map((v, x) => (x - xbar) * (v - ybar)));
  const slope = sxx ? sxy / sxx : 0.0;
  const intercept = ybar - slope * xbar;
  return { slope, sxx, resid: values.map((v, x) => v - (intercept + slope * x)) };
}

/** OLS slope significance with a Newey-West (HAC) standard error. */
export function neweyWest(values: readonly number[], lag: number | null = null, alpha = 0.05): TrendResult {
  const n = values.length;
  if (n < MIN_TREND_N) return insufficient();
  const { slope, sxx, resid } = ols(values);
  if (sxx === 0) return result('steady', { slope: 0.0 });
  const xbar = (n - 1) / 2.0;
  const u = resid.map((r, x) => (x - xbar) * r);
  const bandwidth = lag ?? Math.max(1, Math.floor(4 * (n / 100.0) ** (2.0 / 9.0)));
  let s = pySum(u.map((ui) => ui * ui));
  for (let lg = 1; lg <= Math.min(bandwidth, n - 1); lg++) {
    const w = 1.0 - lg / (bandwidth + 1.0);
    const terms: number[] = [];
    for (let t = lg; t < n; t++) terms.push(u[t]! * u[t - lg]!);
    s += 2.0 * w * pySum(terms);
  }
  const varB = s / (sxx * sxx);
  const se = varB > 0 ? Math.sqrt(varB) : 0.0;
  if (se === 0) return result(direction(slope), { slope, pvalue: 0.0 });
  const t = slope / se;
  const p = twoSidedP(t);
  return result(significantVerdict(slope, p, alpha), { slope, statistic: t, pvalue: p });
}

export function slopeVsScatter(values: readonly number[], relThreshold = REL_DRIFT_THRESHOLD, snrThreshold = SNR_THRESHOLD): TrendResult {
  const n = values.length;
  if (n < MIN_TREND_N) return insufficient();
  const { slope, resid } = ols(values);
  const residStd = n > 1 ? pstdev(resid) : 0.0;
  const totalChange = slope * (n - 1);
  const relDrift = totalChange / medianOrFloor(values);
  const snr = Math.abs(totalChange) / (residStd + ZERO_MEDIAN_FLOOR);
  const drifting = Math.abs(relDrift) >= relThreshold && snr >= snrThreshold;
  return result(drifting ? direction(relDrift) : 'steady', { slope, snr, relDrift });
}

export type TrendGate = 'mk_hamed_rao' | 'mann_kendall' | 'newey_west' | 'theil_sen' | 'slope_vs_scatter';

/** The algorithms by name, in the script's order (the order of every verdict table). */
export const ALGORITHMS: ReadonlyMap<TrendGate, (values: readonly number[]) => TrendResult> = new Map<TrendGate, (values: readonly number[]) => TrendResult>([
  ['mk_hamed_rao', (v) => mannKendallHamedRao(v)],
  ['mann_kendall', (v) => mannKendall(v)],
  ['newey_west', (v) => neweyWest(v)],
  ['theil_sen', (v) => theilSen(v)],
  ['slope_vs_scatter', (v) => slopeVsScatter(v)],
]);

export function trendGate(name: string): (values: readonly number[]) => TrendResult {
  const gate = ALGORITHMS.get(name as TrendGate);
  if (!gate) throw new Error(`unknown trend algorithm ${JSON.stringify(name)} (one of ${[...ALGORITHMS.keys()].join(', ')})`);
  return gate;
}
