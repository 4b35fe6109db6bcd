// result_summary.json as the reference's Report.from_snapshot + to_json builds
// it: same keys, order and JSON types; every key of the metric catalogue
// (metrics.ts) is checked to be here.
import { type Aggregator, FINISH_REASONS } from '../aggregate/aggregator.js';
import { summarizeSeries, type SeriesResult } from '../stats/series.js';
import type { PyJson } from '../model/json.js';
import type { ScalarKey, SeriesKey } from './metrics.js';

export interface SummaryOptions {
  /** Streaming run: the TTFT and TPOT series exist. */
  streaming: boolean;
  earlyStopping: boolean;
  /** QPS/TPS over the legacy LoadGen window (poisson runs that asked for it). */
  legacyLoadgenWindow: boolean;
  /** 'complete' when the log reached session.ended, else 'interrupted'. */
  state: 'complete' | 'interrupted';
  /** Tokenizations that did not produce a count. */
  pendingTokenizations: number;
  version: string;
  gitSha: string | null;
  testStartedAt: bigint;
  runConfig: PyJson;
}

export interface Summary {
  [key: string]: PyJson | undefined;
}

export function buildSummary(agg: Aggregator, opts: SummaryOptions): Summary {
  const c = agg.counters;
  const es = opts.earlyStopping;
  const streaming = opts.streaming;
  const series = (s: Parameters<typeof summarizeSeries>[0], tail: boolean): SeriesResult =>
    summarizeSeries(s, es && tail);
  const ttft = streaming ? series(agg.series.ttft, true) : {};
  const tpot = streaming ? series(agg.series.tpot, true) : {};
  const latency = series(agg.series.latency, true);
  const osl = series(agg.series.osl, false);
  const isl = series(agg.series.isl, false);

  const trackedNs = agg.trackedDurationNs;
  const durationNs = trackedNs > 0n ? trackedNs : null;
  const nCompleted = c.trackedSamplesCompleted;
  const oslTotal = 'total' in osl ? Number(osl.total) : null;
  const windowNs = agg.loadgenWindowNs;
  const useLegacy = opts.legacyLoadgenWindow && windowNs > 0n && nCompleted >= 2;

  let qps: number | null = null;
  let tps: number | null = null;
  if (useLegacy) {
    const windowS = Number(windowNs) / 1e9;
    qps = (nCompleted - 1) / windowS;
    tps = oslTotal !== null ? oslTotal / windowS : null;
  } else if (durationNs !== null) {
    const durationS = Number(durationNs) / 1e9;
    qps = nCompleted / durationS;
    tps = oslTotal !== null ? oslTotal / durationS : null;
  }

  const finishReasons: Record<string, bigint> = {};
  for (const r of FINISH_REASONS) finishReasons[r] = BigInt(c.finishReasons[r]);

  return {
    version: opts.version,
    git_sha: opts.gitSha,
    test_started_at: opts.testStartedAt,
    n_samples_issued: BigInt(c.trackedSamplesIssued),
    n_samples_completed: BigInt(nCompleted),
    n_samples_failed: BigInt(c.trackedSamplesFailed),
    duration_ns: durationNs,
    state: opts.state,
    complete: opts.state === 'complete' && opts.pendingTokenizations === 0,
    ttft: ttft as PyJson,
    tpot: tpot as PyJson,
    latency: latency as PyJson,
    output_sequence_lengths: osl as PyJson,
    input_sequence_lengths: isl as PyJson,
    legacy_loadgen_window_duration_ns: useLegacy ? windowNs : null,
    qps,
    tps,
    finish_reason_counts: finishReasons,
    run_config: opts.runConfig,
  } satisfies Summary & Record<SeriesKey | ScalarKey, PyJson>;
}
