// Vega-Lite v6 chart specs for a replayed run, one function per chart: data
// in, spec out (no I/O). Data is inlined; histograms are binned here (exact
// counts), and large series are reduced to evenly spaced order statistics /
// samples, so a spec stays small whatever the run.
import { loadVega } from './vega.js';
import type { TimeSeries } from './arrowTables.js';

export const VL_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export type Spec = Record<string, unknown>;
const MAX_POINTS = 4000;
/** A CDF line is 520 px wide: two points a pixel are plenty. */
const MAX_CDF_POINTS = 1000;
/** Rows of an over-time chart (all its series): at 520 px, two to four a pixel. */
const MAX_SERIES_ROWS = 2000;

/** Evenly spaced order statistics of ascending `sorted`, at most `k`. */
function quantileSketch(sorted: Float64Array, k: number): number[] {
  if (sorted.length <= k) return Array.from(sorted);
  return Array.from({ length: k }, (_, i) => sorted[Math.floor((i * (sorted.length - 1)) / (k - 1))]!);
}

/** Every n-th row so that at most `k` remain (deterministic). */
export function thin<T>(rows: ArrayLike<T>, k = MAX_POINTS): T[] {
  if (rows.length <= k) return Array.from(rows);
  const step = rows.length / k;
  return Array.from({ length: k }, (_, i) => rows[Math.floor(i * step)]!);
}

export interface Bin {
  start: number;
  end: number;
  n: number;
}

/**
 * Exact counts of ascending `sorted` in at most `maxBins` bins of a round
 * width (1, 2 or 5 times a power of ten), the first starting at a multiple of it.
 */
export function histogram(sorted: Float64Array, maxBins = 40): Bin[] {
  if (sorted.length === 0) return [];
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  const span = hi - lo || Math.abs(lo) || 1;
  const magnitude = 10 ** Math.floor(Math.log10(span / maxBins));
  let step = [1, 2, 5, 10].map((m) => m * magnitude).find((w) => Math.ceil(hi / w) - Math.floor(lo / w) <= maxBins) ?? 10 * magnitude;
  if (!(step > 0)) step = 1;
  const first = Math.floor(lo / step);
  // The last bin is closed: a maximum on a bin edge counts in it (as in numpy).
  const bins = Math.max(1, Math.ceil(hi / step) - first);
  const counts = new Float64Array(bins);
  // 1e-9 of a bin: 0.3 / 0.1 is 2.9999999999999996, and 0.3 belongs to the bin starting at 0.3.
  for (let i = 0; i < sorted.length; i++) counts[Math.min(bins - 1, Math.max(0, Math.floor(sorted[i]! / step + 1e-9) - first))]!++;
  const edge = (k: number): number => Number(((first + k) * step).toPrecision(12));
  return Array.from(counts, (n, k) => ({ start: edge(k), end: edge(k + 1), n }));
}

/** numpy's "lower" percentile of ascending `sorted` (the summary's method). */
const lowerPct = (sorted: Float64Array, p: number): number => sorted[Math.floor((sorted.length - 1) * (p / 100))]!;

/**
 * Histogram and CDF of one metric (values in ms, sorted in place), with p50/p90/p99 rules. Bin
 * counts and percentiles are exact over every value; the CDF line is drawn
 * through at most MAX_CDF_POINTS evenly spaced order statistics.
 */
