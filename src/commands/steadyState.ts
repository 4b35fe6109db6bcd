// `replay steady-state`: the endpoints steady-state diagnostics
// (scripts/steady_state_diagnostics.py) over a run's events.jsonl, counted with
// replay's in-process tokenizer. Returns the script's two outputs: its --json
// file's text and its printed report. The flags and their defaults are the
// script's; parse*List follow its argparse types (Python int() / float()).
import { ReplayError } from '../base/errors.js';
import { diagnosticsJson } from '../analyze/steadyState/json.js';
import { DEFAULTS, runDiagnostics } from '../analyze/steadyState/diagnostics.js';
import { steadyInputFromLog, TOKENIZE_BATCH_SIZE, type CountTokens, type SkippedLine } from '../analyze/steadyState/fromEvents.js';
import { PyValueError } from '../analyze/steadyState/py.js';
import { renderText } from '../analyze/steadyState/render.js';
import { ALGORITHMS } from '../analyze/steadyState/trend.js';
import { tokenizerFromPath, type TokenizerFiles } from '../tokens/resolve.js';
import { loadTokenizer } from '../tokens/tokenizer.js';
import { type BackendChoice, type BackendInUse, backendInUse } from '../model/counting.js';
import { locateRun, readConfigYaml } from '../run/runDir.js';
import { settleTokenizer } from '../run/tokenizerSetting.js';
import { sniffNotALog } from '../decode/notALog.js';
import { splittable } from '../read/open.js';

export const TREND_GATES: readonly string[] = [...ALGORITHMS.keys()];

/** The script's flags, and the log they apply to. */
export interface SteadyStateFlags {
  /** events.jsonl (.gz/.zst, or '-' for stdin). */
  input: string;
  /** Samples per dataset pass (required, as in the script). */
  datasetSize: number;
  /** Samples per super-pass; 0 or absent: datasetSize. */
  superpassSize?: number | null;
  windowSizes?: readonly number[];
  warmup?: number;
  covBounds?: readonly number[];
  alpha?: number;
  trendGate?: string;
  /** Output texts counted per tokenizer call. */
  tokenizeBatchSize?: number;
}

export interface SteadyStateOptions extends SteadyStateFlags {
  /** A tokenizer.json or a model directory holding one, or the resolved files. */
  tokenizer: string | TokenizerFiles;
  backend?: BackendChoice;
}

export interface SteadyStateReport {
  /** The script's --json file (json.dump indent=2, no trailing newline). */
  json: string;
  /** What the script prints (print adds the final newline). */
  text: string;
  linesRead: number;
  skippedCount: number;
  skipped: SkippedLine[];
}

export interface SteadyStateOutput extends SteadyStateReport {
  backend: BackendInUse;
}

function requireInt(name: string, v: number): number {
  if (!Number.isSafeInteger(v)) throw new ReplayError(`${name} must be an integer, got ${v}`, `pass ${name} N`);
  return v;
}

interface CheckedFlags {
  superpassSize: number;
  warmup: number;
  windowSizes: number[];
  covBounds: readonly number[];
  trendGate: string;
}

/** The checks the script's argparse and run() make before the log is read. */
function checkFlags(flags: SteadyStateFlags): CheckedFlags {
  const datasetSize = requireInt('--dataset-size', flags.datasetSize);
  const superpassSize = requireInt('--superpass-size', flags.superpassSize || datasetSize);
  const warmup = requireInt('--warmup', flags.warmup ?? DEFAULTS.warmup);
  const windowSizes = (flags.windowSizes ?? DEFAULTS.windowSizes).map((w) => requireInt('--window-sizes', w));
  const trendGate = flags.trendGate ?? DEFAULTS.trendGate;
  if (!TREND_GATES.includes(trendGate)) throw new ReplayError(`--trend-gate: invalid choice ${JSON.stringify(trendGate)}`, `choose from ${TREND_GATES.join(', ')}`);
  if (warmup < 0) throw new ReplayError(`--warmup must be >= 0, got ${warmup}`);
  if (superpassSize <= 0) throw new ReplayError(`--superpass-size must be positive, got ${superpassSize}`, 'pass --dataset-size N (and --superpass-size N) with N > 0');
  return { superpassSize, warmup, windowSizes, covBounds: flags.covBounds ?? DEFAULTS.covBounds, trendGate };
}

/** Loads the tokenizer, then runs the diagnostics with it in process. */
export async function runSteadyState(opts: SteadyStateOptions): Promise<SteadyStateOutput> {
  checkFlags(opts);
  const files = typeof opts.tokenizer === 'string' ? tokenizerFromPath(opts.tokenizer) : opts.tokenizer;
  const tokenizer = await loadTokenizer(opts.backend ?? 'auto', files.tokenizerJson, files.tokenizerConfig);
  const report = await steadyStateWith(opts, (texts) => tokenizer.text.countTexts(texts));
  return { ...report, backend: backendInUse(tokenizer.text) };
}

