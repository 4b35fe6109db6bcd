// Vega-Lite specs of the report's interactive charts (over time, swim lanes,
// SLO curves): data in, spec out, no I/O. Every over-time chart shades the
// tracking blocks, the warm-up and the steady-state window, zooms and pans on
// x (drag, wheel; double-click resets) and shows a tooltip on each point.
import { VL_SCHEMA, type Spec } from './charts.js';
import type { Lane, OverTimeRow, Region } from './reportSeries.js';

const WIDTH = 560;
const ZOOM = { name: 'zoom', select: { type: 'interval', encodings: ['x'] }, bind: 'scales' };
const REGION_COLORS = { domain: ['warm-up', 'performance tracking', 'steady state'], range: ['#f0a33a', '#9bb7e0', '#55b870'] };

function regionLayer(regions: Region[]): Spec[] {
  if (regions.length === 0) return [];
  const kinds = [...new Set(regions.map((r) => r.kind))];
  const domain = [...REGION_COLORS.domain.filter((k) => kinds.includes(k)), ...kinds.filter((k) => !REGION_COLORS.domain.includes(k))];
  const palette = ['#9bb7e0', '#b39ddb', '#80cbc4', '#e6a0c4'];
  const range = domain.map((k, i) => REGION_COLORS.range[REGION_COLORS.domain.indexOf(k)] ?? palette[i % palette.length]!);
  return [
    {
      data: { values: regions },
      mark: { type: 'rect', opacity: 0.16, tooltip: true },
      encoding: {
        x: { field: 'start', type: 'quantitative' },
        x2: { field: 'end' },
        color: { field: 'kind', type: 'nominal', title: 'window', scale: { domain, range }, legend: { orient: 'bottom', direction: 'horizontal' } },
      },
    },
  ];
}

export interface OverTimeOptions {
  title: string;
  yTitle: string;
  rows: OverTimeRow[];
  regions: Region[];
  /** Series drawn as a thin light line under the others. */
  faint?: string;
  /** 'step' for counts at bucket ends. */
  interpolate?: 'linear' | 'step-after';
}