export function distributionChart(title: string, unit: string, values: Float64Array, counted = 'samples', cdfPoints = MAX_CDF_POINTS): Spec {
  const sorted = values.sort();
  const sketch = quantileSketch(sorted, cdfPoints);
  const marks = sorted.length ? [50, 90, 99].map((p) => ({ p: `p${p}`, v: lowerPct(sorted, p) })) : [];
  const cdf = sketch.map((v, i) => ({ v, cdf: sketch.length > 1 ? i / (sketch.length - 1) : 1 }));
  const rules = { data: { values: marks }, mark: { type: 'rule', strokeDash: [4, 3], color: '#c0392b' }, encoding: { x: { field: 'v', type: 'quantitative' }, tooltip: [{ field: 'p' }, { field: 'v', format: '.3f' }] } };
  const labels = { data: { values: marks }, mark: { type: 'text', align: 'left', dx: 3, dy: -4, color: '#c0392b' }, encoding: { x: { field: 'v', type: 'quantitative' }, y: { value: 0 }, text: { field: 'p' } } };
  return {
    $schema: VL_SCHEMA,
    title,
    vconcat: [
      {
        width: 520,
        height: 160,
        layer: [
          {
            data: { values: histogram(sorted) },
            mark: { type: 'bar', tooltip: true },
            encoding: {
              x: { field: 'start', type: 'quantitative', bin: 'binned', title: unit },
              x2: { field: 'end' },
              y: { field: 'n', type: 'quantitative', title: counted },
            },
          },
          rules,
          labels,
        ],
      },
      {
        width: 520,
        height: 120,
        layer: [{ data: { values: cdf }, mark: 'line', encoding: { x: { field: 'v', type: 'quantitative', title: unit }, y: { field: 'cdf', type: 'quantitative', title: 'CDF' } } }, rules],
      },
    ],
  };
}

export function islOslChart(points: Array<{ isl: number; osl: number }>, shape: 'circle' | 'square' = 'circle'): Spec {
  return {
    $schema: VL_SCHEMA,
    title: 'ISL vs OSL (tokens)',
    width: 520,
    height: 320,
    data: { values: thin(points) },
    mark: { type: 'point', opacity: 0.4, filled: true, size: 12, shape, tooltip: true },
    encoding: { x: { field: 'isl', type: 'quantitative', title: 'input tokens' }, y: { field: 'osl', type: 'quantitative', title: 'output tokens' } },
  };
}

function overTime(title: string, ts: TimeSeries, series: Record<string, Array<number | null>>, yTitle: string, mark: 'line' | 'bar' = 'line'): Spec {
  const rows: Array<{ t: number; series: string; y: number | null }> = [];
  for (const [name, ys] of Object.entries(series)) ys.forEach((y, i) => rows.push({ t: ts.startNs[i]! / 1e9, series: name, y }));
  return {
    $schema: VL_SCHEMA,
    title,
    width: 520,
    height: 200,
    data: { values: thin(rows, MAX_SERIES_ROWS) },
    mark: { type: mark, ...(mark === 'line' ? { interpolate: 'step-after' } : {}) },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'seconds since start' },
      y: { field: 'y', type: 'quantitative', title: yTitle },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

export const throughputChart = (ts: TimeSeries): Spec =>
  overTime('Throughput over time', ts, { 'output tokens/s': ts.outputTokensPerS }, 'tokens/s');
export const concurrencyChart = (ts: TimeSeries): Spec =>
  overTime('Concurrency over time', ts, { 'in flight': ts.inFlight, 'completed / interval': ts.completed }, 'requests');
export const ttftOverTimeChart = (ts: TimeSeries): Spec =>
  overTime('TTFT over time (rolling)', ts, { p50: ts.ttftP50Ns.map((v) => (v === null ? null : v / 1e6)), p99: ts.ttftP99Ns.map((v) => (v === null ? null : v / 1e6)) }, 'ms');
export const errorsOverTimeChart = (ts: TimeSeries): Spec => overTime('Errors over time', ts, { failed: ts.failed }, 'failed requests', 'bar');

export function finishReasonsChart(counts: Record<string, number>): Spec {
  return {
    $schema: VL_SCHEMA,
    title: 'Finish reasons (tracked samples)',
    width: 520,
    height: 160,
    data: { values: Object.entries(counts).map(([reason, n]) => ({ reason, n })) },
    mark: { type: 'bar', tooltip: true },
    encoding: { y: { field: 'reason', type: 'nominal', sort: null, title: null }, x: { field: 'n', type: 'quantitative', title: 'samples' } },
  };
}

/** Render a spec to SVG with vega, headless (no DOM, no canvas). */
export async function renderSvg(spec: Spec): Promise<string> {
  const [vl, vega] = await loadVega();
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