/** The diagnostics of `flags.input` with a given token counter (plain text, add_special_tokens = false). */
export async function steadyStateWith(flags: SteadyStateFlags, countTokens: CountTokens): Promise<SteadyStateReport> {
  const { superpassSize, warmup, windowSizes, covBounds, trendGate } = checkFlags(flags);
  const input = await steadyInputFromLog(flags.input, countTokens, { flushSize: flags.tokenizeBatchSize ?? TOKENIZE_BATCH_SIZE });
  try {
    const result = runDiagnostics(input.input, { superpassSize, windowSizes, warmup, covBounds, alpha: flags.alpha ?? DEFAULTS.alpha, trendGate });
    const text = renderText(result, covBounds);
    return { json: diagnosticsJson(result), text, linesRead: input.lines, skippedCount: input.skippedCount, skipped: input.skipped };
  } catch (err) {
    // Where the script stops with a Python exception: an empty --cov-bounds on a run long
    // enough to segment (max() of nothing), or bounds 0.0 and -0.0 together (a KeyError in render_text).
    if (err instanceof PyValueError) throw new ReplayError(`steady-state: ${err.message}`, 'check --cov-bounds / --window-sizes');
    throw err;
  }
}

/** Python int(s): optional sign, digits with single underscores between them, surrounding whitespace. */
export function parsePyInt(s: string): number {
  const t = s.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) throw new ReplayError(`invalid int value: ${JSON.stringify(s)}`);
  return Number(t.replace(/_/g, ''));
}

/** Python float(s): decimal or exponent forms with underscores between digits, inf/infinity/nan in any case. */
export function parsePyFloat(s: string): number {
  const t = s.trim();
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(t);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  const digits = String.raw`\d+(?:_\d+)*`;
  if (!new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`).test(t)) {
    throw new ReplayError(`could not convert string to float: ${JSON.stringify(s)}`);
  }
  return Number(t.replace(/_/g, ''));
}

/** The script's --window-sizes: comma-separated ints, empty items dropped. */
export const parseIntList = (s: string): number[] => s.split(',').filter((x) => x.trim() !== '').map(parsePyInt);

/** The script's --cov-bounds: comma-separated floats, empty items dropped. */
export const parseFloatList = (s: string): number[] => s.split(',').filter((x) => x.trim() !== '').map(parsePyFloat);

/** The `replay steady-state` command's flags as given (strings, parsed as the script's argparse does). */
export interface SteadyStateCliArgs {
  input: string;
  tokenizer?: string;
  datasetSize: string;
  superpassSize?: string;
  windowSizes?: string;
  warmup?: string;
  covBounds?: string;
  alpha?: string;
  trendGate?: string;
  tokenizeBatchSize?: string;
}

/**
 * `replay steady-state RUN`: the log of a run directory (or a log file), counted
 * with the run's tokenizer as recompute settles it (config.yaml's model) unless
 * --tokenizer names one.
 */
export async function steadyStateCommand(args: SteadyStateCliArgs): Promise<SteadyStateOutput & { tokenizerFile: string; tokenizerSource: string }> {
  const opt = <T>(v: string | undefined, parse: (s: string) => T): T | undefined => (v === undefined ? undefined : parse(v));
  const flags: SteadyStateFlags = {
    input: '',
    datasetSize: parsePyInt(args.datasetSize),
    superpassSize: opt(args.superpassSize, parsePyInt),
    windowSizes: opt(args.windowSizes, parseIntList),
    warmup: opt(args.warmup, parsePyInt),
    covBounds: opt(args.covBounds, parseFloatList),
    alpha: opt(args.alpha, parsePyFloat),
    trendGate: args.trendGate,
    tokenizeBatchSize: opt(args.tokenizeBatchSize, parsePyInt),
  };
  checkFlags(flags);
  if (flags.tokenizeBatchSize !== undefined && !(flags.tokenizeBatchSize > 0)) throw new ReplayError(`--tokenize-batch-size must be positive, got ${flags.tokenizeBatchSize}`);
  const run = locateRun(args.input);
  // A summary or a text file passed by mistake is said as such, before a tokenizer is looked for.
  const notALog = splittable(run.events) ? sniffNotALog(run.events) : null;
  if (notALog) throw notALog;
  const config = run.configYaml ? readConfigYaml(run.configYaml) : null;
  const settled = settleTokenizer(args.tokenizer, config, null, run.runDir);
  if (!settled.value) throw new ReplayError(`${args.input}: no tokenizer to count TPOT tokens with`, 'pass --tokenizer PATH');
  try {
    const out = await runSteadyState({ ...flags, input: run.events, tokenizer: settled.value });
    return { ...out, tokenizerFile: settled.value.tokenizerJson, tokenizerSource: settled.source };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code && !(err instanceof ReplayError)) throw new ReplayError(`${run.events}: ${e.message}`, 'check the path and that the file is readable');
    throw err;
  }
}
