// `replay compare`: find and read each input's summary (a replay output's, or
// the run's own), what run it belongs to (config.yaml: model and load), and
// whether it is complete (its own fields, the replay manifest, the run's
// final_snapshot.json); order the runs by load and pick the baseline. Every
// file is read bounded and none is trusted: a summary or a replay manifest that
// is malformed is a one-line error naming it (exit 2); an optional file that is
// (config.yaml, final_snapshot.json) costs a warning and what it would have told.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from '../vendor/yaml.js';
import { ReplayError } from '../base/errors.js';
import { readBoundedText, type FileKind } from '../base/files.js';
import { compareSummaries, incompleteness, isSummary, loadOf, loadOrder, runLabel, type CompareRun, type Comparison } from '../summary/compare.js';
export type { Comparison } from '../summary/compare.js';
import type { RunCdfs } from '../output/compare/samples.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);

/** The summary an input names, and which kind it is. A run directory: replay's first, else the run's own. */
export function findSummary(input: string): { file: string; origin: CompareRun['origin'] } {
  if (!existsSync(input)) throw new ReplayError(`${input}: no such file or directory`, 'give result_summary.json files or run directories');
  if (!statSync(input).isDirectory()) return { file: input, origin: originOf(input) };
  const here = join(input, 'result_summary.json');
  if (existsSync(here)) return { file: here, origin: originOf(here) };
  for (const [sub, origin] of [['replay', 'replay'], ['performance', 'performance']] as const) {
    const p = join(input, sub, 'result_summary.json');
    if (existsSync(p)) return { file: p, origin };
  }
  throw new ReplayError(`${input}: no result_summary.json here, in replay/ or in performance/`, 'run replay recompute on it first');
}

function originOf(file: string): CompareRun['origin'] {
  const dir = dirname(file);
  if (basename(dir) === 'performance') return 'performance';
  return existsSync(join(dir, 'replay_manifest.json')) ? 'replay' : 'file';
}

function readJson(path: string, kind: FileKind): unknown {
  const text = readBoundedText(path, kind);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ReplayError(`${path}: not valid JSON (${(err as Error).message.split('\n')[0]!.slice(0, 160)})`, `is this really a ${kind}?`);
  }
}

/** From a replay manifest: the tokenizations it could not count, and the run directory replayed; a manifest that is not one is an error. */
function readManifest(path: string): { notCounted: number | null; runDir: string | null } {
  const manifest = obj(readJson(path, 'replay_manifest.json'));
  if (!manifest) throw new ReplayError(`${path}: not a replay_manifest.json (not a JSON object)`, 'rerun replay recompute to rewrite it');
  const runDir = obj(manifest['input'])?.['run_dir'];
  const tok = manifest['tokenization'];
  const n = obj(tok)?.['not_counted'];
  if ((tok !== undefined && !obj(tok)) || (n !== undefined && !(typeof n === 'number' && Number.isInteger(n) && n >= 0))) {
    throw new ReplayError(`${path}: malformed replay_manifest.json (tokenization.not_counted is not a count)`, 'rerun replay recompute to rewrite it');
  }
  return { notCounted: typeof n === 'number' ? n : null, runDir: typeof runDir === 'string' && runDir ? runDir : null };
}

/** The run directory a summary belongs to (config.yaml, metrics/), when it can be told. */
function runDirOf(file: string, origin: CompareRun['origin'], replayedDir: string | null): string | null {
  if (origin === 'replay' && replayedDir) return replayedDir;
  const dir = origin === 'file' ? dirname(file) : dirname(dirname(file));
  return existsSync(join(dir, 'config.yaml')) || existsSync(join(dir, 'events.jsonl')) ? dir : null;
}

/** The model and run_config-like block of a config.yaml; a warning, not an error, when it cannot be read. */
function configOf(runDir: string | null, warn: (w: string) => void): { model: string | null; runConfig: unknown } | null {
  const path = runDir && join(runDir, 'config.yaml');
  if (!path || !existsSync(path)) return null;
  try {
    const root = obj(parseYaml(readBoundedText(path, 'config.yaml'), { intAsBigInt: true, maxAliasCount: 100 }));
    if (!root) throw new Error('not a mapping');
    const name = obj(root['model_params'])?.['name'];
    return { model: typeof name === 'string' && name ? name : null, runConfig: { load_pattern: obj(root['settings'])?.['load_pattern'] } };
  } catch (err) {
    warn(`${path}: not read (${((err as Error).message ?? String(err)).split('\n')[0]!.slice(0, 160)}); its model and load are unknown`);
    return null;
  }
}

