// MLPerf latency limits under LoadGen's rules: hand-checked cases, LoadGen's own
// early-stopping search ported from loadgen/early_stopping.cc and results.cc
// (mlcommons/inference @ b66003e1) as the second implementation, and a golden
// run checked against samples.arrow and result_summary.json.
import { beforeAll, describe, expect, it } from 'vitest';
import { benchmarkForModel, checkMlperf, loadgenPercentile, loadgenTpotNs, mlperfJson, parseMlperfFlag } from '../../src/analyze/mlperf.js';
import { requestsFromRows } from '../../src/analyze/requests.js';
import { ReplayError } from '../../src/base/errors.js';
import { esPercentileEstimate, findMinPassing } from '../../src/stats/earlyStopping.js';
import { goldenRun, succeededRows, type GoldenRun } from './goldenRun.js';

const MS = 1_000_000;

// ---- LoadGen's early stopping, as its C++ computes it -------------------------------------
const LOG_FACT: number[] = [0];
/** lgamma(n) for integers n >= 1: log((n-1)!), summed. */
function lgammaInt(n: number): number {
  while (LOG_FACT.length < n) LOG_FACT.push(LOG_FACT[LOG_FACT.length - 1]! + Math.log(LOG_FACT.length));
  return LOG_FACT[n - 1]!;
}
const lbeta = (x: number, y: number): number => lgammaInt(x) + lgammaInt(y) - lgammaInt(x + y);
function hypergeometric2F1A1(b: number, c: number, x: number): number {
  const tolerance = 1 / 2 ** 33;
  let term = 1;
  let result = 1;
  for (let i = 0; Math.abs(term) > tolerance; ++i) {
    term *= ((b + i) * x) / (c + i);
    result += term;
  }
  return result;
}
const betaRegularized = (x: number, a: number, b: number): number =>
  (Math.exp(a * Math.log(x) + (b - 1) * Math.log(1 - x) - lbeta(a, b)) / a) * hypergeometric2F1A1(1 - b, 1 + a, x / (x - 1));
const odds = (h: number, t: number, p: number, d: number): number => betaRegularized(p - d, h, 1 + t);
function searchMinPassing(minH: number, maxH: number, t: number, p: number, d: number, c: number): number {
  let count = maxH - minH;
  while (count > 0) {
    const step = Math.trunc(count / 2);
    const h = minH + step;
    if (odds(h, t, p, d) < 1 - c) count = step;
    else {
      minH = h + 1;
      count -= step + 1;
    }
  }
  return minH;
}
/** MinPassingQueriesFinder: a cache per finder, bounds interpolated from the cached answers below t. */
class LoadgenFinder {
  private readonly cache = new Map<number, number>();
  find(t: number, p: number, d = 0, c = 0.99): number {
    if (this.cache.has(t)) return this.cache.get(t)!;
    const below = [...this.cache.keys()].filter((k) => k < t).sort((a, b) => a - b);
    let x0 = -1;
    let y0 = 0;
    let x1 = 0;
    let y1 = Math.ceil(Math.log(1 - c) / Math.log(p - d));
    if (below.length >= 1) [x1, y1] = [below[below.length - 1]!, this.cache.get(below[below.length - 1]!)!];
    if (below.length >= 2) [x0, y0] = [below[below.length - 2]!, this.cache.get(below[below.length - 2]!)!];
    const minSlope = (p - d) / (1 - p + d);
    const maxSlope = (y1 - y0) * (x1 - x0);
    const minH = Math.trunc((t - x1) * minSlope + y1);
    const maxH = Math.trunc((t - x1) * maxSlope + y1 + 1);
    const h = searchMinPassing(minH, maxH, t, p, d, c);
    this.cache.set(t, h);
    return h;
  }
}
/** results.cc's early-stopping estimate (SingleStream loop): sorted[n − t], or null below the minimum. */
function loadgenEstimate(sorted: ArrayLike<number>, p: number): number | null {
  const finder = new LoadgenFinder();
  const n = sorted.length;
  let t = 1;
  const hMin = finder.find(1, p);
  if (n < hMin + 1) return null;
  for (let i = 2; i < n + 1; ++i) {
    const h = finder.find(i, p);
    if (n < h + i) {
      t = i - 1;
      break;
    }
  }
  return sorted[n - t]!;
}
// -------------------------------------------------------------------------------------------

