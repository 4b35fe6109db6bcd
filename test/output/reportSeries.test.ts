// The report's over-time series on small tables worked out by hand: bucket
// widths, throughput and its smoothing, in-flight counts, per-bucket
// percentiles (numpy "lower"), deterministic lane sampling, shaded windows.
import { describe, expect, it } from 'vitest';
import { buckets, laneRows, loadRows, percentileRows, regions, throughputRows, type SampleColumns } from '../../src/output/reportSeries.js';

/** Columns from per-sample rows (times in s, null = none). */
function table(rows: Array<{ issued: number | null; first?: number | null; done?: number | null; ttftMs?: number | null; osl?: number | null; tracked?: boolean; block?: number; failed?: boolean }>): SampleColumns {
  const n = rows.length;
  const f = (get: (r: (typeof rows)[number]) => number | null | undefined): Float64Array => Float64Array.from(rows, (r) => get(r) ?? NaN);
  const ns = (s: number | null | undefined): number | null => (s === null || s === undefined ? null : s * 1e9);
  return {
    n,
    issuedNs: f((r) => ns(r.issued)),
    firstChunkNs: f((r) => ns(r.first)),
    completeNs: f((r) => ns(r.done)),
    ttftNs: f((r) => (r.ttftMs == null ? null : r.ttftMs * 1e6)),
    latencyNs: f(() => null),
    tpotNs: f(() => null),
    isl: f(() => null),
    osl: f((r) => r.osl),
    chunks: f(() => null),
    tracked: Uint8Array.from(rows, (r) => (r.tracked === false ? 0 : 1)),
    block: f((r) => (r.tracked === false ? null : (r.block ?? 0))),
    failed: Uint8Array.from(rows, (r) => (r.failed ? 1 : 0)),
  };
}

describe('report series', () => {
  it('picks a round bucket width giving at most 200 buckets', () => {
    // A 1000 s run: 5 s buckets (2 s would be 500), 201 of them capped at 200.
    expect(buckets(table([{ issued: 0, done: 999.9 }]))).toEqual({ widthNs: 5e9, count: 200 });
    // A 3 s run: 20 ms buckets (10 ms would be 300).
    expect(buckets(table([{ issued: 0, done: 3 }]))).toEqual({ widthNs: 2e7, count: 151 });
  });

  it('sums output tokens per bucket into tokens/s, and smooths over five buckets', () => {
    // 9.9 s run -> 50 ms buckets (10 s would need 201); three completions: 100 tokens at 0.01 s, 50 at 0.02 s, 30 at 0.06 s.
    const c = table([{ issued: 0, done: 0.01, osl: 100 }, { issued: 0, done: 0.02, osl: 50 }, { issued: 0, done: 0.06, osl: 30 }, { issued: 0, done: 9.9 }]);
    const b = buckets(c);
    expect(b.widthNs).toBe(5e7);
    const { tokens, requests } = throughputRows(c, b);
    const raw = tokens.filter((r) => r.series === 'per bucket');
    expect(raw[0]).toEqual({ t: 0, series: 'per bucket', y: 150 / 0.05 });
    expect(raw[1]!.y).toBe(30 / 0.05);
    // Bucket 0's centred window holds buckets 0..2: (150 + 30 + 0) / 3 per 0.05 s.
    expect(tokens.find((r) => r.series !== 'per bucket' && r.t === 0)!.y).toBeCloseTo(180 / 3 / 0.05, 9);
    expect(requests.filter((r) => r.series === 'per bucket')[0]!.y).toBe(2 / 0.05);
  });

  it('counts requests in flight at each bucket end, and failures where they completed', () => {
    const c = table([{ issued: 0, done: 2 }, { issued: 0.5, done: 1.5, failed: true }, { issued: 1, done: null }, { issued: 9.99, done: 9.999 }]);
    const b = buckets(c); // 10 s -> 50 ms buckets
    const { concurrency, errors } = loadRows(c, b);
    const at = (s: number) => concurrency.find((r) => r.series === 'in flight' && Math.abs(r.t - s) < 1e-9)!.y;
    expect(at(0)).toBe(1);
    expect(at(1)).toBe(3);
    expect(at(1.5)).toBe(2);
    expect(at(2)).toBe(1); // the one never completed stays
    expect(errors.filter((e) => e.failed > 0)).toEqual([{ t: 1.5, failed: 1 }]);
  });

  it('takes numpy "lower" p50/p90/p99 of each bucket', () => {
    // Ten TTFTs of 1..10 ms in the first 1 s bucket of a 100 s run: lower p50 = sorted[4] = 5, p90 = sorted[8] = 9, p99 = sorted[8] = 9.
    const rows = Array.from({ length: 10 }, (_, k) => ({ issued: 0, first: 0.1 * k, ttftMs: 10 - k, done: 100 }));
    const c = table(rows);
    const b = buckets(c);
    expect(b.widthNs).toBe(1e9);
    const got = percentileRows(c, b, (i) => c.firstChunkNs[i]!, (i) => c.ttftNs[i]!);
    expect(got).toEqual([{ t: 0, series: 'p50', y: 5 }, { t: 0, series: 'p90', y: 9 }, { t: 0, series: 'p99', y: 9 }]);
  });

  it('samples at most 500 lanes evenly by issue order, the same ones every time', () => {
    const rows = Array.from({ length: 1999 }, (_, k) => ({ issued: (1999 - k) / 10, first: (1999 - k) / 10 + 0.5, done: (1999 - k) / 10 + 1 }));
    const { lanes, total } = laneRows(table(rows));
    expect(total).toBe(1999);
    expect(lanes).toHaveLength(500);
    // By issue order the k-th lane is the floor(k * 1999 / 500)-th earliest, i.e. row 1998 - that.
    expect(lanes.slice(0, 3).map((l) => l.row)).toEqual([1998, 1998 - 3, 1998 - 7]);
    expect(laneRows(table(rows)).lanes).toEqual(lanes);
  });

  it('shades the warm-up, each tracking block and the steady-state samples\' span', () => {
    const c = table([
      { issued: 0, done: 1, tracked: false },
      { issued: 2, done: 3, block: 0 },
      { issued: 3, done: 6, block: 0 },
      { issued: 4, done: 5, block: 0 },
      { issued: 10, done: 12, block: 1 },
      { issued: 11, done: 13, block: 1 },
    ]);
    // Super-passes of 2 tracked samples by issue order, after 1 warm-up super-pass: window [0, 1) = samples 3rd and 4th by issue.
    expect(regions(c, { superpassSize: 2, warmup: 1, spLo: 0, spHi: 1 })).toEqual([
      { kind: 'warm-up', start: 0, end: 2 },
      { kind: 'tracking block 0', start: 2, end: 6 },
      { kind: 'tracking block 1', start: 10, end: 13 },
      { kind: 'steady state', start: 4, end: 12 },
    ]);
  });
});
