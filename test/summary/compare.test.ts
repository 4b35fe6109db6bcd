// The pure parts of replay compare, on hand-built inputs with hand-computed
// answers: load order, Pareto frontier, better/worse, changes against a
// baseline, the sweep points.
import { describe, expect, it } from 'vitest';
import { compareSummaries, loadLabel, loadOrder, paretoFrontier, sweepPoints, verdictOf, type CompareRun, type LoadSetting } from '../../src/summary/compare.js';

const c = (n: number): LoadSetting => ({ pattern: 'concurrency', concurrency: n, qps: null });
const q = (n: number): LoadSetting => ({ pattern: 'poisson', concurrency: null, qps: n });

describe('load order', () => {
  it('concurrency ascending, then QPS ascending, then unknown loads; ties keep input order', () => {
    const loads = [c(16), q(5), null, c(2), q(1.5), c(16), { pattern: 'max_throughput', concurrency: null, qps: null }];
    expect(loadOrder(loads)).toEqual([3, 0, 5, 4, 1, 2, 6]);
    expect(loadOrder([null, null])).toEqual([0, 1]);
  });
  it('labels a point by its load', () => {
    expect([loadLabel(c(8)), loadLabel(q(2.5)), loadLabel({ pattern: 'max_throughput', concurrency: null, qps: null }), loadLabel(null)]).toEqual(['c=8', '2.5 QPS', 'max_throughput', null]);
  });
});

describe('Pareto frontier (both better higher)', () => {
  it('keeps the points no other point beats in both', () => {
    const pts = [
      { x: 100, y: 50 }, // A: nothing has x >= 100 and y >= 50 but itself
      { x: 200, y: 40 }, // B
      { x: 150, y: 30 }, // C: B is better in both
      { x: 200, y: 40 }, // D: equal to B, so neither dominates the other
      { x: 50, y: 50 }, // E: A has the same y and more x
      { x: 300, y: 10 }, // F: the most x
    ];
    expect(paretoFrontier(pts)).toEqual([true, true, false, true, false, true]);
    expect(paretoFrontier([])).toEqual([]);
    expect(paretoFrontier([{ x: 1, y: 1 }])).toEqual([true]);
  });
});

describe('better or worse', () => {
  it('follows the direction of goodness, equal within a relative 1e-9', () => {
    expect(verdictOf(110, 100, 'higher')).toBe('better');
    expect(verdictOf(110, 100, 'lower')).toBe('worse');
    expect(verdictOf(90, 100, 'lower')).toBe('better');
    expect(verdictOf(90, 100, 'higher')).toBe('worse');
    expect(verdictOf(100, 100, 'lower')).toBe('same');
    expect(verdictOf(100 + 1e-8, 100, 'lower')).toBe('same');
    expect(verdictOf(100 + 1e-6, 100, 'lower')).toBe('worse');
    expect(verdictOf(0, 0, 'higher')).toBe('same');
  });
});

const fast = { n_samples_issued: 10, n_samples_completed: 10, n_samples_failed: 0, duration_ns: 2e9, qps: 5, tps: 100, ttft: { median: 2e6, percentiles: { '99.0': 4e6 } }, tpot: { median: 20e6, percentiles: { '99.0': 25e6 } } };
const slow = { n_samples_issued: 10, n_samples_completed: 8, n_samples_failed: 2, duration_ns: 4e9, qps: 2, tps: 50, ttft: { median: 1e6, percentiles: { '99.0': 3e6 } }, tpot: { median: 40e6, percentiles: { '99.0': 80e6 } } };

describe('changes against the baseline', () => {
  it('against the second run: change = (v - base) / |base|, verdict by direction, none for the baseline', () => {
    const rows = Object.fromEntries(compareSummaries([fast, slow], 1).map((r) => [r.metric, r]));
    expect(rows['samples completed']).toMatchObject({ values: [10, 8], change: [0.25, null], verdict: ['better', null], better: 'higher' });
    expect(rows['samples failed']).toMatchObject({ values: [0, 2], change: [-1, null], verdict: ['better', null], better: 'lower' });
    expect(rows['duration']).toMatchObject({ values: [2, 4], change: [-0.5, null], verdict: [null, null], better: null });
    expect(rows['QPS']).toMatchObject({ values: [5, 2], change: [1.5, null], verdict: ['better', null] });
    expect(rows['ttft median']).toMatchObject({ values: [2, 1], change: [1, null], verdict: ['worse', null], unit: 'ms' });
    expect(rows['tpot p99']).toMatchObject({ values: [25, 80], change: [-0.6875, null], verdict: ['better', null] });
    // Absent from both summaries: no values, no change, no verdict.
    expect(rows['latency median']).toMatchObject({ values: [null, null], change: [null, null], verdict: [null, null] });
  });
  it('a change from zero has no percentage but still a direction', () => {
    const failed = compareSummaries([fast, slow], 0).find((r) => r.metric === 'samples failed')!;
    expect(failed).toMatchObject({ values: [0, 2], change: [null, null], verdict: [null, 'worse'] });
  });
});

describe('sweep points', () => {
  const run = (label: string, load: LoadSetting | null, complete: boolean): CompareRun => ({ input: label, inputIndex: 0, file: label, origin: 'file', label, model: null, load, complete, problems: complete ? [] : ['complete: false'] });
  it('ms from ns, tokens/s per user = 1e9 / median TPOT (ns), frontier over (tps, per user)', () => {
    const third = { ...slow, tps: 120, tpot: { median: 25e6, percentiles: { '99.0': 30e6 } } };
    const pts = sweepPoints([run('a', c(1), true), run('b', c(8), false), run('c', c(4), true)], [fast, slow, third]);
    expect(pts.map((p) => [p.load, p.tps, p.ttftP50, p.ttftP99, p.tpotP50, p.tpotP99, p.perUser, p.complete])).toEqual([
      ['c=1', 100, 2, 4, 20, 25, 50, true],
      ['c=8', 50, 1, 3, 40, 80, 25, false],
      ['c=4', 120, 1, 3, 25, 30, 40, true],
    ]);
    // (100, 50) and (120, 40) are each better in one; (50, 25) is beaten by both.
    expect(pts.map((p) => p.frontier)).toEqual([true, false, true]);
  });
  it('a run without TPOT (not streamed) has no per-user rate and is not on the frontier', () => {
    const { tpot: _tpot, ...noTpot } = fast;
    const pts = sweepPoints([run('a', null, true), run('b', null, true)], [noTpot, slow]);
    expect(pts.map((p) => [p.perUser, p.frontier])).toEqual([[null, null], [25, true]]);
  });
});
