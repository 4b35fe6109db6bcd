// MLPerf LoadGen early-stopping percentile estimates, as the reference's
// metrics/early_stopping.py computes them: the t-th highest sample, for the
// largest over-latency budget t a run of n samples can absorb at confidence c.
// Floating-point operations follow the reference's order.
import { lgamma } from './lgamma.js';

export const ES_CONFIDENCE = 0.99;
const TOLERANCE = 0.0;
const ES_MIN_PERCENTILE = 50.0;

/** Continued fraction of the regularized incomplete beta (Numerical Recipes betacf, modified Lentz). */
function betacf(a: number, b: number, x: number): number {
  const eps = 3e-16;
  const fpmin = 1e-300;
  const qab = a + b;
  const qap = a + 1.0;
  const qam = a - 1.0;
  let c = 1.0;
  let d = 1.0 - (qab * x) / qap;
  d = Math.abs(d) < fpmin ? fpmin : d;
  d = 1.0 / d;
  let h = d;
  for (let m = 1; m < 400; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    d = Math.abs(d) < fpmin ? fpmin : d;
    c = 1.0 + aa / c;
    c = Math.abs(c) < fpmin ? fpmin : c;
    d = 1.0 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    d = Math.abs(d) < fpmin ? fpmin : d;
    c = 1.0 + aa / c;
    c = Math.abs(c) < fpmin ? fpmin : c;
    d = 1.0 / d;
    const de = d * c;
    h *= de;
    if (Math.abs(de - 1.0) < eps) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
function betai(a: number, b: number, x: number): number {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const lnBt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log(1.0 - x);
  const bt = Math.exp(lnBt);
  if (x < (a + 1.0) / (a + b + 2.0)) return (bt * betacf(a, b, x)) / a;
  return 1.0 - (bt * betacf(b, a, 1.0 - x)) / b;
}

/** P(<= t over-latency among h + t trials | over-latency rate 1 - p + d) = I_{p-d}(h, t + 1). */
function odds(h: number, t: number, p: number, d: number): number {
  return betai(h, 1 + t, p - d);
}

/** Smallest h with odds(h, t, p, d) < 1 - c (exponential bracket, then binary search). */
export function findMinPassing(t: number, p: number, d = TOLERANCE, c = ES_CONFIDENCE): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`percentile must be in (0, 1), got ${p}`);
  if (!(c > 0 && c < 1)) throw new RangeError(`confidence must be in (0, 1), got ${c}`);
  if (!(d >= 0 && d < p)) throw new RangeError(`tolerance must be in [0, percentile), got ${d}`);
  const target = 1.0 - c;
  let lo = 1;
  let hi = 2;
  while (odds(hi, t, p, d) >= target) hi *= 2;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (odds(mid, t, p, d) < target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Largest t >= 1 with n >= findMinPassing(t) + t; 0 below the floor. */
function discardCount(n: number, p: number, d: number, c: number): number {
  if (findMinPassing(1, p, d, c) + 1 > n) return 0;
  let lo = 1;
  let hi = 2;
  while (findMinPassing(hi, p, d, c) + hi <= n) hi *= 2;
  while (lo < hi - 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (findMinPassing(mid, p, d, c) + mid <= n) lo = mid;
    else hi = mid;
  }
  return lo;
}

export interface EarlyStoppingResult {
  percentile: number;
  confidence: number;
  n: number;
  /** null when there are too few samples to make any claim. */
  estimate: number | null;
  empirical: number | null;
  minQueries: number;
  /** Samples strictly above the estimate. */
  discarded: number;
}

/** Estimate over ascending-sorted values; `percentile` in the grid convention (e.g. 99.9). */
export function esPercentileEstimate(sorted: ArrayLike<number>, percentile: number, confidence = ES_CONFIDENCE): EarlyStoppingResult {
  if (!(percentile >= 1.0 && percentile < 100.0)) throw new RangeError(`percentile must be in [1, 100), got ${percentile}`);
  const fraction = percentile / 100.0;
  const n = sorted.length;
  const minQueries = findMinPassing(1, fraction, TOLERANCE, confidence) + 1;
  const empirical = n ? sorted[Math.floor(fraction * (n - 1))]! : null;
  if (n < minQueries) return { percentile, confidence, n, estimate: null, empirical, minQueries, discarded: 0 };
  const t = discardCount(n, fraction, TOLERANCE, confidence);
  return { percentile, confidence, n, estimate: sorted[n - t]!, empirical, minQueries, discarded: t - 1 };
}

/** The report-grid entries in the early-stopping domain (50 <= p < 100), keyed as in the summary. */
export function esTargetsFromGrid(grid: readonly string[]): Array<[string, number]> {
  return grid.map((k) => [k, Number(k)] as [string, number]).filter(([, v]) => v >= ES_MIN_PERCENTILE && v < 100.0);
}
