// MLPerf Inference latency limits (`--mlperf MODEL[:server|interactive]`):
// p99 TTFT and TPOT checked as LoadGen checks a Server run.
//
// Limits (ms), from mlcommons/inference @ b66003e10e2db4b8c36a448b0545ec90fcc6e9e9:
// loadgen/mlperf.conf lines 117-164 (<model>[-interactive].Server.ttft_latency /
// tpot_latency), equal to tools/submission/submission_checker/constants.py
// LLM_LATENCY_LIMITS (line 1736 on; ns there, "Interactive" as a scenario).
//   llama2-70b      server 2000/200  interactive 450/40   mlperf.conf 117-122
//   mixtral-8x7b    server 2000/200  (no interactive)     mlperf.conf 126-127
//   llama3.1-405b   server 6000/175  interactive 4500/80  mlperf.conf 130-136
//   llama3.1-8b     server 2000/100  interactive 500/30   mlperf.conf 140-146
//   deepseek-r1     server 2000/80   interactive 1500/15  mlperf.conf 149-155
//   gpt-oss-120b    server 3000/80   interactive 2000/15  mlperf.conf 158-164
// LoadGen's rules, same commit:
// - Percentile 99 (mlperf.conf line 83, *.Server.target_latency_percentile = 99,
//   read x0.01 in test_settings_internal.cc:769): sorted[size_t(n * 0.99)]
//   (results.cc:110-126); 0.99 < 1 keeps the index below n, and n·0.99 integral
//   (n = 100) picks sorted[99], the maximum.
// - TPOT per request: (latency − TTFT) / (n_tokens − 1) in int64 ns, truncated
//   (logging.cc:475-476); n_tokens == 1 is an error LoadGen logs
//   (logging.cc:449-452), so such requests are left out here and counted.
//   n_tokens is the request's output tokens: OSL.
// - Pass: PerfConstraintsMet fails when p99 > limit (results.cc:355-366), so
//   p99 <= limit passes; the submission checker requires p99 < limit
//   (performance_check.py:494). Both verdicts are reported.
// - Early stopping, Server (results.cc:227-246, run with the TTFT and TPOT limits
//   at results.cc:497-505): t = requests over the limit, h = the smallest h with
//   BetaRegularized(0.99, h, t + 1) < 1 − 0.99 (early_stopping.cc:60-78); met
//   when n >= h + t. src/stats/earlyStopping.ts finds the same h (its findMinPassing
//   searches the same odds for the same criterion), and its esPercentileEstimate
//   is LoadGen's SingleStream/MultiStream estimate (results.cc:160-196): the
//   value the endpoints submission parser reads as the run's p99.
// The requests: tracked, completed, without an error event, with TTFT and
// latency (LoadGen has no failed queries; failed ones are counted and left out).
import { ReplayError } from '../base/errors.js';
import { esPercentileEstimate, findMinPassing } from '../stats/earlyStopping.js';
import { loadgenTpotNs } from '../stats/tpot.js';
import { isPresent, succeeded, type Requests } from './requests.js';
import { sortInPlace } from './sort.js';

export type MlperfScenario = 'server' | 'interactive';

interface LimitPair {
  ttftMs: number;
  tpotMs: number;
}

export const MLPERF_LIMITS: Readonly<Record<string, { server: LimitPair; interactive: LimitPair | null }>> = {
  'llama2-70b': { server: { ttftMs: 2000, tpotMs: 200 }, interactive: { ttftMs: 450, tpotMs: 40 } },
  'mixtral-8x7b': { server: { ttftMs: 2000, tpotMs: 200 }, interactive: null },
  'llama3.1-8b': { server: { ttftMs: 2000, tpotMs: 100 }, interactive: { ttftMs: 500, tpotMs: 30 } },
  'llama3.1-405b': { server: { ttftMs: 6000, tpotMs: 175 }, interactive: { ttftMs: 4500, tpotMs: 80 } },
  'deepseek-r1': { server: { ttftMs: 2000, tpotMs: 80 }, interactive: { ttftMs: 1500, tpotMs: 15 } },
  'gpt-oss-120b': { server: { ttftMs: 3000, tpotMs: 80 }, interactive: { ttftMs: 2000, tpotMs: 15 } },
};

/** LoadGen's Server target percentile, as LoadGen holds it (99 × 0.01). */
export const LOADGEN_PERCENTILE = 0.99;
const ES_CONFIDENCE = 0.99;

export interface MlperfTarget {
  benchmark: string;
  scenario: MlperfScenario;
}

