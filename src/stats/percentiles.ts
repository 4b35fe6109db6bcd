// Percentiles and histograms with numpy's rules, as the reference computes
// them over the sorted raw values (registry.py, SeriesSampler._exact_stat).

/** The report grid, highest first; keys are Python's str() of each float. */
export const PERCENTILE_GRID: ReadonlyArray<[string, number]> = [
  ['99.9', 99.9],
  ['99.0', 99.0],
  ['97.0', 97.0],
  ['95.0', 95.0],
  ['90.0', 90.0],
  ['80.0', 80.0],
  ['75.0', 75.0],
  ['50.0', 50.0],
  ['25.0', 25.0],
  ['10.0', 10.0],
  ['5.0', 5.0],
  ['1.0', 1.0],
];

export const HISTOGRAM_BUCKETS = 30;

/** numpy.percentile(sorted, p, method="lower"): sorted[floor((n-1) * p/100)]. */
export function percentileLower(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const idx = Math.floor((n - 1) * (p / 100));
  return sorted[Math.min(Math.max(idx, 0), n - 1)]!;
}

/** n+1 log-spaced edges over [max(low,1), max(high, 10*low')]. */
export function logSpacedEdges(low: number, high: number, buckets: number): number[] {
  const safeLow = Math.max(low, 1.0);
  const safeHigh = Math.max(high, safeLow * 10.0);
  const logLo = Math.log(safeLow);
  const logHi = Math.log(safeHigh);
  const step = (logHi - logLo) / buckets;
  const edges: number[] = [];
  for (let i = 0; i <= buckets; i++) edges.push(Math.exp(logLo + i * step));
  return edges;
}

/**
 * np.histogram(np.clip(sorted, edges[0], edges[-1]), bins=edges): bucket i holds
 * edges[i] <= x < edges[i+1], the last bucket is closed. Values outside the
 * edges are clipped into the end buckets, so every value is counted.
 */
export function histogramCounts(sorted: ArrayLike<number>, edges: readonly number[]): number[] {
  const buckets = edges.length - 1;
  const counts = new Array<number>(buckets).fill(0);
  const lo = edges[0]!;
  const hi = edges[buckets]!;
  let b = 0;
  for (let i = 0; i < sorted.length; i++) {
    let x = sorted[i]!;
    if (x < lo) x = lo;
    else if (x > hi) x = hi;
    while (b < buckets - 1 && x >= edges[b + 1]!) b++;
    counts[b]!++;
  }
  return counts;
}
