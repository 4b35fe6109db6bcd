// Vega-Lite specs of a comparison page: latency against throughput through the
// runs in load order, the Pareto view of per-user against total throughput,
// overlaid CDFs, and every metric's change against the baseline coloured by
// better/worse. Pure: points in, specs out. Incomplete runs are drawn with a
// hollow triangle (points) or dashed (lines) and named "(incomplete)".
import type { CompareRow, SweepPoint } from '../../summary/compare.js';
import type { CdfPoint } from './cdf.js';

export const VL_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export type Spec = Record<string, unknown>;

const LEGEND = { orient: 'bottom', direction: 'horizontal', labelLimit: 400 } as const;
const STATUS = { field: 'status', type: 'nominal', title: null, scale: { domain: ['complete', 'incomplete'], range: ['circle', 'triangle-up'] }, legend: LEGEND } as const;
const ZOOM = [{ name: 'zoom', select: 'interval', bind: 'scales' }];
const status = (complete: boolean): string => (complete ? 'complete' : 'incomplete');

/** A run's name in legends and tooltips: its column number and label, flagged when incomplete. */
export const runName = (p: { run: number; label: string; complete: boolean }): string => `#${p.run + 1} ${p.label}${p.complete ? '' : ' (incomplete)'}`;

/** TTFT or TPOT p50 and p99 (ms) against output throughput: one line per percentile through the runs in the order shown, points labelled by load. */
export function latencyVsThroughputChart(metric: 'TTFT' | 'TPOT', points: SweepPoint[]): Spec {
  const rows = points.flatMap((p) => {
    const v = metric === 'TTFT' ? [p.ttftP50, p.ttftP99] : [p.tpotP50, p.tpotP99];
    return (['p50', 'p99'] as const).flatMap((stat, k) =>
      p.tps === null || v[k] === null ? [] : [{ run: runName(p), rank: p.run, load: p.load ?? '—', stat: `${metric} ${stat}`, tps: p.tps, ms: v[k], status: status(p.complete) }],
    );
  });
  const x = { field: 'tps', type: 'quantitative', title: 'output throughput (tokens/s)', scale: { zero: false, padding: 24 } };
  const y = { field: 'ms', type: 'quantitative', title: `${metric} (ms)`, scale: { zero: false, padding: 18 } };
  const color = { field: 'stat', type: 'nominal', title: null, scale: { domain: [`${metric} p50`, `${metric} p99`] }, legend: LEGEND };
  return {
    $schema: VL_SCHEMA,
    title: `${metric} against throughput`,
    width: 520,
    height: 300,
    data: { values: rows },
    layer: [
      { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color, order: { field: 'rank', type: 'quantitative' } } },
      {
        params: ZOOM,
        mark: { type: 'point', filled: true, size: 90 },
        encoding: {
          x,
          y,
          color,
          shape: STATUS,
          tooltip: [
            { field: 'run', title: 'run' },
            { field: 'load', title: 'load' },
            { field: 'stat', title: 'metric' },
            { field: 'ms', title: 'ms', format: '.3f' },
            { field: 'tps', title: 'tokens/s', format: '.1f' },
            { field: 'status', title: 'status' },
          ],
        },
      },
      { mark: { type: 'text', dy: -10, fontSize: 10 }, encoding: { x, y, text: { field: 'load' }, color } },
    ],
  };
}

