// The steady-state result: the first steady plateau of the post-warm-up
// super-passes summarized (window, TTFT/TPOT, per-user and system TPS with
// batch-means CIs, level-shift anomaly, whole-tail drift), plus, per requested
// window size, the trailing-window CoV table and the whole-run and rolling trend
// verdicts. Port of the script's build_steady_state and run(): same defaults,
// same keys in the same order (see json.ts). Pure.
import type { SteadyStateInput } from './input.js';
import { batchMeansCi, detectLevelShift, perUserTps, systemTps, type Anomaly } from './estimate.js';
import { GATED_METRICS, TRACKED_METRICS, covPassRow, globalTrend, rollingWindows, segmentPlateaus, type TrackedMetric } from './plateau.js';
import { PyValueError, pyRepr, pySlice, pySum } from './py.js';
import { buildSuperPassSeries, cov, pooled, pooledOutTokens, summarize, superPassPercentileSeries, windowElapsedNs, type Summary, type SuperPassRollup } from './series.js';
import { ALGORITHMS, type TrendGate, type Verdict } from './trend.js';

export interface SteadyWindow {
  /** Post-warm-up super-pass index, inclusive. */
  spLo: number;
  /** Exclusive. */
  spHi: number;
  nSuperPasses: number;
  /** TTFT samples in the window (as the script counts it). */
  nSamples: number;
}

export interface TpsBlock {
  perUser: number;
  perUserCi: [number, number];
  system: number;
  systemCi: [number, number];
}

export interface SteadyState {
  found: boolean;
  reason: string | null;
  window: SteadyWindow | null;
  ttft: Summary | null;
  tpot: Summary | null;
  tps: TpsBlock | null;
  anomaly: Anomaly;
  /** Gated metric -> trend from the plateau (or the start, when none) to the run's end. */
  globalTrend: [string, Verdict][];
  driftingUp: string[];
}

export interface CovCell {
  gated: boolean;
  /** Super-passes in the trailing window. */
  n: number;
  /** null below two points. */
  cov: number | null;
  /** str(bound) -> pass / fail / inconclusive. */
  passes: Map<string, boolean | null>;
}

export interface RollingCell {
  window: [number, number];
  verdicts: Map<TrendGate, Verdict>;
}

export interface DriftEntry {
  wholeRun: Map<TrendGate, Verdict>;
  rolling: RollingCell[];
}

export interface DiagnosticsResult {
  nSuperPasses: number;
  superpassSize: number;
  warmup: number;
  nPostWarmup: number;
  metrics: string[];
  gatedMetrics: string[];
  /** Metric key -> per-super-pass percentile trajectory (post-warm-up, empty super-passes skipped). */
  trajectories: Map<string, number[]>;
  /** str(window size) -> metric key -> cell, in the order the sizes were given (repeats keep their first place). */
  cov: Map<string, Map<string, CovCell>>;
  drift: Map<string, Map<string, DriftEntry>>;
  steadyState: SteadyState;
  alpha: number;
}

export interface DiagnosticsOptions {
  /** Samples per super-pass. */
  superpassSize: number;
  /** Trailing / rolling window sizes, in super-passes. */
  windowSizes?: readonly number[];
  /** Leading super-passes dropped. */
  warmup?: number;
  covBounds?: readonly number[];
  /** Recorded in the result only: the script's trend tests always run at 0.05. */
  alpha?: number;
  trendGate?: string;
}

export const DEFAULTS = {
  windowSizes: [4, 5],
  warmup: 1,
  covBounds: [0.03, 0.05, 0.08],
  alpha: 0.05,
  trendGate: 'mk_hamed_rao',
} as const;

const means = (groups: readonly number[][]): number[] => groups.filter((g) => g.length > 0).map((g) => pySum(g) / g.length);

