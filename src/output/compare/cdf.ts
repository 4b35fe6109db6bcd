// Empirical CDFs small enough to inline in a page whatever the run's size.
// Pure.

/** One point of an empirical CDF: the fraction `p` of the values that are <= `v`. */
export interface CdfPoint {
  v: number;
  p: number;
}

/** Points kept per CDF line: a few per pixel of a ~500 px chart. */
export const CDF_LEVELS = 500;

/**
 * The empirical CDF of ascending `sorted` through at most `levels` of its
 * order statistics: with n values, the k-th level (k = 0 … levels−1) is the
 * value of rank j = floor(k·(n−1)/(levels−1)) (numpy's "lower" quantile at
 * k/(levels−1)), drawn at p = (j+1)/n; every value when n <= levels. The
 * minimum and maximum are always kept; the result depends only on the values.
 */
export function cdfPoints(sorted: ArrayLike<number>, levels = CDF_LEVELS): CdfPoint[] {
  const n = sorted.length;
  if (n === 0) return [];
  if (n <= levels || levels < 2) {
    const out: CdfPoint[] = [];
    for (let j = 0; j < n; j++) out.push({ v: sorted[j]!, p: (j + 1) / n });
    return out;
  }
  // n > levels, so the ranks are strictly increasing: `levels` distinct points.
  const out: CdfPoint[] = [];
  for (let k = 0; k < levels; k++) {
    const j = Math.floor((k * (n - 1)) / (levels - 1));
    out.push({ v: sorted[j]!, p: (j + 1) / n });
  }
  return out;
}