/** `llama2-70b`, `llama2-70b:interactive`; mlperf.conf's `llama3_1-8b` spelling is accepted too. */
export function parseMlperfFlag(text: string): MlperfTarget {
  const hint = `write --mlperf MODEL[:server|interactive], MODEL one of ${Object.keys(MLPERF_LIMITS).join(', ')}`;
  const m = /^\s*([A-Za-z0-9._-]+)\s*(?::\s*([a-z]+)\s*)?$/.exec(text);
  if (!m) throw new ReplayError(`--mlperf: "${text}" is not MODEL[:server|interactive]`, hint);
  const benchmark = m[1]!.toLowerCase().replace(/^llama3_1-/, 'llama3.1-');
  const scenario = m[2] ?? 'server';
  if (!(benchmark in MLPERF_LIMITS)) throw new ReplayError(`--mlperf: unknown benchmark "${m[1]}"`, hint);
  if (scenario !== 'server' && scenario !== 'interactive') throw new ReplayError(`--mlperf: unknown scenario "${scenario}" (server or interactive)`, hint);
  if (scenario === 'interactive' && MLPERF_LIMITS[benchmark]!.interactive === null) throw new ReplayError(`--mlperf: ${benchmark} has no interactive latency limits`, hint);
  return { benchmark, scenario };
}

const MODEL_PATTERNS: Array<[RegExp, string]> = [
  [/^llama-?2-70b(-chat)?(-hf)?$/, 'llama2-70b'],
  [/^mixtral-8x7b(-instruct(-v0\.1)?)?$/, 'mixtral-8x7b'],
  [/^(meta-)?llama-?3\.1-8b(-instruct)?$/, 'llama3.1-8b'],
  [/^(meta-)?llama-?3\.1-405b(-instruct)?(-fp8)?$/, 'llama3.1-405b'],
  [/^deepseek-r1$/, 'deepseek-r1'],
  [/^gpt-oss-120b$/, 'gpt-oss-120b'],
];

/**
 * The benchmark a config.yaml model name clearly is (`meta-llama/Llama-2-70b-chat-hf`
 * -> llama2-70b), from the last path component; null for anything else (a
 * distilled or re-trained variant is another model).
 */
export function benchmarkForModel(name: string): string | null {
  const last = name.trim().replace(/\/+$/, '').split('/').pop()!.toLowerCase();
  for (const [re, benchmark] of MODEL_PATTERNS) if (re.test(last)) return benchmark;
  return last in MLPERF_LIMITS ? last : null;
}

/** sorted[size_t(n * p)] as results.cc indexes it (p < 1). */
export function loadgenPercentile(sorted: ArrayLike<number>, p = LOADGEN_PERCENTILE): number | null {
  return sorted.length === 0 ? null : sorted[Math.trunc(sorted.length * p)]!;
}

export { loadgenTpotNs };

export interface LimitCheck {
  metric: 'ttft' | 'tpot';
  limitNs: number;
  n: number;
  p99Ns: number | null;
  /** limit − p99: the headroom (negative: over). */
  marginNs: number | null;
  marginFraction: number | null;
  /** LoadGen's performance constraint: p99 <= limit. */
  passLoadgen: boolean | null;
  /** The submission checker's: p99 < limit. */
  passSubmissionChecker: boolean | null;
  earlyStopping: {
    overLimit: number;
    minPassing: number;
    met: boolean;
    moreRequestsNeeded: number;
    /** LoadGen's early-stopping p99 estimate (null under its minimum of requests) and the highest values it discards. */
    estimateNs: number | null;
    estimateDiscarded: number;
  } | null;
}

export interface MlperfReport extends MlperfTarget {
  completed: number;
  /** Left out: completed with an error event; succeeded without a TTFT or latency. */
  excludedFailed: number;
  excludedNoTtft: number;
  tpotExcludedSingleToken: number;
  tpotExcludedUncounted: number;
  checks: LimitCheck[];
  /** Every limit within LoadGen's constraint and its early stopping met. */
  pass: boolean;
}