/** The first steady plateau of `series` (the post-warm-up super-passes; window indices are relative to it). */
export function buildSteadyState(
  series: readonly SuperPassRollup[],
  gateName: string = DEFAULTS.trendGate,
  covBounds: readonly number[] = DEFAULTS.covBounds,
  gatedMetrics: readonly TrackedMetric[] = GATED_METRICS,
): SteadyState {
  const plateaus = segmentPlateaus(series, gateName, covBounds, gatedMetrics);
  const anomaly = detectLevelShift(series, plateaus);
  const upOf = (gt: [string, Verdict][]): string[] => gt.filter(([, v]) => v === 'up').map(([k]) => k);
  if (plateaus.length === 0) {
    const gt = globalTrend(series, 0, gateName, gatedMetrics);
    return { found: false, reason: 'no admissible steady plateau', window: null, ttft: null, tpot: null, tps: null, anomaly, globalTrend: gt, driftingUp: upOf(gt) };
  }
  const [lo, hi] = plateaus[0]!;
  const gt = globalTrend(series, lo, gateName, gatedMetrics);
  const ttft = pooled(series, lo, hi, 'ttftNs');
  const tpot = pooled(series, lo, hi, 'tpotNs');
  const meanTpot = tpot.length > 0 ? pySum(tpot) / tpot.length : 0.0;
  const window = pySlice(series, lo, hi);
  const spTpotMeans = means(window.map((sp) => sp.tpotNs));
  const tpotCi = spTpotMeans.length >= 2 ? batchMeansCi(spTpotMeans) : [meanTpot, meanTpot];
  // 1e9/TPOT is decreasing, so the CI bounds swap.
  const perUserCi: [number, number] = [perUserTps(tpotCi[1]!), perUserTps(tpotCi[0]!)];
  // The point estimate is the aggregate over the whole span (gaps included); its CI
  // is the batch-means half-width of per-super-pass throughput, centred on it.
  const system = systemTps(pooledOutTokens(series, lo, hi), windowElapsedNs(series, lo, hi));
  const spSystem = window.filter((sp) => sp.lastEventNs > sp.firstIssueNs && sp.firstIssueNs >= 0n).map((sp) => systemTps(sp.outTokens, sp.lastEventNs - sp.firstIssueNs));
  let systemCi: [number, number] = [system, system];
  if (spSystem.length >= 2) {
    const [clo, chi] = batchMeansCi(spSystem);
    const half = (chi - clo) / 2.0;
    systemCi = [system - half, system + half];
  }
  return {
    found: true,
    reason: null,
    window: { spLo: lo, spHi: hi, nSuperPasses: hi - lo, nSamples: ttft.length },
    ttft: ttft.length > 0 ? summarize(ttft) : null,
    tpot: tpot.length > 0 ? summarize(tpot) : null,
    tps: { perUser: perUserTps(meanTpot), perUserCi, system, systemCi },
    anomaly,
    globalTrend: gt,
    driftingUp: upOf(gt),
  };
}

const driftVerdicts = (trajectory: readonly number[]): Map<TrendGate, Verdict> => new Map([...ALGORITHMS].map(([name, fn]) => [name, fn(trajectory).verdict]));

/** run(): the whole diagnostics result for the extracted samples. */
export function runDiagnostics(input: SteadyStateInput, options: DiagnosticsOptions): DiagnosticsResult {
  const windowSizes = options.windowSizes ?? DEFAULTS.windowSizes;
  const warmup = options.warmup ?? DEFAULTS.warmup;
  const covBounds = options.covBounds ?? DEFAULTS.covBounds;
  const gateName = options.trendGate ?? DEFAULTS.trendGate;
  if (warmup < 0) throw new PyValueError(`warmup must be >= 0, got ${warmup}`);
  const series = buildSuperPassSeries(input, options.superpassSize);
  const post = warmup < series.length ? pySlice(series, warmup) : [];
  const trajectories = new Map(TRACKED_METRICS.map((m) => [m.key, superPassPercentileSeries(post, m.source, m.percentile)]));
  const result: DiagnosticsResult = {
    nSuperPasses: series.length,
    superpassSize: options.superpassSize,
    warmup,
    nPostWarmup: post.length,
    metrics: TRACKED_METRICS.map((m) => m.key),
    gatedMetrics: TRACKED_METRICS.filter((m) => m.gated).map((m) => m.key),
    trajectories,
    cov: new Map(),
    drift: new Map(),
    steadyState: buildSteadyState(post, gateName, covBounds),
    alpha: options.alpha ?? DEFAULTS.alpha,
  };
  for (const w of windowSizes) {
    const covTable = new Map<string, CovCell>();
    const driftTable = new Map<string, DriftEntry>();
    for (const m of TRACKED_METRICS) {
      const traj = trajectories.get(m.key)!;
      const trailing = traj.length >= w ? pySlice(traj, -w) : traj;
      covTable.set(m.key, {
        gated: m.gated,
        n: trailing.length,
        cov: trailing.length >= 2 ? cov(trailing) : null,
        passes: new Map(covPassRow(trailing, covBounds).map(([b, v]) => [pyRepr(b), v])),
      });
      const rolling = rollingWindows(traj.length, w).map(([lo, hi]): RollingCell => ({ window: [lo, hi], verdicts: driftVerdicts(traj.slice(lo, hi)) }));
      driftTable.set(m.key, { wholeRun: driftVerdicts(traj), rolling });
    }
    result.cov.set(String(w), covTable);
    result.drift.set(String(w), driftTable);
  }
  return result;
}
