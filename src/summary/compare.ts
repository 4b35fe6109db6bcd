// `replay compare A B [...]`: key metrics of several summaries side by side,
// each one's change relative to a baseline run and whether that change is
// better or worse (by the metric's direction of goodness); runs ordered by the
// load they put on the server (a sweep); each run labelled (model, load
// pattern, concurrency or QPS) and flagged when its summary is incomplete.
// Pure: commands/compare.ts reads the files.
import { metric, SERIES_METRICS, type Metric, type ScalarKey } from './metrics.js';

/** Which way a metric is better; null where neither is (duration, sequence lengths). */
export type Better = Metric['better'];
export type Verdict = 'better' | 'worse' | 'same';

interface MetricDef {
  metric: string;
  path: string[];
  scale: number;
  unit: string;
  better: Better;
}

const scalarRow = (key: ScalarKey): MetricDef => {
  const m = metric(key);
  return { metric: m.short, path: [key], scale: m.scale, unit: m.unit, better: m.better };
};

const METRICS: MetricDef[] = [
  ...(['n_samples_completed', 'n_samples_failed', 'duration_ns', 'qps', 'tps'] as const).map(scalarRow),
  ...SERIES_METRICS.filter((m) => m.kind === 'latency').flatMap((m): MetricDef[] => [
    { metric: `${m.key} median`, path: [m.key, 'median'], scale: m.scale, unit: m.unit, better: m.better },
    { metric: `${m.key} p99`, path: [m.key, 'percentiles', '99.0'], scale: m.scale, unit: m.unit, better: m.better },
  ]),
  ...SERIES_METRICS.filter((m) => m.kind === 'count').map((m): MetricDef => ({ metric: `${m.short} avg`, path: [m.key, 'avg'], scale: m.scale, unit: m.unit, better: m.better })),
];

export interface CompareRow {
  metric: string;
  unit: string;
  better: Better;
  values: Array<number | null>;
  /** Relative change of each value against the baseline's (null where undefined, and for the baseline). */
  change: Array<number | null>;
  /** Each value against the baseline's, by `better`; null for the baseline, a missing value, or a metric without a direction. */
  verdict: Array<Verdict | null>;
}

/** How a run loaded the server, from its run_config.load_pattern. */
export interface LoadSetting {
  pattern: string | null;
  concurrency: number | null;
  qps: number | null;
}

