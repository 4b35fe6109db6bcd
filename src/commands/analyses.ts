// The after-the-run analyses of a finished replay, as files to write. Not wired
// into a command yet; the flags it takes, as `replay recompute` would offer them:
//   --slo ttft=2s,tpot=80ms,latency=30s  SLO attainment, goodput (vLLM and AIPerf
//                                        conventions) and attainment curves -> slo.json
//   --mlperf [MODEL[:server|interactive]] MLPerf Inference p99 TTFT/TPOT limits under
//                                        LoadGen's rules -> mlperf.json; without MODEL,
//                                        the benchmark config.yaml's model name clearly is
//   --metrics                            Dynamo-style histograms: metrics.prom
//                                        (OpenMetrics, timestamped), metrics.txt (final
//                                        scrape), metrics_p99.json
//   --metrics-start TIME                 wall-clock time of the session start for
//                                        metrics.prom (ISO 8601, or Unix seconds);
//                                        default the log's own (monotonic) clock
//   --metrics-interval SECONDS           point interval of metrics.prom (default: 1, 2,
//                                        5, 10, 15, 30 s, ... for at most 360 points)
import { ReplayError } from '../base/errors.js';
import { timeBase } from '../output/arrowTables.js';
import type { Summary } from '../summary/summary.js';
import type { Aggregator } from '../aggregate/aggregator.js';
import { requestsFromSampleTable } from '../analyze/fromSampleTable.js';
import { benchmarkForModel, checkMlperf, mlperfJson, parseMlperfFlag } from '../analyze/mlperf.js';
import { p99Json, renderMetrics } from '../analyze/openmetrics.js';
import { durationFromSummary } from '../analyze/requests.js';
import { analyzeSlo, parseSloSpec, sloJson } from '../analyze/slo.js';

export interface AnalysesFlags {
  slo?: string;
  /** '' (the flag without a value): the benchmark of config.yaml's model. */
  mlperf?: string;
  metrics?: boolean;
  metricsStart?: string;
  metricsInterval?: number;
}

export interface AnalysesInput {
  aggregator: Aggregator;
  summary: Summary;
  flags: AnalysesFlags;
  /** config.yaml model_params.name, when the run has one. */
  modelName: string | null;
}

export interface OutputFile {
  name: string;
  text: string;
}

/** Files for the analyses the flags ask for (none without flags); bad flags throw a ReplayError. */
export function analysesFiles({ aggregator, summary, flags, modelName }: AnalysesInput): OutputFile[] {
  const wanted = flags.slo !== undefined || flags.mlperf !== undefined || flags.metrics === true;
  if (!wanted) return [];
  // Parse every flag before any work, so a typo fails fast.
  const slo = flags.slo !== undefined ? parseSloSpec(flags.slo) : null;
  const mlperf = flags.mlperf !== undefined ? parseMlperfFlag(flags.mlperf.trim() || mlperfFromModel(modelName)) : null;
  const epochNs = flags.metricsStart !== undefined ? parseWallClock(flags.metricsStart) : undefined;
  if (flags.metricsInterval !== undefined && !(flags.metricsInterval >= 0.001 && Number.isFinite(flags.metricsInterval))) {
    throw new ReplayError(`--metrics-interval: ${flags.metricsInterval} is not a number of seconds >= 0.001`);
  }

  const requests = requestsFromSampleTable(aggregator.samples, timeBase(aggregator));
  const files: OutputFile[] = [];
  if (slo) files.push({ name: 'slo.json', text: sloJson(analyzeSlo(requests, slo, durationFromSummary(summary))) });
  if (mlperf) files.push({ name: 'mlperf.json', text: mlperfJson(checkMlperf(requests, mlperf)) });
  if (flags.metrics) {
    const m = renderMetrics(requests, { epochNs, intervalS: flags.metricsInterval, model: modelName });
    files.push({ name: 'metrics.prom', text: m.openMetrics }, { name: 'metrics.txt', text: m.prometheusText }, { name: 'metrics_p99.json', text: p99Json(m) });
  }
  return files;
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
  if (Number.isNaN(ms)) throw new ReplayError(`--metrics-start: "${text}" is neither an ISO 8601 date-time nor Unix seconds`, 'e.g. --metrics-start 2026-11-20T14:03:00Z');
  return BigInt(ms) * 1_000_000n;
}
