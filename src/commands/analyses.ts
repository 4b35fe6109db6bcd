// The after-the-run analyses of `replay recompute`, as files beside
// result_summary.json (which they never change). The flags:
//   --slo ttft=2s,tpot=80ms,latency=30s  SLO attainment, goodput (vLLM and AIPerf
//                                        conventions) and attainment curves -> slo.json
//   --mlperf [MODEL[:server|interactive]] MLPerf Inference p99 TTFT/TPOT limits under
//                                        LoadGen's rules -> mlperf.json; without MODEL,
//                                        the benchmark config.yaml's model name clearly is
//   --openmetrics                        Dynamo-style histograms: metrics.prom
//                                        (OpenMetrics, timestamped), metrics.txt (final
//                                        scrape), metrics_p99.json
//   --openmetrics-start TIME             wall-clock time of the session start in
//                                        metrics.prom (ISO 8601, or Unix seconds);
//                                        default the log's own (monotonic) clock
//   --openmetrics-interval SECONDS       point interval of metrics.prom
//   --steady-state --dataset-size N      the endpoints steady-state diagnostics with the
//                                        script's defaults -> steady_state.json (the
//                                        script's --json); a second pass over the log,
//                                        counting outputs as the script does (plain text
//                                        after the first chunk): the summary's TPOT
//                                        counts reasoning and tool-call outputs in their
//                                        chat-template form and times retries from
//                                        their last issue, which moves the window
// Every flag is checked by prepareAnalyses, before the log is read.
import { join } from 'node:path';
import { ReplayError } from '../base/errors.js';
import { writeAtomic } from '../base/atomic.js';
import type { Summary } from '../summary/summary.js';
import type { Aggregator } from '../aggregate/aggregator.js';
import { requestsFromSampleTable } from '../analyze/fromSampleTable.js';
import { benchmarkForModel, checkMlperf, mlperfJson, parseMlperfFlag, type MlperfTarget } from '../analyze/mlperf.js';
import { p99Json, renderMetrics } from '../analyze/openmetrics.js';
import { durationFromSummary, type Requests } from '../analyze/requests.js';
import { analyzeSlo, parseSloSpec, sloJson, type SloSpec } from '../analyze/slo.js';
import type { BackendChoice } from '../model/counting.js';
import type { TokenizerFiles } from '../tokens/resolve.js';

export interface AnalysesFlags {
  slo?: string;
  /** '' (the flag without a value): the benchmark of config.yaml's model. */
  mlperf?: string;
  openmetrics?: boolean;
  openmetricsStart?: string;
  openmetricsInterval?: number;
  steadyState?: boolean;
  /** Samples per dataset pass (the steady-state super-pass size). */
  datasetSize?: number;
}

/** The analyses asked for, every flag checked. */
export interface PreparedAnalyses {
  slo: SloSpec | null;
  mlperf: MlperfTarget | null;
  openmetrics: { epochNs: bigint | undefined; intervalS: number | undefined } | null;
  steadyState: { datasetSize: number } | null;
  /** config.yaml model_params.name (the metrics' model label). */
  modelName: string | null;
}

export interface OutputFile {
  name: string;
  text: string;
}

/** What the flags are checked against: the run's model, its log, its tokenizer. */
export interface AnalysesRun {
  modelName: string | null;
  /** The log's path ('-': standard input). */
  events: string;
  tokenizer: TokenizerFiles | null;
}

