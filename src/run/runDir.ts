// Locate a run's files and read the settings it was made with: config.yaml and
// the original performance/result_summary.json.
import { existsSync, statSync } from 'node:fs';
import { fileTypeName, readBoundedText } from '../base/files.js';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from '../vendor/yaml.js';
import { parsePyJson } from '../py/json.js';
import { type PyJson } from '../model/json.js';
import { ReplayError } from '../base/errors.js';

export interface RunFiles {
  /** The events log, or '-' for stdin. */
  events: string;
  /** The run directory when the log sits in one (holds config.yaml and the original outputs). */
  runDir: string | null;
  configYaml: string | null;
  originalSummary: string | null;
}

const LOG_NAMES = ['events.jsonl', 'events.jsonl.gz', 'events.jsonl.zst'];

export function locateRun(input: string): RunFiles {
  if (input === '-') return { events: '-', runDir: null, configYaml: null, originalSummary: null };
  if (!existsSync(input)) throw new ReplayError(`${input}: no such file or directory`, 'give an events.jsonl or a run directory');
  let events = input;
  let runDir: string | null;
  if (statSync(input).isDirectory()) {
    const found = LOG_NAMES.map((n) => join(input, n)).find((p) => existsSync(p));
    if (!found) throw new ReplayError(`${input}: no events.jsonl in this directory`, `looked for ${LOG_NAMES.join(', ')}`);
    events = found;
    runDir = input;
  } else {
    runDir = dirname(input);
  }
  // A pipe is a log being streamed (replay recompute <(zcat ...)); a device or socket is not a log.
  const st = statSync(events);
  if (!st.isFile() && !st.isFIFO()) throw new ReplayError(`${events}: ${fileTypeName(st)}, not an event log`, 'give an events.jsonl or a run directory');
  const configYaml = join(runDir, 'config.yaml');
  const summary = join(runDir, 'performance', 'result_summary.json');
  const hasRunFiles = existsSync(configYaml) || existsSync(summary) || LOG_NAMES.includes(basename(events));
  return {
    events,
    runDir: hasRunFiles ? runDir : null,
    configYaml: existsSync(configYaml) ? configYaml : null,
    originalSummary: existsSync(summary) ? summary : null,
  };
}

/**
 * Where outputs go without --out: a run directory's (or an events.jsonl's) replay/;
 * for a log of another name, <dir>/<name>.replay/ beside it, so that two logs in one
 * directory do not overwrite each other; null for standard input (the caller asks for --out).
 */
export function defaultOutDir(files: RunFiles): string | null {
  if (files.events === '-') return null;
  const name = basename(files.events);
  if (LOG_NAMES.includes(name)) return join(dirname(files.events), 'replay');
  const stem = name.replace(/\.(gz|zst)$/, '').replace(/\.jsonl?$/, '');
  return join(dirname(files.events), `${stem || name}.replay`);
}

export interface RunConfig {
  /** model_params.streaming: true (on), false (off), null (auto / absent). */
  streaming: boolean | null;
  earlyStopping: boolean | null;
  /** Poisson runs report QPS/TPS over the legacy LoadGen window unless they opted out. */
  legacyLoadgenWindow: boolean | null;
  tokenizerName: string | null;
  /** model_params.name: the model the run was made with. */
  modelName: string | null;
  /** The summary's run_config block, built from config.yaml as the reference does. */
  runConfig: PyJson | null;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);

export function readConfigYaml(path: string): RunConfig {
  let doc: unknown;
  try {
    doc = parseYaml(readBoundedText(path, 'config.yaml'), { intAsBigInt: true });
  } catch (err) {
    if (err instanceof ReplayError) throw err;
    throw new ReplayError(`${path}: config.yaml does not parse (${(err as Error).message.split('\n')[0]})`, 'fix the file or pass the settings as flags (--streaming, --run-config, --tokenizer)');
  }
  const root = obj(doc) ?? {};
  const model = obj(root['model_params']) ?? {};
  const settings = obj(root['settings']) ?? {};
  const load = obj(settings['load_pattern']);
  const warmup = obj(settings['warmup']);
  const runtime = obj(settings['runtime']) ?? {};
  const streamingMode = model['streaming'];
  const es = obj(settings['early_stopping']);
  let runConfig: PyJson | null = null;
  if (load || warmup) {
    const loadOut = load ? { ...load } : {};
    if (loadOut['type'] !== 'poisson') delete loadOut['use_legacy_loadgen_qps_metrics'];
    // The schema types target_qps as a float: an integer in YAML is written as one.
    if (typeof loadOut['target_qps'] === 'bigint') loadOut['target_qps'] = Number(loadOut['target_qps']);
    runConfig = toPyJson({
      load_pattern: loadOut,
      warmup: warmup ?? {},
      scheduler_random_seed: runtime['scheduler_random_seed'] ?? 42n,
      dataloader_random_seed: runtime['dataloader_random_seed'] ?? 42n,
    });
  }
  const tokenizerName = typeof model['tokenizer_name'] === 'string' && model['tokenizer_name'] ? model['tokenizer_name'] : typeof model['name'] === 'string' && model['name'] ? model['name'] : null;
  return {
    streaming: streamingMode === 'on' || streamingMode === true ? true : streamingMode === 'off' || streamingMode === false ? false : null,
    earlyStopping: es && typeof es['enabled'] === 'boolean' ? es['enabled'] : null,
    legacyLoadgenWindow: load ? load['type'] === 'poisson' && load['use_legacy_loadgen_qps_metrics'] !== false : null,
    tokenizerName,
    modelName: typeof model['name'] === 'string' && model['name'] ? model['name'] : null,
    runConfig,
  };
}

/** YAML integers arrive as bigint (written as ints); other numbers stay floats. */
function toPyJson(v: unknown): PyJson {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) return v.map(toPyJson);
  const out: Record<string, PyJson> = {};
  for (const [k, x] of Object.entries(v as Obj)) out[k] = toPyJson(x);
  return out;
}

export interface OriginalSummary {
  raw: Record<string, PyJson>;
}

/** The run's own summary; null when it does not parse (a damaged run is what replay rescues). Not a regular file, or too big: an error. */
export function readOriginalSummary(path: string): OriginalSummary | null {
  const text = readBoundedText(path, 'result_summary.json');
  try {
    const parsed = parsePyJson(text);
    return obj(parsed) ? { raw: parsed as Record<string, PyJson> } : null;
  } catch {
    return null;
  }
}