describe('LoadGen conventions', () => {
  it('indexes the percentile at floor(n·0.99), not numpy "lower" floor(0.99·(n−1))', () => {
    const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    // n = 100: n·0.99 = 99 is integral and picks the maximum; numpy's lower picks sorted[98].
    expect(loadgenPercentile(hundred)).toBe(100);
    expect(hundred[Math.floor(0.99 * 99)]).toBe(99);
    const ten = Float64Array.from({ length: 10 }, (_, i) => (i + 1) * 10);
    expect(loadgenPercentile(ten)).toBe(100); // floor(9.9) = 9
    expect(loadgenPercentile([7])).toBe(7);
    expect(loadgenPercentile([])).toBeNull();
  });

  it('computes TPOT as int64 (latency − TTFT) / (tokens − 1), truncated, and none under 2 tokens', () => {
    expect(loadgenTpotNs(1_000_000_007, 7, 4)).toBe(333_333_333);
    expect(loadgenTpotNs(20 * MS, 10 * MS, 2)).toBe(10 * MS);
    expect(loadgenTpotNs(20 * MS, 10 * MS, 1)).toBeNull();
  });

  it('finds the minimum passing count LoadGen finds, for every t from 0 to 60', () => {
    for (let t = 0; t <= 60; t++) expect(findMinPassing(t, 0.99, 0, 0.99), `t=${t}`).toBe(new LoadgenFinder().find(t, 0.99));
    // t = 0: 0.99^459 < 0.01 <= 0.99^458.
    expect(findMinPassing(0, 0.99, 0, 0.99)).toBe(459);
  });

  it('estimates the early-stopping p99 as LoadGen does', () => {
    for (const n of [661, 662, 700, 1000, 1963, 5000]) {
      const sorted = Float64Array.from({ length: n }, (_, i) => 1000 + i * 3);
      expect(esPercentileEstimate(sorted, 99).estimate, `n=${n}`).toBe(loadgenEstimate(sorted, 0.99));
    }
  });
});

describe('parseMlperfFlag and benchmarkForModel', () => {
  it('reads MODEL[:server|interactive]', () => {
    expect(parseMlperfFlag('llama2-70b')).toEqual({ benchmark: 'llama2-70b', scenario: 'server' });
    expect(parseMlperfFlag('llama3_1-8b:interactive')).toEqual({ benchmark: 'llama3.1-8b', scenario: 'interactive' });
    for (const [bad, why] of [['gpt5', 'unknown benchmark'], ['llama2-70b:offline', 'unknown scenario'], ['mixtral-8x7b:interactive', 'no interactive'], ['a b', 'is not MODEL']]) {
      expect(() => parseMlperfFlag(bad!)).toThrow(ReplayError);
      expect(() => parseMlperfFlag(bad!)).toThrow(why!);
    }
  });

  it('maps config.yaml model names that clearly are a benchmark, and nothing else', () => {
    const cases: Array<[string, string | null]> = [
      ['meta-llama/Llama-2-70b-chat-hf', 'llama2-70b'],
      ['mistralai/Mixtral-8x7B-Instruct-v0.1', 'mixtral-8x7b'],
      ['meta-llama/Llama-3.1-8B-Instruct', 'llama3.1-8b'],
      ['/models/Meta-Llama-3.1-405B-Instruct-FP8/', 'llama3.1-405b'],
      ['deepseek-ai/DeepSeek-R1', 'deepseek-r1'],
      ['openai/gpt-oss-120b', 'gpt-oss-120b'],
      ['deepseek-ai/DeepSeek-R1-Distill-Llama-8B', null],
      ['openai/gpt-oss-20b', null],
      ['meta-llama/Llama-2-7b-chat-hf', null],
      ['Qwen/Qwen3-8B', null],
    ];
    for (const [name, benchmark] of cases) expect(benchmarkForModel(name), name).toBe(benchmark);
  });
});

