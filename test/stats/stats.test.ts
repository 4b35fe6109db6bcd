// Statistics with numpy's and Python's rules. Expected values were produced by
// numpy 2.4 / CPython 3.11 running the reference's own formulas (registry.py
// _log_spaced_edges, np.percentile(method="lower"), np.histogram over clipped
// values; report.py std-dev; repr(float)).
import { describe, expect, it } from 'vitest';
import { parsePyJson, toPyJson } from '../../src/py/json.js';
import { pyFloat } from '../../src/py/float.js';
import { ratioToDouble } from '../../src/stats/exact.js';
import { PERCENTILE_GRID, histogramCounts, logSpacedEdges, percentileLower } from '../../src/stats/percentiles.js';
import { FloatSeries, IntSeries, summarizeSeries, type SeriesSummary } from '../../src/stats/series.js';

const NUMPY: Record<string, { values: number[]; p: number[]; counts: number[]; e0: number; e30: number }> = {
  one: { values: [42], p: Array(12).fill(42), counts: [1, ...Array(29).fill(0)], e0: 42.00000000000001, e30: 419.99999999999994 },
  equal: { values: [7, 7, 7, 7], p: Array(12).fill(7), counts: [4, ...Array(29).fill(0)], e0: 6.999999999999999, e30: 70.00000000000003 },
  below1: { values: [0, 0, 1, 2, -3], p: [1, 1, 1, 1, 1, 1, 1, 0, 0, -3, -3, -3], counts: [4, 0, 0, 0, 0, 0, 0, 0, 0, 1, ...Array(20).fill(0)], e0: 1.0, e30: 10.000000000000002 },
  mixed: {
    values: [5, 1, 9, 120, 33, 33, 2, 1000, 47, 8, 15],
    p: [120, 120, 120, 120, 120, 47, 33, 15, 5, 2, 1, 1],
    counts: [1, 0, 0, 1, 0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    e0: 1.0,
    e30: 999.9999999999998,
  },
};

describe.each(Object.entries(NUMPY))('percentiles and histogram: %s', (_name, c) => {
  const sorted = Float64Array.from(c.values).sort();
  it('matches numpy percentile(method="lower")', () => {
    expect(PERCENTILE_GRID.map(([, p]) => percentileLower(sorted, p))).toEqual(c.p);
  });
  it('matches numpy histogram over the clipped log-spaced edges', () => {
    const edges = logSpacedEdges(sorted[0]!, sorted[sorted.length - 1]!, 30);
    expect(edges[0]).toBeCloseTo(c.e0, 12);
    expect(edges[30]! / c.e30).toBeCloseTo(1, 12);
    const counts = histogramCounts(sorted, edges);
    expect(counts).toEqual(c.counts);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(c.values.length);
  });
});

describe('series summary', () => {
  it('integer series: exact totals, Python avg and std-dev', () => {
    const s = new IntSeries();
    for (const v of NUMPY['mixed']!.values) s.record(BigInt(v));
    const sum = summarizeSeries(s, false) as SeriesSummary;
    expect(sum.total).toBe(1273n);
    expect(sum.min).toBe(1n);
    expect(sum.max).toBe(1000n);
    expect(sum.avg).toBe(115.72727272727273);
    expect(sum.std_dev).toBe(295.27380205805287);
    expect(sum.median).toBe(15);
    expect(Object.keys(sum)).toEqual(['total', 'min', 'max', 'median', 'avg', 'std_dev', 'percentiles', 'histogram']);
  });

  it('n = 1 has std-dev 0; an empty series is {} or its all-null early-stopping map', () => {
    const one = new FloatSeries();
    one.record(2.5);
    expect((summarizeSeries(one, false) as SeriesSummary).std_dev).toBe(0);
    expect(summarizeSeries(new IntSeries(), false)).toEqual({});
    const es = summarizeSeries(new IntSeries(), true) as { early_stopping_percentiles: Record<string, null> };
    expect(Object.keys(es.early_stopping_percentiles)).toEqual(['99.9', '99.0', '97.0', '95.0', '90.0', '80.0', '75.0', '50.0']);
    expect(Object.values(es.early_stopping_percentiles).every((v) => v === null)).toBe(true);
  });

  it('places early_stopping_percentiles right after percentiles', () => {
    const s = new IntSeries();
    for (let i = 1; i <= 1000; i++) s.record(BigInt(i));
    expect(Object.keys(summarizeSeries(s, true))).toEqual(['total', 'min', 'max', 'median', 'avg', 'std_dev', 'percentiles', 'early_stopping_percentiles', 'histogram']);
  });
});

describe('exact arithmetic and Python number text', () => {
  it('divides big integers with one correct rounding, like Python int / int', () => {
    expect(ratioToDouble(10n ** 30n + 7n, 3n)).toBe(3.333333333333333e29);
    expect(ratioToDouble(2n ** 62n + 12345n, 7n)).toBe(6.588122883467715e17);
    expect(ratioToDouble(-(10n ** 20n + 1n), 3n)).toBe(-3.333333333333333e19);
    expect(ratioToDouble(3n ** 40n, 10n ** 9n + 7n)).toBe(12157665373.953272);
  });

  it('writes floats as Python repr does', () => {
    const cases: Array<[number, string]> = [
      [1e16, '1e+16'], [1e-5, '1e-05'], [0.0001, '0.0001'], [123, '123.0'], [-0, '-0.0'], [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'], [0.1 + 0.2, '0.30000000000000004'], [178003701, '178003701.0'],
      [1e21, '1e+21'], [123456789012345.6, '123456789012345.6'],
    ];
    for (const [x, text] of cases) expect(pyFloat(x)).toBe(text);
  });

  it('lays JSON out like msgspec format(indent=2) and reads it back with its types', () => {
    const text = toPyJson({ a: 1n, b: 2.0, c: [], d: {}, e: [1n, 0.5], f: null, g: 'é' });
    expect(text).toBe('{\n  "a": 1,\n  "b": 2.0,\n  "c": [],\n  "d": {},\n  "e": [\n    1,\n    0.5\n  ],\n  "f": null,\n  "g": "é"\n}');
    expect(parsePyJson(text)).toEqual({ a: 1n, b: 2, c: [], d: {}, e: [1n, 0.5], f: null, g: 'é' });
    expect(parsePyJson('{"big": 9300000418826051123}')).toEqual({ big: 9300000418826051123n });
  });
});
