// `replay compare A B [...]`: key metrics of several summaries side by side,
// with each one's change relative to the first.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ReplayError } from '../base/errors.js';

const METRICS: Array<[string, string[], number, string]> = [
  ['samples completed', ['n_samples_completed'], 1, ''],
  ['samples failed', ['n_samples_failed'], 1, ''],
  ['duration', ['duration_ns'], 1e-9, 's'],
  ['QPS', ['qps'], 1, ''],
  ['TPS', ['tps'], 1, 'tok/s'],
  ...(['ttft', 'tpot', 'latency'] as const).flatMap((m): Array<[string, string[], number, string]> => [
    [`${m} median`, [m, 'median'], 1e-6, 'ms'],
    [`${m} p99`, [m, 'percentiles', '99.0'], 1e-6, 'ms'],
  ]),
  ['ISL avg', ['input_sequence_lengths', 'avg'], 1, 'tok'],
  ['OSL avg', ['output_sequence_lengths', 'avg'], 1, 'tok'],
];

/** A summary file, or the summary of a run directory (replay's first, else the run's own). */
export function findSummary(input: string): string {
  if (!existsSync(input)) throw new ReplayError(`${input}: no such file or directory`, 'give result_summary.json files or run directories');
  if (!statSync(input).isDirectory()) return input;
  for (const p of [join(input, 'result_summary.json'), join(input, 'replay', 'result_summary.json'), join(input, 'performance', 'result_summary.json')]) if (existsSync(p)) return p;
  throw new ReplayError(`${input}: no result_summary.json here, in replay/ or in performance/`, 'run replay recompute on it first');
}

export interface CompareRow {
  metric: string;
  unit: string;
  values: Array<number | null>;
  /** Relative change of each value against the first (null where undefined). */
  change: Array<number | null>;
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

export function formatCompare(names: string[], rows: CompareRow[]): string {
  const cell = (v: number | null): string => (v === null ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: 3 }));
  const table = [['metric', ...names.map((n, i) => (i === 0 ? n : `${n} (Δ)`))]];
  for (const r of rows) table.push([`${r.metric}${r.unit ? ` (${r.unit})` : ''}`, ...r.values.map((v, i) => (i === 0 || r.change[i] === null ? cell(v) : `${cell(v)} (${r.change[i]! >= 0 ? '+' : ''}${(r.change[i]! * 100).toFixed(1)}%)`))]);
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  return `${table.map((row) => row.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ')).join('\n')}\n`;
}

export function loadSummaries(inputs: string[]): { names: string[]; summaries: Array<Record<string, unknown>> } {
  const paths = inputs.map(findSummary);
  return { names: inputs, summaries: paths.map((p) => JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>) };
}
