// `replay compare A B [...]`: key metrics of several summaries side by side,
// with each one's change relative to the first; each run labelled (model, load
// pattern, concurrency or QPS) and flagged when its summary is incomplete.
// Pure: commands/compare.ts reads the files.
import { metric, SERIES_METRICS, type ScalarKey } from './metrics.js';

const scalarRow = (key: ScalarKey): [string, string[], number, string] => {
  const m = metric(key);
  return [m.short, [key], m.scale, m.unit];
};
const METRICS: Array<[string, string[], number, string]> = [
  ...(['n_samples_completed', 'n_samples_failed', 'duration_ns', 'qps', 'tps'] as const).map(scalarRow),
  ...SERIES_METRICS.filter((m) => m.kind === 'latency').flatMap((m): Array<[string, string[], number, string]> => [
    [`${m.key} median`, [m.key, 'median'], m.scale, m.unit],
    [`${m.key} p99`, [m.key, 'percentiles', '99.0'], m.scale, m.unit],
  ]),
  ...SERIES_METRICS.filter((m) => m.kind === 'count').map((m): [string, string[], number, string] => [`${m.short} avg`, [m.key, 'avg'], m.scale, m.unit]),
];

export interface CompareRow {
  metric: string;
  unit: string;
  values: Array<number | null>;
  /** Relative change of each value against the first (null where undefined). */
  change: Array<number | null>;
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

/**
 * Why a summary is incomplete: its own complete/state fields, tokenizations a
 * replay could not count (its manifest), or the drain's pending tasks
 * (the run's metrics/final_snapshot.json).
 */
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

export function compareSummaries(summaries: Array<Record<string, unknown>>): CompareRow[] {
  return METRICS.map(([metric, path, scale, unit]) => {
    const values = summaries.map((s) => {
      let v: unknown = s;
      for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
      return typeof v === 'number' ? v * scale : null;
    });
    const first = values[0] ?? null;
    return { metric, unit, values, change: values.map((v) => (v !== null && first !== null && first !== 0 ? (v - first) / Math.abs(first) : null)) };
  });
}

const ORIGIN: Record<CompareRun['origin'], string> = {
  replay: 'replay output',
  performance: "the run's own summary",
  file: 'summary file',
};

/** The table, then one line per run: its column, the file read, and whether it is incomplete. */
export function formatCompare(runs: CompareRun[], rows: CompareRow[]): string {
  const cell = (v: number | null): string => (v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 3 }));
  const head = runs.map((r, i) => `#${i + 1}${r.complete ? '' : '*'}${i === 0 ? '' : ' (Δ)'}`);
  const table = [['metric', ...head]];
  for (const r of rows) table.push([`${r.metric}${r.unit ? ` (${r.unit})` : ''}`, ...r.values.map((v, i) => (i === 0 || r.change[i] === null ? cell(v) : `${cell(v)} (${r.change[i]! >= 0 ? '+' : ''}${(r.change[i]! * 100).toFixed(1)}%)`))]);
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  const lines = table.map((row) => row.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  '));
  lines.push('');
  runs.forEach((r, i) => {
    lines.push(`#${i + 1} ${r.label}: ${r.file} (${ORIGIN[r.origin]})`);
    if (!r.complete) lines.push(`   * incomplete: ${r.problems.join('; ')}`);
  });
  return `${lines.join('\n')}\n`;
}