/** Tokens/s one request sees (1 / median TPOT) against output tokens/s of the run: the runs on the frontier joined and coloured. */
export function paretoChart(points: SweepPoint[]): Spec {
  const rows = points
    .filter((p) => p.tps !== null && p.perUser !== null)
    .map((p) => ({ run: runName(p), load: p.load ?? '—', tps: p.tps!, perUser: p.perUser!, frontier: p.frontier ? 'on the frontier' : 'dominated', status: status(p.complete) }));
  const x = { field: 'tps', type: 'quantitative', title: 'output throughput (tokens/s)', scale: { zero: false, padding: 24 } };
  const y = { field: 'perUser', type: 'quantitative', title: 'tokens/s per user (1 / median TPOT)', scale: { zero: false, padding: 18 } };
  return {
    $schema: VL_SCHEMA,
    title: 'Pareto: per-user against total throughput',
    width: 520,
    height: 300,
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: "datum.frontier === 'on the frontier'" }],
        mark: { type: 'line', color: '#1e7b34', strokeDash: [6, 3] },
        encoding: { x, y, order: { field: 'tps', type: 'quantitative' } },
      },
      {
        params: ZOOM,
        mark: { type: 'point', filled: true, size: 110 },
        encoding: {
          x,
          y,
          shape: STATUS,
          color: { field: 'frontier', type: 'nominal', title: null, scale: { domain: ['on the frontier', 'dominated'], range: ['#1e7b34', '#8a94a6'] }, legend: LEGEND },
          tooltip: [
            { field: 'run', title: 'run' },
            { field: 'load', title: 'load' },
            { field: 'tps', title: 'tokens/s', format: '.1f' },
            { field: 'perUser', title: 'tokens/s per user', format: '.2f' },
            { field: 'frontier', title: 'Pareto' },
            { field: 'status', title: 'status' },
          ],
        },
      },
      { mark: { type: 'text', dy: -11, fontSize: 10 }, encoding: { x, y, text: { field: 'load' } } },
    ],
  };
}

/** Every how many CDF points one carries a tooltip (an invisible mark; the line itself has none). */
const TIP_EVERY = 5;

/** Overlaid CDFs of one metric (ms), one line per run; incomplete runs dashed. */
export function cdfChart(title: string, lines: Array<{ run: number; label: string; complete: boolean; points: CdfPoint[] }>): Spec {
  const names = lines.map(runName);
  // Values rounded to 0.1 µs and 1e-6 of the fraction: finer than any pixel, and half the bytes.
  const rows = lines.flatMap((l, k) => l.points.map((pt, j) => ({ run: names[k]!, v: Math.round(pt.v * 1e4) / 1e4, p: Math.round(pt.p * 1e6) / 1e6, status: status(l.complete), tip: j % TIP_EVERY === 0 || j === l.points.length - 1 })));
  const x = { field: 'v', type: 'quantitative', title: 'ms', scale: { zero: false } };
  const y = { field: 'p', type: 'quantitative', title: 'fraction of samples at or below', scale: { domain: [0, 1] } };
  const color = { field: 'run', type: 'nominal', title: null, scale: { domain: names }, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 480 } };
  return {
    $schema: VL_SCHEMA,
    title,
    width: 520,
    height: 260,
    data: { values: rows },
    layer: [
      {
        params: ZOOM,
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
        encoding: { x, y, color, strokeDash: { field: 'status', type: 'nominal', title: null, scale: { domain: ['complete', 'incomplete'], range: [[1, 0], [5, 3]] }, legend: null } },
      },
      {
        transform: [{ filter: 'datum.tip' }],
        mark: { type: 'point', size: 40, opacity: 0, filled: true },
        encoding: { x, y, color, tooltip: [{ field: 'run', title: 'run' }, { field: 'v', title: 'ms', format: '.3f' }, { field: 'p', title: 'fraction', format: '.4f' }] },
      },
    ],
  };
}

const VERDICT_COLORS = { domain: ['better', 'worse', 'same', 'no direction'], range: ['#1e7b34', '#b3261e', '#8a94a6', '#c9ced8'] };

/** Every metric's change (%) against the baseline, one bar per other run, coloured better/worse. */
export function changeChart(rows: CompareRow[], runs: Array<{ run: number; label: string; complete: boolean }>, baseline: number): Spec {
  const names = runs.map(runName);
  const values = rows.flatMap((r) =>
    r.change.flatMap((c, i) => (i === baseline || c === null ? [] : [{ metric: `${r.metric}${r.unit ? ` (${r.unit})` : ''}`, run: names[i]!, change: c * 100, verdict: r.verdict[i] ?? 'no direction' }])),
  );
  return {
    $schema: VL_SCHEMA,
    title: `Change against #${baseline + 1} (%)`,
    width: 520,
    height: { step: 12 },
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'metric', type: 'nominal', sort: null, title: null },
      yOffset: { field: 'run', type: 'nominal', sort: names },
      x: { field: 'change', type: 'quantitative', title: `% against #${baseline + 1}` },
      color: { field: 'verdict', type: 'nominal', title: null, scale: VERDICT_COLORS },
      tooltip: [{ field: 'metric' }, { field: 'run' }, { field: 'change', title: '%', format: '+.2f' }, { field: 'verdict' }],
    },
  };
}
