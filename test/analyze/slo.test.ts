// SLO attainment and goodput: hand-checked cases, and golden runs checked
// against counts taken from the CLI's samples.arrow and result_summary.json.
import { beforeAll, describe, expect, it } from 'vitest';
import { requestsFromRows, type RunDuration } from '../../src/analyze/requests.js';
import { analyzeSlo, parseSloSpec, sloJson } from '../../src/analyze/slo.js';
import { ReplayError } from '../../src/base/errors.js';
import { goldenRun, succeededRows, type GoldenRun } from './goldenRun.js';

const MS = 1_000_000;
const twoSeconds: RunDuration = { ns: 2_000_000_000n, source: 'tracked' };

describe('parseSloSpec', () => {
  it('reads any subset of ttft, tpot and latency in ms or s, as integer ns', () => {
    expect(parseSloSpec('ttft=2s,tpot=80ms,latency=30s')).toEqual({ ttft: 2_000_000_000, tpot: 80_000_000, latency: 30_000_000_000 });
    expect(parseSloSpec('tpot=1.5ms')).toEqual({ tpot: 1_500_000 });
    expect(parseSloSpec(' latency = 0.25s ')).toEqual({ latency: 250_000_000 });
    expect(parseSloSpec('ttft=0.000000001s')).toEqual({ ttft: 1 });
  });

  it.each([
    ['', 'no SLO given'],
    ['ttft=2', 'is not METRIC=VALUE with a unit'],
    ['ttft=2us', 'is not METRIC=VALUE with a unit'],
    ['itl=2s', 'unknown metric "itl"'],
    ['ttft=1s,ttft=2s', 'ttft is given twice'],
    ['ttft=0ms', 'must be greater than 0'],
    ['ttft=0.0000000001s', 'finer than 1 ns'],
    ['ttft=200000h', 'is not METRIC=VALUE'],
  ])('refuses %j with one line saying why', (text, why) => {
    let err: unknown;
    try {
      parseSloSpec(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ReplayError);
    expect((err as Error).message).toContain(why);
    expect((err as Error).message.startsWith('--slo')).toBe(true);
    expect((err as Error).message).not.toContain('\n');
  });
});

describe('analyzeSlo, by hand', () => {
  // TTFT SLO 100 ms: 99.999999 ms and exactly 100 ms meet it (value <= SLO), 100.000001 ms and
  // 200 ms miss it; a failed request is never good; an unfinished one is not counted at all.
  const r = requestsFromRows([
    { completeNs: 1e9, ttftNs: 100 * MS - 1, latencyNs: 1e9, tpotNs: 10 * MS, osl: 10, tokensAfterFirst: 9 },
    { completeNs: 1e9, ttftNs: 100 * MS, latencyNs: 1e9, tpotNs: 10 * MS, osl: 20, tokensAfterFirst: 19 },
    { completeNs: 1e9, ttftNs: 100 * MS + 1, latencyNs: 1e9, tpotNs: 10 * MS, osl: 30, tokensAfterFirst: 29 },
    { completeNs: 1e9, ttftNs: 200 * MS, latencyNs: 1e9, tpotNs: 10 * MS, osl: 40, tokensAfterFirst: 39 },
    { completeNs: 1e9, ttftNs: 1 * MS, latencyNs: 1e9, failed: true },
    { ttftNs: 1 * MS },
  ]);

  it('counts good requests with <= and leaves failed ones out of vLLM\'s denominator only', () => {
    const rep = analyzeSlo(r, { ttft: 100 * MS }, twoSeconds);
    expect([rep.completed, rep.succeeded, rep.failed]).toEqual([5, 4, 1]);
    expect(rep.perMetric.ttft).toEqual({ met: 2, missing: 0 });
    // good 2 of 4 succeeded (vLLM), of 5 completed (AIPerf's good_request_fraction); 2 good over 2 s.
    expect(rep.vllm).toEqual({ good: 2, attainment: 0.5, goodputRps: 1, goodputTps: (10 + 20) / 2 });
    expect(rep.aiperf).toEqual({ good: 2, attainment: 0.4, goodputRps: 1, goodputTps: 15 });
  });

  it('requires every given SLO', () => {
    // The first request's latency (1 s) misses a 0.5 s latency SLO; so do all the others.
    const rep = analyzeSlo(r, { ttft: 100 * MS, latency: 500 * MS }, twoSeconds);
    expect(rep.vllm.good).toBe(0);
    expect(analyzeSlo(r, { ttft: 100 * MS, latency: 1000 * MS }, twoSeconds).vllm.good).toBe(2);
  });

  it('passes an undefined TPOT under vLLM (TPOT 0 for one token) and fails it under AIPerf (no value)', () => {
    const single = requestsFromRows([
      { completeNs: 1, ttftNs: 5 * MS, latencyNs: 6 * MS, osl: 1 },
      { completeNs: 1, ttftNs: 5 * MS, latencyNs: 50 * MS, tpotNs: 9 * MS, osl: 6, tokensAfterFirst: 5 },
      { completeNs: 1, ttftNs: 5 * MS, latencyNs: 50 * MS, tpotNs: 11 * MS, osl: 6, tokensAfterFirst: 5 },
      // No tokenizer: no OSL, no TPOT: unknown, so not good under either.
      { completeNs: 1, ttftNs: 5 * MS, latencyNs: 50 * MS },
    ]);
    const rep = analyzeSlo(single, { tpot: 10 * MS }, twoSeconds);
    expect(rep.tpotUndefined).toBe(1);
    expect(rep.perMetric.tpot).toEqual({ met: 1, missing: 2 });
    expect(rep.vllm.good).toBe(2);
    expect(rep.aiperf.good).toBe(1);
  });

  it('says plainly when the run has no value for an SLO metric', () => {
    const noTtft = requestsFromRows([{ completeNs: 1, latencyNs: 5 }]);
    expect(() => analyzeSlo(noTtft, { ttft: MS }, twoSeconds)).toThrow(/--slo ttft: no request of this run has a TTFT/);
  });

  it('draws attainment curves from the smallest to the largest value', () => {
    const rep = analyzeSlo(r, {}, twoSeconds);
    const c = rep.curves.ttft;
    // Succeeded requests only: 100ms-1, 100ms, 100ms+1, 200ms.
    expect(c.n).toBe(4);
    expect(c.thresholdsNs[0]).toBe(100 * MS - 1);
    expect(c.thresholdsNs[c.thresholdsNs.length - 1]).toBe(200 * MS);
    expect(c.met[0]).toBe(1);
    expect(c.met[c.met.length - 1]).toBe(4);
    // The second point, (100ms-1)·2^(1/49), lies past 100ms+1: three requests at or below it.
    expect(c.met[1]).toBe(3);
    const doc = JSON.parse(sloJson(rep));
    expect(Object.keys(doc)).toEqual(['slo_ns', 'comparison', 'duration_ns', 'duration_source', 'requests', 'per_metric', 'conventions', 'curves']);
    expect(doc.curves.ttft.fraction[c.met.length - 1]).toBe(1);
  });
});

describe.each(['tiny-streaming', 'early-stopping'])('analyzeSlo on golden case %s', (name) => {
  let run: GoldenRun;
  beforeAll(async () => {
    run = await goldenRun(name);
  }, 120_000);

  it('counts the summary\'s requests and divides by the summary\'s duration', () => {
    const rep = analyzeSlo(run.requests, {}, run.duration);
    expect(rep.completed).toBe(run.summary.n_samples_completed);
    expect(rep.failed).toBe(run.summary.n_samples_failed);
    expect(rep.completed).toBe(run.rows.filter((r) => r.tracked && r.completeNs !== null).length);
    expect(rep.succeeded).toBe(succeededRows(run.rows).length);
    expect(run.duration.ns).toBe(BigInt(run.summary.duration_ns));
  });

  it('finds the good requests samples.arrow gives for SLOs at the summary\'s percentiles', () => {
    const s = run.summary;
    const ttftMs = Math.ceil(s.ttft.percentiles['50.0'] / MS);
    const tpotMs = Math.ceil(s.tpot.percentiles['90.0'] / MS);
    const latencyMs = Math.ceil(s.latency.percentiles['90.0'] / MS);
    const spec = parseSloSpec(`ttft=${ttftMs}ms,tpot=${tpotMs}ms,latency=${latencyMs}ms`);
    const rep = analyzeSlo(run.requests, spec, run.duration);

    const ok = succeededRows(run.rows);
    const meets = (r: (typeof ok)[number], aiperf: boolean): boolean =>
      r.ttftNs !== null && r.ttftNs <= ttftMs * MS &&
      r.latencyNs !== null && r.latencyNs <= latencyMs * MS &&
      (r.tpotNs !== null ? r.tpotNs <= tpotMs * MS : !aiperf && r.osl !== null);
    const vllmGood = ok.filter((r) => meets(r, false));
    const aiperfGood = ok.filter((r) => meets(r, true));
    expect(rep.vllm.good).toBe(vllmGood.length);
    expect(rep.aiperf.good).toBe(aiperfGood.length);
    expect(rep.vllm.good).toBeGreaterThan(0);
    const seconds = s.duration_ns / 1e9;
    expect(rep.vllm.goodputRps).toBeCloseTo(vllmGood.length / seconds, 12);
    expect(rep.vllm.goodputTps).toBeCloseTo(vllmGood.reduce((a, r) => a + r.osl!, 0) / seconds, 9);
    expect(rep.vllm.attainment).toBe(vllmGood.length / ok.length);
    expect(rep.aiperf.attainment).toBe(aiperfGood.length / s.n_samples_completed);
    if (name === 'early-stopping') expect(rep.tpotUndefined).toBe(ok.filter((r) => r.tpotNs === null && r.osl !== null).length);
  });

  it('with SLOs every request meets, goodput is the summary\'s QPS less the failed requests', () => {
    const s = run.summary;
    const rep = analyzeSlo(run.requests, { latency: s.latency.max }, run.duration);
    const seconds = s.duration_ns / 1e9;
    expect(rep.vllm.good).toBe(s.n_samples_completed - s.n_samples_failed);
    expect(rep.vllm.goodputRps! + s.n_samples_failed / seconds).toBeCloseTo(s.qps, 9);
  });

  it('its curves count what samples.arrow counts at every threshold', () => {
    const rep = analyzeSlo(run.requests, {}, run.duration);
    for (const [metric, pick] of [['ttft', (r: any) => r.ttftNs], ['tpot', (r: any) => r.tpotNs], ['latency', (r: any) => r.latencyNs]] as const) {
      const values = succeededRows(run.rows).map(pick).filter((v): v is number => v !== null);
      const c = rep.curves[metric];
      expect(c.n).toBe(values.length);
      expect(c.met).toEqual(c.thresholdsNs.map((t) => values.filter((v) => v <= t).length));
      expect(c.met[c.met.length - 1]).toBe(values.length);
      expect(c.thresholdsNs[0]).toBe(Math.min(...values));
    }
  });
});
