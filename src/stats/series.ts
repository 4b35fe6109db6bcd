// One metric series: exact rollups while recording, then the reference's
// final statistics (registry.py SeriesSampler + report.py _series_to_metric_dict).
import { Float64Column } from '../model/columns.js';
import { ratioToDouble } from './exact.js';
import { esPercentileEstimate, esTargetsFromGrid } from './earlyStopping.js';
import { HISTOGRAM_BUCKETS, PERCENTILE_GRID, histogramCounts, logSpacedEdges, percentileLower } from './percentiles.js';

/**
 * Integer series (ns deltas, token counts): total and sum of squares are exact
 * BigInts, as Python ints are. Values are kept as doubles (exact below 2^53).
 */
export class IntSeries {
  readonly kind = 'int' as const;
  readonly values = new Float64Column();
  total = 0n;
  sumSq = 0n;
  min: bigint | null = null;
  max: bigint | null = null;

  record(v: bigint): void {
    this.total += v;
    this.sumSq += v * v;
    if (this.min === null || v < this.min) this.min = v;
    if (this.max === null || v > this.max) this.max = v;
    this.values.push(Number(v));
  }

  get count(): number {
    return this.values.length;
  }
}

/** Float series (TPOT): sums accumulate in recording order, as the reference's do. */
export class FloatSeries {
  readonly kind = 'float' as const;
  readonly values = new Float64Column();
  total = 0;
  sumSq = 0;
  min = Infinity;
  max = -Infinity;

  record(v: number): void {
    this.total += v;
    this.sumSq += v * v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.values.push(v);
  }

  get count(): number {
    return this.values.length;
  }
}

export type Series = IntSeries | FloatSeries;

/** A JSON number that must be written as a float (Python float). */
export type Float = number;
/** A JSON number that must be written as an integer (Python int). */
export type Int = bigint;

export interface SeriesSummary {
  total: Int | Float;
  min: Int | Float;
  max: Int | Float;
  median: Float;
  avg: Float;
  std_dev: Float;
  percentiles: Record<string, Float>;
  early_stopping_percentiles?: Record<string, Float | null>;
  histogram: { buckets: Array<[Float, Float]>; counts: Int[] };
}

/** An empty series summarises to {} — or to its all-null early-stopping map when enabled. */
export type SeriesResult = SeriesSummary | { early_stopping_percentiles?: Record<string, Float | null> };

export function summarizeSeries(series: Series, earlyStopping: boolean): SeriesResult {
  const n = series.count;
  const sorted = series.values.copy().sort();
  const esp = earlyStopping ? earlyStoppingMap(sorted) : undefined;
  if (n === 0) return esp ? { early_stopping_percentiles: esp } : {};

  const percentiles: Record<string, Float> = {};
  for (const [key, p] of PERCENTILE_GRID) percentiles[key] = percentileLower(sorted, p);

  let total: Int | Float;
  let min: Int | Float;
  let max: Int | Float;
  let avg: number;
  let stdDev: number;
  if (series.kind === 'int') {
    total = series.total;
    min = series.min!;
    max = series.max!;
    avg = ratioToDouble(series.total, BigInt(n));
    // The reference hands sum_sq over as float(sum_sq), so its float formula
    // applies: sum_sq - total*total/n, with the int product divided exactly.
    const sumSq = Number(series.sumSq);
    const varNum = sumSq - ratioToDouble(series.total * series.total, BigInt(n));
    stdDev = n > 1 ? Math.sqrt(Math.max(0, varNum / (n - 1))) : 0;
  } else {
    total = series.total;
    min = series.min;
    max = series.max;
    avg = series.total / n;
    const varNum = series.sumSq - (series.total * series.total) / n;
    stdDev = n > 1 ? Math.sqrt(Math.max(0, varNum / (n - 1))) : 0;
  }

  const lowEdge = series.kind === 'int' ? Number(series.min!) : series.min;
  const highEdge = series.kind === 'int' ? Number(series.max!) : series.max;
  const edges = logSpacedEdges(lowEdge, highEdge, HISTOGRAM_BUCKETS);
  const counts = histogramCounts(sorted, edges);

  const summary: SeriesSummary = {
    total,
    min,
    max,
    median: percentiles['50.0']!,
    avg,
    std_dev: stdDev,
    percentiles,
    histogram: {
      buckets: counts.map((_, i) => [edges[i]!, edges[i + 1]!] as [Float, Float]),
      counts: counts.map((c) => BigInt(c)),
    },
  };
  if (esp) {
    // Sits right after `percentiles`, as in the reference.
    const { histogram, ...head } = summary;
    return { ...head, early_stopping_percentiles: esp, histogram };
  }
  return summary;
}

function earlyStoppingMap(sorted: Float64Array): Record<string, Float | null> {
  const out: Record<string, Float | null> = {};
  for (const [key, p] of esTargetsFromGrid(PERCENTILE_GRID.map(([k]) => k))) {
    out[key] = esPercentileEstimate(sorted, p).estimate;
  }
  return out;
}
