// `replay compare`: find and read each input's summary (a replay output's, or
// the run's own), what run it belongs to (config.yaml: model and load), and
// whether it is complete (its own fields, the replay manifest, the run's
// final_snapshot.json). Every file is read bounded; one that is not a summary
// is a one-line error naming it.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ReplayError } from '../base/errors.js';
import { readBoundedText, type FileKind } from '../base/files.js';
import { readConfigYaml, type RunConfig } from '../run/runDir.js';
import { incompleteness, isSummary, loadOf, runLabel, type CompareRun } from '../summary/compare.js';
import { pendingTasksOf } from '../summary/rescue.js';

type Obj = Record<string, unknown>;

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
    throw new ReplayError(`${path}: not valid JSON (${(err as Error).message})`, `is this really a ${kind}?`);
  }
}

/** The run directory a summary belongs to (config.yaml, metrics/), when it can be told. */
function runDirOf(file: string, origin: CompareRun['origin'], manifest: Obj | null): string | null {
  const input = manifest?.['input'] as Obj | undefined;
  if (origin === 'replay' && typeof input?.['run_dir'] === 'string') return input['run_dir'];
  const dir = origin === 'file' ? dirname(file) : dirname(dirname(file));
  return existsSync(join(dir, 'config.yaml')) || existsSync(join(dir, 'events.jsonl')) ? dir : null;
}

function configOf(runDir: string | null): RunConfig | null {
  const path = runDir && join(runDir, 'config.yaml');
  if (!path || !existsSync(path)) return null;
  try {
    return readConfigYaml(path);
  } catch {
    // A config.yaml that does not parse only costs the label.
    return null;
  }
}

/** Reads every input; `labels` (--label, in order) replace the labels made from config.yaml. */
export function loadCompareRuns(inputs: string[], labels: string[] = []): { runs: CompareRun[]; summaries: Obj[] } {
  if (labels.length > inputs.length) throw new ReplayError(`${labels.length} --label values for ${inputs.length} inputs`, 'give at most one --label per input, in the same order');
  const runs: CompareRun[] = [];
  const summaries: Obj[] = [];
  inputs.forEach((input, i) => {
    const { file, origin } = findSummary(input);
    const summary = readJson(file, 'result_summary.json');
    if (!isSummary(summary)) throw new ReplayError(`${file}: not a result_summary.json (no n_samples_issued, n_samples_completed, duration_ns)`, 'give the result_summary.json of a run or of a replay');
    const problems: string[] = [];
    let manifest: Obj | null = null;
    const manifestPath = join(dirname(file), 'replay_manifest.json');
    if (origin === 'replay' && existsSync(manifestPath)) {
      try {
        manifest = readJson(manifestPath, 'replay_manifest.json') as Obj;
      } catch {
        problems.push(`${manifestPath} unreadable: tokenizations not counted unknown`);
      }
    }
    const tokenization = manifest?.['tokenization'] as Obj | undefined;
    const notCounted = typeof tokenization?.['not_counted'] === 'number' ? tokenization['not_counted'] : null;
    const runDir = runDirOf(file, origin, manifest);
    const pending = origin === 'performance' ? pendingTasksOf(runDir) : null;
    problems.unshift(...incompleteness(summary, notCounted, pending));
    const config = configOf(runDir);
    const load = loadOf(summary['run_config']) ?? loadOf(config?.runConfig ?? null);
    const model = config?.modelName ?? null;
    runs.push({ input, file, origin, label: labels[i] ?? runLabel(model, load, input), model, load, complete: problems.length === 0, problems });
    summaries.push(summary);
  });
  return { runs, summaries };
}
