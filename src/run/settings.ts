// The run's settings, each settled once with where it came from: the flag,
// else the original result_summary.json, else config.yaml, else a default.
import { readBoundedText } from '../base/files.js';
import { ReplayError } from '../base/errors.js';
import type { PyJson } from '../model/json.js';
import { parsePyJson } from '../py/json.js';
import type { TokenizerFiles } from '../tokens/resolve.js';
import type { RunConfig } from './runDir.js';
import { settleTokenizer, type Settled } from './tokenizerSetting.js';

/** The flags that override what the run recorded; undefined = not given. */
export interface SettingFlags {
  /** Path to a tokenizer.json or model directory; false = --no-tokenizer. */
  tokenizer?: string | false;
  streaming?: boolean;
  earlyStopping?: boolean;
  legacyLoadgenWindow?: boolean;
  /** JSON text, or @file. */
  runConfig?: string;
}

export interface RunSettings {
  runConfig: Settled<PyJson>;
  earlyStopping: Settled<boolean>;
  legacyLoadgenWindow: Settled<boolean>;
  /** null: neither flag nor config.yaml says; inferred from the log (streamingOf). */
  streamingDeclared: Settled<boolean | null>;
  tokenizer: Settled<TokenizerFiles | null>;
}

export function settleRunSettings(flags: SettingFlags, config: RunConfig | null, original: Record<string, PyJson> | null, runDir: string | null): RunSettings {
  const runConfig = settleRunConfig(flags.runConfig, original, config);
  return {
    runConfig,
    earlyStopping: settle(flags.earlyStopping, '--early-stopping', [
      [hasEarlyStoppingMaps(original), 'original result_summary.json'],
      [config?.earlyStopping ?? undefined, 'config.yaml settings.early_stopping'],
    ], false),
    legacyLoadgenWindow: settle(flags.legacyLoadgenWindow, '--legacy-loadgen-window', [
      [legacyFromRunConfig(runConfig.value), 'run_config.load_pattern'],
      [config?.legacyLoadgenWindow ?? undefined, 'config.yaml settings.load_pattern'],
    ], false),
    streamingDeclared: settle<boolean | null>(flags.streaming, '--streaming', [[config?.streaming ?? undefined, 'config.yaml model_params.streaming']], null),
    tokenizer: settleTokenizer(flags.tokenizer, config, original, runDir),
  };
}

/** The streaming setting once the log is read: as declared, else whether any sample had a first chunk. */
export function streamingOf(declared: Settled<boolean | null>, sawFirstChunk: boolean): Settled<boolean> {
  return declared.value !== null ? { value: declared.value, source: declared.source } : { value: sawFirstChunk, source: 'inferred from sample.recv_first events' };
}

/** The settings as the manifest and RecomputeResult name them. */
export function settingsRecord(s: RunSettings, streaming: Settled<boolean>): Record<string, Settled<unknown>> {
  return {
    streaming,
    early_stopping: s.earlyStopping,
    legacy_loadgen_window: s.legacyLoadgenWindow,
    run_config: s.runConfig,
    tokenizer: { value: s.tokenizer.value?.tokenizerJson ?? null, source: s.tokenizer.source },
  };
}

function settle<T>(flag: T | undefined, flagName: string, sources: Array<[T | undefined, string]>, dflt: T): Settled<T> {
  if (flag !== undefined) return { value: flag, source: flagName };
  for (const [v, src] of sources) if (v !== undefined) return { value: v, source: src };
  return { value: dflt, source: 'default' };
}

function settleRunConfig(flag: string | undefined, original: Record<string, PyJson> | null, config: RunConfig | null): Settled<PyJson> {
  if (flag !== undefined) {
    const text = flag.startsWith('@') ? readBoundedText(flag.slice(1), '--run-config file') : flag;
    try {
      return { value: parsePyJson(text), source: '--run-config' };
    } catch (err) {
      throw new ReplayError(`--run-config: not valid JSON (${(err as Error).message})`, 'pass a JSON object, or @path/to/file.json');
    }
  }
  if (original && 'run_config' in original) return { value: original['run_config'] ?? null, source: 'original result_summary.json' };
  if (config?.runConfig) return { value: config.runConfig, source: 'config.yaml' };
  return { value: null, source: 'default' };
}

function legacyFromRunConfig(rc: PyJson): boolean | undefined {
  if (!rc || typeof rc !== 'object' || Array.isArray(rc)) return undefined;
  const lp = rc['load_pattern'];
  if (!lp || typeof lp !== 'object' || Array.isArray(lp)) return undefined;
  return lp['type'] === 'poisson' && lp['use_legacy_loadgen_qps_metrics'] !== false;
}

function hasEarlyStoppingMaps(original: Record<string, PyJson> | null | undefined): boolean | undefined {
  if (!original) return undefined;
  const m = original['latency'];
  if (!m || typeof m !== 'object' || Array.isArray(m)) return undefined;
  return 'early_stopping_percentiles' in m;
}
