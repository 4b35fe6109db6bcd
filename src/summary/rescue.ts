// Rescue: compare the run's original summary with the corrected one, say
// plainly what was wrong with it, and optionally put the corrected one in its
// place (after a backup).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../base/atomic.js';
import { toPyJson } from '../py/json.js';
import { type PyJson } from '../model/json.js';
import { SCALAR_METRICS, SERIES_METRICS, TIME_SERIES_KEYS } from './metrics.js';

export interface FieldChange {
  field: string;
  original: number | string | boolean | null;
  corrected: number | string | boolean | null;
  /** corrected − original, when both are numbers. */
  delta: number | null;
  /** delta / |original|, when defined. */
  relative: number | null;
}

export interface RescueReport {
  /** Why the original could not be trusted; empty when it was complete. */
  originalProblems: string[];
  changes: FieldChange[];
}

type Dict = { [k: string]: PyJson | undefined };
const TOP = [...SCALAR_METRICS.map((m) => m.key), 'state', 'complete'];
const SERIES = SERIES_METRICS.map((m) => m.key);
const SERIES_FIELDS = ['total', 'min', 'max', 'median', 'avg', 'std_dev'];
const PERCENTILES = ['50.0', '90.0', '99.0', '99.9'];

function scalar(v: PyJson | undefined): number | string | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return null;
}

function change(field: string, a: PyJson | undefined, b: PyJson | undefined): FieldChange | null {
  const o = scalar(a);
  const c = scalar(b);
  if (o === c) return null;
  const delta = typeof o === 'number' && typeof c === 'number' ? c - o : null;
  return { field, original: o, corrected: c, delta, relative: delta !== null && o !== 0 ? delta / Math.abs(o as number) : null };
}

/** Fields that differ between the original and the corrected summary (pure). */
export function diffSummaries(original: Dict, corrected: Dict, pendingTasks: number | null = null): RescueReport {
  const problems: string[] = [];
  if (original['complete'] === false) problems.push('the original summary says complete: false');
  if (original['state'] === 'interrupted') problems.push('the original run was interrupted');
  if (pendingTasks !== null && pendingTasks > 0) problems.push(`the original drain left ${pendingTasks} tokenization(s) pending (metrics/final_snapshot.json n_pending_tasks)`);
  const changes: FieldChange[] = [];
  const push = (c: FieldChange | null): void => {
    if (c) changes.push(c);
  };
  for (const k of TOP) push(change(k, original[k], corrected[k]));
  for (const s of SERIES) {
    const a = (original[s] ?? {}) as Dict;
    const b = (corrected[s] ?? {}) as Dict;
    for (const f of SERIES_FIELDS) push(change(`${s}.${f}`, a[f], b[f]));
    const pa = (a['percentiles'] ?? {}) as Dict;
    const pb = (b['percentiles'] ?? {}) as Dict;
    for (const p of PERCENTILES) push(change(`${s}.p${p}`, pa[p], pb[p]));
  }
  return { originalProblems: problems, changes };
}

/** n_pending_tasks from the run's metrics/final_snapshot.json, when there is one. */
export function pendingTasksOf(runDir: string | null): number | null {
  if (!runDir) return null;
  const path = join(runDir, 'metrics', 'final_snapshot.json');
  if (!existsSync(path)) return null;
  try {
    const snap = JSON.parse(readFileSync(path, 'utf8')) as { n_pending_tasks?: unknown };
    return typeof snap.n_pending_tasks === 'number' ? snap.n_pending_tasks : null;
  } catch {
    return null;
  }
}

/** Fields holding nanoseconds: the *_ns counters and the TTFT, TPOT and latency series (not their sample counts). */
function isTimeField(field: string): boolean {
  return field.endsWith('_ns') || TIME_SERIES_KEYS.some((k) => field.startsWith(`${k}.`));
}

export function formatRescue(r: RescueReport): string {
  const lines: string[] = [];
  if (r.originalProblems.length > 0) lines.push(`The original result_summary.json was incomplete: ${r.originalProblems.join('; ')}.`);
  if (r.changes.length === 0) {
    lines.push('The corrected summary matches the original.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(`${r.changes.length} field(s) changed (original → corrected; times in ms):`);
  const plain = (v: FieldChange['original']): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(8)) : String(v));
  // Times are nanoseconds in the summary; shown in ms, as the summary table and compare show them.
  const ms = (v: FieldChange['original']): string => (typeof v === 'number' ? `${(v / 1e6).toLocaleString('en-US', { maximumFractionDigits: 3 })} ms` : plain(v));
  for (const c of r.changes) {
    const fmt = isTimeField(c.field) ? ms : plain;
    const rel = c.relative !== null ? ` (${c.relative >= 0 ? '+' : ''}${(c.relative * 100).toFixed(2)}%)` : '';
    lines.push(`  ${c.field}: ${fmt(c.original)} → ${fmt(c.corrected)}${rel}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Write the corrected summary over the original, after copying the original to
 * result_summary.json.orig-<sha8> beside it (an existing backup is never overwritten).
 */
export function replaceInPlace(originalPath: string, corrected: Dict): string {
  const bytes = readFileSync(originalPath);
  const backup = `${originalPath}.orig-${createHash('sha256').update(bytes).digest('hex').slice(0, 8)}`;
  if (!existsSync(backup)) writeAtomic(backup, bytes);
  writeAtomic(originalPath, toPyJson(corrected as PyJson));
  return backup;
}