/** Checks the flags (a ReplayError names the bad one); null when no analysis is asked for. */
export function prepareAnalyses(flags: AnalysesFlags, run: AnalysesRun): PreparedAnalyses | null {
  const modelName = run.modelName;
  const openmetrics = flags.openmetrics === true;
  if (!openmetrics && (flags.openmetricsStart !== undefined || flags.openmetricsInterval !== undefined)) {
    throw new ReplayError('--openmetrics-start / --openmetrics-interval apply to --openmetrics', 'add --openmetrics');
  }
  if (flags.datasetSize !== undefined && !flags.steadyState) throw new ReplayError('--dataset-size applies to --steady-state', 'add --steady-state');
  const wanted = flags.slo !== undefined || flags.mlperf !== undefined || openmetrics || flags.steadyState === true;
  if (!wanted) return null;
  if (flags.openmetricsInterval !== undefined && !(flags.openmetricsInterval >= 0.001 && Number.isFinite(flags.openmetricsInterval))) {
    throw new ReplayError(`--openmetrics-interval: ${flags.openmetricsInterval} is not a number of seconds >= 0.001`);
  }
  let steadyState: PreparedAnalyses['steadyState'] = null;
  if (flags.steadyState) {
    const n = flags.datasetSize;
    if (n === undefined) throw new ReplayError('--steady-state needs --dataset-size N (samples per dataset pass)', 'e.g. --steady-state --dataset-size 1000');
    if (!(Number.isSafeInteger(n) && n > 0)) throw new ReplayError(`--dataset-size must be a whole number above 0 (got ${n})`);
    if (run.events === '-') throw new ReplayError('--steady-state reads the log a second time: it cannot come from standard input', 'pass the log as a file');
    if (!run.tokenizer) throw new ReplayError('--steady-state counts output tokens: the run has no tokenizer', 'pass --tokenizer PATH');
    steadyState = { datasetSize: n };
  }
  return {
    slo: flags.slo !== undefined ? parseSloSpec(flags.slo) : null,
    mlperf: flags.mlperf !== undefined ? parseMlperfFlag(flags.mlperf.trim() || mlperfFromModel(modelName)) : null,
    openmetrics: openmetrics ? { epochNs: flags.openmetricsStart !== undefined ? parseWallClock(flags.openmetricsStart) : undefined, intervalS: flags.openmetricsInterval } : null,
    steadyState,
    modelName,
  };
}

/** What the analyses read: the replay's aggregator and summary; the log and tokenizer for the steady state. */
export interface AnalysesInput {
  aggregator: Aggregator;
  summary: Summary;
  events: string;
  tokenizer: TokenizerFiles | null;
  backend?: BackendChoice;
}

/** The files of the prepared analyses, in a fixed order: slo.json, mlperf.json, metrics.*, steady_state.json. */
export async function analysesFiles(a: PreparedAnalyses, { aggregator, summary, events, tokenizer, backend }: AnalysesInput): Promise<OutputFile[]> {
  const files: OutputFile[] = [];
  let requests: Requests | null = null;
  const req = (): Requests => (requests ??= requestsFromSampleTable(aggregator.samples, aggregator.timeBaseNs));
  if (a.slo) files.push({ name: 'slo.json', text: sloJson(analyzeSlo(req(), a.slo, durationFromSummary(summary))) });
  if (a.mlperf) files.push({ name: 'mlperf.json', text: mlperfJson(checkMlperf(req(), a.mlperf)) });
  if (a.openmetrics) {
    const m = renderMetrics(req(), { epochNs: a.openmetrics.epochNs, intervalS: a.openmetrics.intervalS, model: a.modelName });
    files.push({ name: 'metrics.prom', text: m.openMetrics }, { name: 'metrics.txt', text: m.prometheusText }, { name: 'metrics_p99.json', text: p99Json(m) });
  }
  if (a.steadyState) {
    const { runSteadyState } = await import('./steadyState.js');
    const r = await runSteadyState({ input: events, tokenizer: tokenizer!, backend, datasetSize: a.steadyState.datasetSize });
    files.push({ name: 'steady_state.json', text: r.json });
  }
  return files;
}

/** Writes the analyses' files into `outDir` (atomically, each); returns their names. */
export async function writeAnalyses(a: PreparedAnalyses, outDir: string, input: AnalysesInput): Promise<string[]> {
  return (await analysesFiles(a, input)).map((f) => {
    writeAtomic(join(outDir, f.name), f.text);
    return f.name;
  });
}

function mlperfFromModel(modelName: string | null): string {
  const benchmark = modelName ? benchmarkForModel(modelName) : null;
  if (benchmark) return benchmark;
  throw new ReplayError(
    modelName ? `--mlperf: config.yaml's model "${modelName}" is not an MLPerf benchmark replay recognises` : '--mlperf: the run names no model',
    'name the benchmark: --mlperf llama2-70b[:server|interactive]',
  );
}

/** ISO 8601 date-time, or Unix seconds (decimal), as ns since the epoch. */
export function parseWallClock(text: string): bigint {
  const t = text.trim();
  const secs = /^(\d+)(?:\.(\d{1,9}))?$/.exec(t);
  if (secs) return BigInt(secs[1]!) * 1_000_000_000n + BigInt((secs[2] ?? '').padEnd(9, '0'));
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(t) ? Date.parse(t) : NaN;
  if (Number.isNaN(ms)) throw new ReplayError(`--openmetrics-start: "${text}" is neither an ISO 8601 date-time nor Unix seconds`, 'e.g. --openmetrics-start 2026-11-20T14:03:00Z');
  return BigInt(ms) * 1_000_000n;
}