/** n_pending_tasks of the run's metrics/final_snapshot.json; a warning (and a problem) when it cannot be read. */
function pendingOf(runDir: string | null, warn: (w: string) => void, problems: string[]): number | null {
  const path = runDir && join(runDir, 'metrics', 'final_snapshot.json');
  if (!path || !existsSync(path)) return null;
  try {
    const n = obj(JSON.parse(readBoundedText(path, 'final_snapshot.json')))?.['n_pending_tasks'];
    if (n === undefined) return null;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new Error('n_pending_tasks is not a count');
    return n;
  } catch (err) {
    const why = err instanceof ReplayError ? err.message : `${path}: ${((err as Error).message ?? String(err)).split('\n')[0]!.slice(0, 160)}`;
    warn(`${why}; whether the drain left tokenizations pending is unknown`);
    problems.push('metrics/final_snapshot.json unreadable: pending tokenizations unknown');
    return null;
  }
}

export interface CompareOptions {
  /** --label, in input order: replace the labels made from config.yaml. */
  labels?: string[];
  /** --baseline: an input's position (1-based, as given), its path, or its label. Default: the first run shown. */
  baseline?: string;
  /** load (default): runs ordered by concurrency / QPS; input: as given. */
  order?: 'load' | 'input';
}

/** Reads every input, orders the runs and compares them against the baseline. */
export function loadComparison(inputs: string[], opts: CompareOptions = {}): Comparison {
  const labels = opts.labels ?? [];
  if (labels.length > inputs.length) throw new ReplayError(`${labels.length} --label values for ${inputs.length} inputs`, 'give at most one --label per input, in the same order');
  const warnings: string[] = [];
  const read = inputs.map((input, i) => {
    const { file, origin } = findSummary(input);
    const summary = readJson(file, 'result_summary.json');
    if (!isSummary(summary)) throw new ReplayError(`${file}: not a result_summary.json (no n_samples_issued, n_samples_completed, duration_ns)`, 'give the result_summary.json of a run or of a replay');
    const manifestPath = join(dirname(file), 'replay_manifest.json');
    const manifest = origin === 'replay' && existsSync(manifestPath) ? readManifest(manifestPath) : null;
    const notCounted = manifest?.notCounted ?? null;
    const runDir = runDirOf(file, origin, manifest?.runDir ?? null);
    const extra: string[] = [];
    const pending = origin === 'performance' ? pendingOf(runDir, (w) => warnings.push(w), extra) : null;
    const problems = [...incompleteness(summary, notCounted, pending), ...extra];
    const config = configOf(runDir, (w) => warnings.push(w));
    const load = loadOf(summary['run_config']) ?? loadOf(config?.runConfig ?? null);
    const model = config?.model ?? null;
    const run: CompareRun = { input, inputIndex: i, file, origin, label: labels[i] ?? runLabel(model, load, input), model, load, complete: problems.length === 0, problems };
    return { run, summary };
  });
  const order = opts.order ?? 'load';
  const shown = order === 'load' ? loadOrder(read.map((r) => r.run.load)).map((i) => read[i]!) : read;
  const runs = shown.map((r) => r.run);
  const summaries = shown.map((r) => r.summary);
  const baseline = opts.baseline === undefined ? 0 : baselineIndex(runs, opts.baseline);
  return { runs, summaries, rows: compareSummaries(summaries, baseline), baseline, order, warnings };
}

/** The shown index of the run `--baseline` names: a 1-based input position, an input as given, or a label. */
export function baselineIndex(runs: CompareRun[], which: string): number {
  const byInput = /^[1-9]\d*$/.test(which) ? runs.findIndex((r) => r.inputIndex === Number(which) - 1) : -1;
  const found = byInput >= 0 ? byInput : runs.findIndex((r) => r.input === which || r.label === which);
  if (found < 0) throw new ReplayError(`--baseline ${which}: no such input (give its position 1-${runs.length}, its path as given, or its label)`, 'replay compare A B --baseline 2');
  return found;
}

/** Where a compared run's samples.arrow would be: beside a replay output's summary, or beside a summary file. */
export function samplesPathOf(run: CompareRun): string | null {
  return run.origin === 'performance' ? null : join(dirname(run.file), 'samples.arrow');
}

/** The comparison page: each run's CDFs read from its samples.arrow (or a note why not). */
export async function buildComparePage(cmp: Comparison): Promise<{ html: string; notes: string[] }> {
  // Loaded here, not at start-up: apache-arrow and vega are only needed for the page.
  const [{ readRunCdfs }, { buildCompareReport }] = await Promise.all([import('../output/compare/samples.js'), import('../output/compareReport.js')]);
  const cdfs = await Promise.all(
    cmp.runs.map(async (r): Promise<RunCdfs> => {
      const path = samplesPathOf(r);
      return path ? readRunCdfs(path) : { ok: false, note: `${r.file} is the run's own summary; replay recompute writes samples.arrow beside its own` };
    }),
  );
  return buildCompareReport(cmp, cdfs);
}