describe('checkMlperf, by hand', () => {
  // 100 requests: 98 at 1 s TTFT and 20 ms TPOT, the last two at the 2 s / 200 ms limit of
  // llama2-70b Server, or 1 ns above it. p99 = sorted[99]: the largest.
  const requests = (lastTtft: number) =>
    requestsFromRows([
      ...Array.from({ length: 98 }, () => ({ completeNs: 1, ttftNs: 1000 * MS, latencyNs: 1000 * MS + 20 * MS * 10, osl: 11 })),
      { completeNs: 1, ttftNs: 2000 * MS, latencyNs: 2000 * MS + 200 * MS * 4, osl: 5 },
      { completeNs: 1, ttftNs: lastTtft, latencyNs: lastTtft + 10 * MS, osl: 2 },
      { completeNs: 1, ttftNs: 1 * MS, latencyNs: 2 * MS, osl: 1 },
      { completeNs: 1, ttftNs: 1 * MS, latencyNs: 2 * MS, osl: 9, failed: true },
    ]);

  it('passes p99 == limit under LoadGen (<=) but not under the submission checker (<)', () => {
    const at = checkMlperf(requests(2000 * MS), { benchmark: 'llama2-70b', scenario: 'server' });
    const ttft = at.checks[0]!;
    expect([at.completed, at.excludedFailed, at.tpotExcludedSingleToken]).toEqual([102, 1, 1]);
    expect(ttft.n).toBe(101);
    expect(ttft.p99Ns).toBe(2000 * MS); // sorted[floor(101·0.99) = 99]
    expect([ttft.passLoadgen, ttft.passSubmissionChecker, ttft.marginNs]).toEqual([true, false, 0]);
    const over = checkMlperf(requests(2000 * MS + 1), { benchmark: 'llama2-70b', scenario: 'server' }).checks[0]!;
    expect(over.p99Ns).toBe(2000 * MS);
    expect(over.earlyStopping!.overLimit).toBe(1);
    const tpot = at.checks[1]!;
    // TPOTs: 98 × 20 ms, 200 ms ((800 ms) / 4), 10 ms; the single-token request is left out.
    expect(tpot.n).toBe(100);
    expect(tpot.p99Ns).toBe(200 * MS);
    expect(tpot.passLoadgen).toBe(true);
  });

  it('needs 459 requests under the limit before early stopping is met', () => {
    const rep = checkMlperf(requests(2000 * MS), { benchmark: 'llama2-70b', scenario: 'server' });
    expect(rep.checks[0]!.earlyStopping).toMatchObject({ overLimit: 0, minPassing: 459, met: false, moreRequestsNeeded: 459 - 101, estimateNs: null });
    expect(rep.pass).toBe(false);
    const doc = JSON.parse(mlperfJson(rep));
    expect(Object.keys(doc)).toEqual(['benchmark', 'scenario', 'source', 'percentile', 'requests', 'limits', 'pass']);
    expect(doc.limits.map((l: { metric: string; limit_ns: number }) => [l.metric, l.limit_ns])).toEqual([['ttft', 2e9], ['tpot', 2e8]]);
  });
});

describe('checkMlperf on golden case early-stopping', () => {
  let run: GoldenRun;
  beforeAll(async () => {
    run = await goldenRun('early-stopping');
  }, 120_000);

  for (const target of [{ benchmark: 'llama2-70b', scenario: 'server' }, { benchmark: 'deepseek-r1', scenario: 'interactive' }] as const) {
    it(`${target.benchmark}:${target.scenario} matches LoadGen's rules applied to samples.arrow`, () => {
      const rep = checkMlperf(run.requests, target);
      expect(rep.completed).toBe(run.summary.n_samples_completed);
      expect(rep.excludedFailed).toBe(run.summary.n_samples_failed);
      const ok = succeededRows(run.rows).filter((r) => r.ttftNs !== null && r.latencyNs !== null);
      const ttft = ok.map((r) => r.ttftNs!).sort((a, b) => a - b);
      const tpot = ok.filter((r) => r.osl! >= 2).map((r) => Number((BigInt(r.latencyNs!) - BigInt(r.ttftNs!)) / BigInt(r.osl! - 1))).sort((a, b) => a - b);
      const limits = target.benchmark === 'llama2-70b' ? [2000 * MS, 200 * MS] : [1500 * MS, 15 * MS];
      [ttft, tpot].forEach((values, k) => {
        const c = rep.checks[k]!;
        const p99 = values[Math.floor(values.length * 0.99)]!;
        const over = values.filter((v) => v > limits[k]!).length;
        expect(c.n).toBe(values.length);
        expect(c.p99Ns).toBe(p99);
        expect(c.passLoadgen).toBe(p99 <= limits[k]!);
        expect(c.earlyStopping!.overLimit).toBe(over);
        expect(c.earlyStopping!.minPassing).toBe(new LoadgenFinder().find(over, 0.99));
        expect(c.earlyStopping!.estimateNs).toBe(loadgenEstimate(values, 0.99));
      });
      // The summary's TTFT series holds these requests' TTFTs and more (failed, retried).
      expect(run.summary.ttft.max).toBeGreaterThanOrEqual(rep.checks[0]!.p99Ns!);
    });
  }

  it('a strict interactive limit fails where the server one passes', () => {
    expect(checkMlperf(run.requests, { benchmark: 'llama2-70b', scenario: 'server' }).pass).toBe(true);
    const strict = checkMlperf(run.requests, { benchmark: 'deepseek-r1', scenario: 'interactive' });
    expect(strict.checks[1]!.passLoadgen).toBe(false);
    expect(strict.pass).toBe(false);
  });
});