/** One compared run: what was read, what it is, and whether its numbers are whole. */
export interface CompareRun {
  /** As given on the command line. */
  input: string;
  /** Position on the command line (runs are shown in load order). */
  inputIndex: number;
  /** The summary file read. */
  file: string;
  /** replay: a replay output (replay/); performance: the run's own summary (performance/); file: a summary file elsewhere. */
  origin: 'replay' | 'performance' | 'file';
  label: string;
  model: string | null;
  load: LoadSetting | null;
  complete: boolean;
  /** Why the summary cannot be trusted as complete; empty when it can. */
  problems: string[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const num = (v: unknown): number | null => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The load setting of a summary's (or config.yaml's) run_config block. */
export function loadOf(runConfig: unknown): LoadSetting | null {
  const lp = obj(obj(runConfig)?.['load_pattern']);
  if (!lp) return null;
  return { pattern: typeof lp['type'] === 'string' ? lp['type'] : null, concurrency: num(lp['target_concurrency']), qps: num(lp['target_qps']) };
}

/** "c=N", "N QPS", the pattern's name, or null: the load as a chart's point label. */
export function loadLabel(load: LoadSetting | null): string | null {
  if (!load) return null;
  if (load.concurrency !== null) return `c=${load.concurrency}`;
  if (load.qps !== null) return `${load.qps} QPS`;
  return load.pattern;
}

/**
 * The order to show runs in: by load, concurrency runs first (ascending
 * target_concurrency), then QPS runs (ascending target_qps), then runs whose
 * load is not known; ties keep their input order. Returns input indices.
 */
export function loadOrder(loads: Array<LoadSetting | null>): number[] {
  const key = (l: LoadSetting | null): [number, number] => (l?.concurrency != null ? [0, l.concurrency] : l?.qps != null ? [1, l.qps] : [2, 0]);
  return loads
    .map((l, i) => ({ i, k: key(l) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.i - b.i)
    .map((x) => x.i);
}

/** Whether `value` is better, worse or the same as `base` (relative tolerance `tol`), for a metric that is better `better`. */
export function verdictOf(value: number, base: number, better: 'higher' | 'lower', tol = 1e-9): Verdict {
  if (Math.abs(value - base) <= tol * Math.max(Math.abs(value), Math.abs(base))) return 'same';
  return (value > base) === (better === 'higher') ? 'better' : 'worse';
}

/**
 * For each point, whether it is on the Pareto frontier when both coordinates
 * are better higher: no other point is at least as good in both and strictly
 * better in one. Equal points are all on it.
 */
export function paretoFrontier(points: Array<{ x: number; y: number }>): boolean[] {
  return points.map((p, i) => !points.some((q, j) => j !== i && q.x >= p.x && q.y >= p.y && (q.x > p.x || q.y > p.y)));
}

/** Why a summary is incomplete: its own complete/state fields, tokenizations a replay could not count (its manifest), or the drain's pending tasks (the run's metrics/final_snapshot.json). */
export function incompleteness(summary: Obj, notCounted: number | null, pendingTasks: number | null): string[] {
  const problems: string[] = [];
  if (summary['complete'] === false) problems.push('complete: false');
  if (summary['state'] === 'interrupted') problems.push('interrupted (the log ends before session.ended)');
  if (notCounted !== null && notCounted > 0) problems.push(`${notCounted} tokenization(s) not counted (replay_manifest.json)`);
  if (pendingTasks !== null && pendingTasks > 0) problems.push(`${pendingTasks} tokenization(s) left pending by the drain (metrics/final_snapshot.json)`);
  return problems;
}

/** "model · pattern c=N" / "model · pattern N QPS", from what is known; `fallback` when nothing is. */
export function runLabel(model: string | null, load: LoadSetting | null, fallback: string): string {
  const parts: string[] = [];
  if (model) parts.push(model);
  if (load?.pattern) {
    const at = load.concurrency !== null ? ` c=${load.concurrency}` : load.qps !== null ? ` ${load.qps} QPS` : '';
    parts.push(`${load.pattern}${at}`);
  }
  return parts.length > 0 ? parts.join(' · ') : fallback;
}

/** Whether `v` has the keys every result_summary.json has. */
export function isSummary(v: unknown): v is Obj {
  const o = obj(v);
  return o !== null && 'n_samples_issued' in o && 'n_samples_completed' in o && 'duration_ns' in o;
}

const pick = (s: unknown, path: string[]): number | null => {
  let v: unknown = s;
  for (const k of path) v = obj(v)?.[k];
  return num(v);
};

/** The metric rows of `summaries` (in the order shown), each against `summaries[baseline]`. */
export function compareSummaries(summaries: Obj[], baseline = 0): CompareRow[] {
  return METRICS.map(({ metric, path, scale, unit, better }) => {
    const values = summaries.map((s) => {
      const v = pick(s, path);
      return v === null ? null : v * scale;
    });
    const base = values[baseline] ?? null;
    const change = values.map((v, i) => (i !== baseline && v !== null && base !== null && base !== 0 ? (v - base) / Math.abs(base) : null));
    const verdict = values.map((v, i) => (i !== baseline && v !== null && base !== null && better !== null ? verdictOf(v, base, better) : null));
    return { metric, unit, better, values, change, verdict };
  });
}

/** One run as a point of the sweep charts: output throughput, TTFT/TPOT p50/p99 (ms), tokens/s per user. */
export interface SweepPoint {
  run: number;
  label: string;
  load: string | null;
  complete: boolean;
  /** Output tokens per second over the run (the summary's tps). */
  tps: number | null;
  ttftP50: number | null;
  ttftP99: number | null;
  tpotP50: number | null;
  tpotP99: number | null;
  /** Output tokens per second one request sees while it streams: 1 / median TPOT. */
  perUser: number | null;
  /** On the Pareto frontier of (tps, perUser); null where either is missing. */
  frontier: boolean | null;
}

/** The sweep chart points of `summaries` (in the order shown). */
export function sweepPoints(runs: CompareRun[], summaries: Obj[]): SweepPoint[] {
  const points = summaries.map((s, i): SweepPoint => {
    const ms = (path: string[]): number | null => {
      const v = pick(s, path);
      return v === null ? null : v / 1e6;
    };
    const tpotMedian = pick(s, ['tpot', 'median']);
    return {
      run: i,
      label: runs[i]!.label,
      load: loadLabel(runs[i]!.load),
      complete: runs[i]!.complete,
      tps: pick(s, ['tps']),
      ttftP50: ms(['ttft', 'median']),
      ttftP99: ms(['ttft', 'percentiles', '99.0']),
      tpotP50: ms(['tpot', 'median']),
      tpotP99: ms(['tpot', 'percentiles', '99.0']),
      perUser: tpotMedian !== null && tpotMedian > 0 ? 1e9 / tpotMedian : null,
      frontier: null,
    };
  });
  const both = points.filter((p) => p.tps !== null && p.perUser !== null);
  const onFrontier = paretoFrontier(both.map((p) => ({ x: p.tps!, y: p.perUser! })));
  both.forEach((p, k) => (p.frontier = onFrontier[k]!));
  return points;
}

/** A comparison, in the order its runs are shown. */
export interface Comparison {
  runs: CompareRun[];
  summaries: Obj[];
  rows: CompareRow[];
  /** Index (in `runs`) of the run changes are measured against. */
  baseline: number;
  order: 'load' | 'input';
  /** Things that could not be read and what that costs, one line each. */
  warnings: string[];
}

const ORIGIN: Record<CompareRun['origin'], string> = {
  replay: 'replay output',
  performance: "the run's own summary",
  file: 'summary file',
};

const pct = (c: number): string => `${c >= 0 ? '+' : ''}${(c * 100).toFixed(1)}%`;

/** The table (columns in the order shown, changes against the baseline with better/worse), then one line per run. */
export function formatCompare(runs: CompareRun[], rows: CompareRow[], baseline = 0): string {
  const cell = (v: number | null): string => (v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 3 }));
  const head = runs.map((r, i) => `#${i + 1}${r.complete ? '' : '*'}${i === baseline ? ' (base)' : ' (Δ)'}`);
  const table = [['metric', ...head]];
  for (const r of rows) {
    table.push([
      `${r.metric}${r.unit ? ` (${r.unit})` : ''}`,
      ...r.values.map((v, i) => {
        const c = r.change[i] ?? null;
        const verdict = r.verdict[i];
        const parts = [c === null ? null : pct(c), verdict === 'better' || verdict === 'worse' ? verdict : null].filter(Boolean);
        return i === baseline || parts.length === 0 ? cell(v) : `${cell(v)} (${parts.join(' ')})`;
      }),
    ]);
  }
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const lines = table.map((row) => row.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  '));
  lines.push('');
  runs.forEach((r, i) => {
    lines.push(`#${i + 1} ${r.label}: ${r.file} (${ORIGIN[r.origin]})`);
    if (!r.complete) lines.push(`   * incomplete: ${r.problems.join('; ')}`);
  });
  return `${lines.join('\n')}\n`;
}