/** A line per series over time, on shaded windows; y starts at 0. */
export function overTimeChart(o: OverTimeOptions): Spec {
  const x = { field: 't', type: 'quantitative', title: 'seconds since start', scale: { nice: false } };
  const y = { field: 'y', type: 'quantitative', title: o.yTitle, scale: { domainMin: 0, zero: true } };
  const color = { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', direction: 'horizontal', labelLimit: 260 } };
  const tooltip = [
    { field: 't', type: 'quantitative', title: 's', format: '.3f' },
    { field: 'series', type: 'nominal' },
    { field: 'y', type: 'quantitative', title: o.yTitle, format: '.4~f' },
  ];
  return {
    $schema: VL_SCHEMA,
    title: o.title,
    width: WIDTH,
    height: 220,
    layer: [
      ...regionLayer(o.regions),
      {
        data: { values: o.rows },
        layer: [
          {
            params: [ZOOM],
            mark: { type: 'line', interpolate: o.interpolate ?? 'linear', clip: true },
            encoding: {
              x,
              y,
              color,
              ...(o.faint ? { opacity: { condition: { test: `datum.series === ${JSON.stringify(o.faint)}`, value: 0.35 }, value: 1 }, strokeWidth: { condition: { test: `datum.series === ${JSON.stringify(o.faint)}`, value: 1 }, value: 2 } } : {}),
            },
          },
          { mark: { type: 'point', filled: true, size: 36, opacity: 0, clip: true, tooltip: true }, encoding: { x, y, color, tooltip } },
        ],
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
}

/** Failed requests per bucket as bars; the axis starts at 0 (and shows 0..1 when nothing failed). */
export function errorsChart(rows: Array<{ t: number; failed: number }>, widthS: number, regions: Region[]): Spec {
  const any = rows.some((r) => r.failed > 0);
  return {
    $schema: VL_SCHEMA,
    title: `Errors over time (per ${formatSeconds(widthS)})`,
    width: WIDTH,
    height: 160,
    layer: [
      ...regionLayer(regions),
      {
        // Empty buckets draw nothing (a zero-height bar still shows its edge); the x domain comes from the regions and the run's span.
        data: { values: rows.filter((r) => r.failed > 0).map((r) => ({ ...r, t2: r.t + widthS })) },
        params: [ZOOM],
        mark: { type: 'bar', color: '#c0392b', tooltip: true, clip: true },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'seconds since start', scale: { nice: false, domain: [0, rows.length ? rows[rows.length - 1]!.t + widthS : 1] } },
          x2: { field: 't2' },
          y: { field: 'failed', type: 'quantitative', title: 'failed requests', scale: { domainMin: 0, ...(any ? {} : { domainMax: 1 }) }, axis: { tickMinStep: 1 } },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
}

const PHASES = { domain: ['waiting for first chunk', 'streaming', 'waiting (no chunk)', 'failed', 'untracked (warm-up)', 'not completed'], range: ['#f0a33a', '#2f5fb3', '#8e99a8', '#c0392b', '#9aa5b1', '#000000'] };

/** Swim lanes: one horizontal line per request, issue -> first chunk (orange) -> completion (by status). */
export function lanesChart(lanes: Lane[], total: number, regions: Region[]): Spec {
  const rows = lanes.map((l) => ({
    lane: l.lane,
    sample_row: l.row,
    status: l.status,
    issued: l.issued,
    first: l.first,
    from: l.first ?? l.issued,
    done: l.done ?? l.first ?? l.issued,
    phase: l.status === 'ok' ? (l.first === null ? 'waiting (no chunk)' : 'streaming') : l.status,
    ttft_ms: l.ttftMs,
    latency_ms: l.latencyMs,
    osl: l.osl,
  }));
  const title = total > lanes.length ? `Requests over time (${lanes.length} of ${total}, every ${(total / lanes.length).toFixed(1)}th by issue order)` : `Requests over time (all ${total})`;
  const x = { field: 'from', type: 'quantitative', title: 'seconds since start', scale: { nice: false } };
  const y = { field: 'lane', type: 'quantitative', title: 'request (by issue time)', axis: { labels: false, ticks: false, grid: false }, scale: { nice: false } };
  const color = { type: 'nominal', title: null, scale: PHASES, legend: { orient: 'bottom', direction: 'horizontal' } };
  const tooltip = [
    { field: 'sample_row', type: 'quantitative' },
    { field: 'status', type: 'nominal' },
    { field: 'ttft_ms', type: 'quantitative', format: '.3f' },
    { field: 'latency_ms', type: 'quantitative', format: '.3f' },
    { field: 'osl', type: 'quantitative' },
  ];
  const strokeWidth = lanes.length > 200 ? 1 : 2;
  return {
    $schema: VL_SCHEMA,
    title,
    width: WIDTH * 2 + 40,
    height: Math.max(160, Math.min(480, lanes.length * 3)),
    layer: [
      ...regionLayer(regions),
      {
        data: { values: rows },
        layer: [
          {
            transform: [{ filter: 'datum.first !== null' }, { calculate: "'waiting for first chunk'", as: 'wait' }],
            mark: { type: 'rule', strokeWidth, tooltip: true, clip: true },
            encoding: { x: { ...x, field: 'issued' }, x2: { field: 'first' }, y, color: { ...color, field: 'wait' }, tooltip },
          },
          {
            params: [ZOOM],
            mark: { type: 'rule', strokeWidth, tooltip: true, clip: true },
            encoding: { x, x2: { field: 'done' }, y, color: { ...color, field: 'phase' }, tooltip },
          },
        ],
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
}

/** SLO attainment curves: fraction of requests at or under each threshold, one panel per metric, the SLO as a rule. */
export function sloCurvesChart(curves: Array<{ metric: string; thresholdsNs: number[]; fraction: number[] }>, sloNs: Array<[string, number]>): Spec {
  const slo = new Map(sloNs);
  const rows = curves.flatMap((c) => c.thresholdsNs.map((t, k) => ({ metric: c.metric, threshold_ms: t / 1e6, fraction: c.fraction[k]!, ...(slo.has(c.metric) ? { slo_ms: slo.get(c.metric)! / 1e6 } : {}) })));
  return {
    $schema: VL_SCHEMA,
    title: 'SLO attainment curves (requests at or under the threshold)',
    data: { values: rows },
    facet: { column: { field: 'metric', type: 'nominal', title: null } },
    spec: {
      width: 300,
      height: 180,
      layer: [
        { mark: { type: 'line', point: { filled: true, size: 20 }, tooltip: true }, encoding: { x: { field: 'threshold_ms', type: 'quantitative', title: 'threshold (ms)', scale: { type: 'log' } }, y: { field: 'fraction', type: 'quantitative', title: 'fraction', scale: { domain: [0, 1] } } } },
        { mark: { type: 'rule', color: '#c0392b', strokeDash: [4, 3] }, encoding: { x: { field: 'slo_ms', aggregate: 'max', type: 'quantitative' } } },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  };
}

export function formatSeconds(s: number): string {
  return s >= 1 ? `${Number(s.toPrecision(3))} s` : `${Number((s * 1000).toPrecision(3))} ms`;
}