export function checkMlperf(r: Requests, target: MlperfTarget): MlperfReport {
  const limits = target.scenario === 'server' ? MLPERF_LIMITS[target.benchmark]!.server : MLPERF_LIMITS[target.benchmark]!.interactive!;
  const ttft = new Float64Array(r.n);
  const tpot = new Float64Array(r.n);
  let nTtft = 0;
  let nTpot = 0;
  let completed = 0;
  let failed = 0;
  let single = 0;
  let uncounted = 0;
  for (let i = 0; i < r.n; i++) {
    if (!isPresent(r.completeNs[i]!)) continue;
    completed++;
    const t = r.ttftNs[i]!;
    const lat = r.latencyNs[i]!;
    if (!succeeded(r, i)) failed++;
    if (!succeeded(r, i) || !isPresent(t) || !isPresent(lat)) continue;
    ttft[nTtft++] = t;
    const osl = r.osl[i]!;
    if (osl < 1) uncounted++;
    else if (osl === 1) single++;
    else tpot[nTpot++] = loadgenTpotNs(lat, t, osl)!;
  }
  if (completed > 0 && nTtft === 0) throw new ReplayError('--mlperf: no request of this run has a TTFT', 'MLPerf LLM limits need a streaming run');
  const checks = [checkLimit('ttft', sortInPlace(ttft.subarray(0, nTtft)), limits.ttftMs), checkLimit('tpot', sortInPlace(tpot.subarray(0, nTpot)), limits.tpotMs)];
  return {
    ...target,
    completed,
    excludedFailed: failed,
    excludedNoTtft: completed - failed - nTtft,
    tpotExcludedSingleToken: single,
    tpotExcludedUncounted: uncounted,
    checks,
    pass: checks.every((c) => c.passLoadgen === true && c.earlyStopping?.met === true),
  };
}

/** The check of one limit over the requests' values, ascending. */
function checkLimit(metric: 'ttft' | 'tpot', sorted: Float64Array, limitMs: number): LimitCheck {
  const limitNs = limitMs * 1_000_000;
  const n = sorted.length;
  const p99 = loadgenPercentile(sorted);
  if (p99 === null) {
    return { metric, limitNs, n, p99Ns: null, marginNs: null, marginFraction: null, passLoadgen: null, passSubmissionChecker: null, earlyStopping: null };
  }
  let over = 0;
  for (let i = n - 1; i >= 0 && sorted[i]! > limitNs; i--) over++;
  const h = findMinPassing(over, LOADGEN_PERCENTILE, 0, ES_CONFIDENCE);
  const es = esPercentileEstimate(sorted, LOADGEN_PERCENTILE * 100, ES_CONFIDENCE);
  return {
    metric,
    limitNs,
    n,
    p99Ns: p99,
    marginNs: limitNs - p99,
    marginFraction: (limitNs - p99) / limitNs,
    passLoadgen: p99 <= limitNs,
    passSubmissionChecker: p99 < limitNs,
    earlyStopping: { overLimit: over, minPassing: h, met: n >= h + over, moreRequestsNeeded: Math.max(0, h + over - n), estimateNs: es.estimate, estimateDiscarded: es.discarded },
  };
}

/**
 * mlperf.json. Keys, in this order: benchmark, scenario, source (repository,
 * commit, files), percentile, requests {completed, excluded_failed, excluded_no_ttft,
 * tpot_excluded_single_token, tpot_excluded_uncounted}, limits: [{metric,
 * limit_ns, n, p99_ns, margin_ns, margin_fraction, pass_loadgen,
 * pass_submission_checker, early_stopping {over_limit, min_passing, met,
 * more_requests_needed, estimate_ns, estimate_discarded}}] (ttft, then tpot),
 * pass. ns are integers.
 */
export function mlperfJson(rep: MlperfReport): string {
  const doc = {
    benchmark: rep.benchmark,
    scenario: rep.scenario,
    source: {
      repository: 'mlcommons/inference',
      commit: 'b66003e10e2db4b8c36a448b0545ec90fcc6e9e9',
      files: ['loadgen/mlperf.conf', 'tools/submission/submission_checker/constants.py'],
    },
    percentile: LOADGEN_PERCENTILE * 100,
    requests: {
      completed: rep.completed,
      excluded_failed: rep.excludedFailed,
      excluded_no_ttft: rep.excludedNoTtft,
      tpot_excluded_single_token: rep.tpotExcludedSingleToken,
      tpot_excluded_uncounted: rep.tpotExcludedUncounted,
    },
    limits: rep.checks.map((c) => ({
      metric: c.metric,
      limit_ns: c.limitNs,
      n: c.n,
      p99_ns: c.p99Ns,
      margin_ns: c.marginNs,
      margin_fraction: c.marginFraction,
      pass_loadgen: c.passLoadgen,
      pass_submission_checker: c.passSubmissionChecker,
      early_stopping: c.earlyStopping && {
        over_limit: c.earlyStopping.overLimit,
        min_passing: c.earlyStopping.minPassing,
        met: c.earlyStopping.met,
        more_requests_needed: c.earlyStopping.moreRequestsNeeded,
        estimate_ns: c.earlyStopping.estimateNs,
        estimate_discarded: c.earlyStopping.estimateDiscarded,
      },
    })),
    pass: rep.pass,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
