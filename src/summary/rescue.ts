// Rescue: compare the run's original summary with the corrected one, say
// plainly what was wrong with it, and optionally put the corrected one in its
// place (after a backup).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../base/atomic.js';
import { ReplayError } from '../base/errors.js';
import { fileTypeName, readBoundedText, readBounded } from '../base/files.js';
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
  /** Where the original values came from when not the run's summary: the backup an earlier --in-place made. */
  comparedWith?: string;
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
    const snap = JSON.parse(readBoundedText(path, 'final_snapshot.json')) as { n_pending_tasks?: unknown };
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

export interface InPlaceResult {
  /** The backup holding the original: made now, or found already holding the same bytes; null when nothing was replaced. */
  backup: string | null;
  /** Whether this run wrote the backup (false: it was already there, byte for byte). */
  backupMade: boolean;
  /** Whether the original was overwritten (false: it already was the corrected summary). */
  replaced: boolean;
  originalSha256: string;
  correctedSha256: string;
}

const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/**
 * The bytes of the run's summary that --in-place is to replace: a regular file,
 * not a link (what a link points to is never copied into a backup, nor written over).
 */
export function readInPlaceOriginal(path: string): Buffer {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) throw new ReplayError(`--in-place: ${path} is a symbolic link; replay neither backs up nor overwrites what a link points to`, 'replace the link with the file itself, or drop --in-place');
  if (st && !st.isFile()) throw new ReplayError(`--in-place: ${path} is ${fileTypeName(st)}, not a regular file`, 'drop --in-place');
  return readBounded(path, 'result_summary.json', { noFollow: true });
}

/** Creates `path` holding `bytes`, failing (false) if anything is at that name, link or not. */
function createExclusive(path: string, bytes: Uint8Array): boolean {
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  writeAtomic(tmp, bytes);
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ReplayError(`${path}: cannot write the backup (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'check the run directory is writable, or drop --in-place');
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Whether `path` is a regular file (not a link) holding exactly `bytes`. */
function holds(path: string, bytes: Uint8Array): boolean {
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size !== bytes.byteLength) return false;
  try {
    return readBounded(path, 'result_summary.json', { noFollow: true }).equals(bytes);
  } catch {
    return false;
  }
}

/**
 * Write the corrected summary over the original, after copying the original to
 * result_summary.json.orig-<sha8> beside it. An existing file at that name is
 * never overwritten: if it already holds these bytes it is the backup, else the
 * next free name (.orig-<sha8>.1, ...) is taken. An original that already is the
 * corrected summary is left as it is, with no new backup (a second --in-place).
 */
export function replaceInPlace(originalPath: string, corrected: Dict): InPlaceResult {
  const bytes = readInPlaceOriginal(originalPath);
  const text = Buffer.from(toPyJson(corrected as PyJson), 'utf8');
  const base = { originalSha256: sha256(bytes), correctedSha256: sha256(text) };
  if (bytes.equals(text)) return { backup: null, backupMade: false, replaced: false, ...base };
  const stem = `${originalPath}.orig-${base.originalSha256.slice(0, 8)}`;
  let backup: string | null = null;
  let made = false;
  for (let i = 0; i < 100 && backup === null; i++) {
    const name = i === 0 ? stem : `${stem}.${i}`;
    if (holds(name, bytes)) backup = name;
    else if (createExclusive(name, bytes)) {
      backup = name;
      made = true;
    }
  }
  if (backup === null) throw new ReplayError(`--in-place: ${stem} and 99 further names are taken; the original was not replaced`, 'move old backups away');
  // The original is checked again just before it is replaced: still a regular file, still the bytes backed up.
  if (!readInPlaceOriginal(originalPath).equals(bytes)) throw new ReplayError(`--in-place: ${originalPath} changed while replay ran; not replaced (backup of the earlier bytes: ${backup})`, 'run again');
  writeAtomic(originalPath, text);
  return { backup, backupMade: made, replaced: true, ...base };
}

/** The console line for an --in-place result (only what was done). */
export function formatInPlace(r: InPlaceResult): string {
  if (!r.replaced) return 'the original summary already is the corrected one: left as it is, no new backup\n';
  return r.backupMade ? `replaced the original summary; backup: ${r.backup}\n` : `replaced the original summary; its backup was already there: ${r.backup}\n`;
}
