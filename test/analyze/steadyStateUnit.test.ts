// Every case of the reference script's own unit tests
// (endpoints tests/unit/scripts/test_steady_state_diagnostics.py), ported with
// their expected values. The file-based cases write the same events.jsonl lines
// and read them through replay's adapter; the fake tokenizer is theirs
// (token count = whitespace word count).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSteadyState, runDiagnostics } from '../../src/analyze/steadyState/diagnostics.js';
import { batchMeansCi, detectLevelShift, perUserTps, pettitt, systemTps } from '../../src/analyze/steadyState/estimate.js';
import { steadyInputFromLog, textAfterFirstChunk } from '../../src/analyze/steadyState/fromEvents.js';
import { covPassRow, rollingWindows, segmentPlateaus, windowAdmissible } from '../../src/analyze/steadyState/plateau.js';
import { renderText } from '../../src/analyze/steadyState/render.js';
import {
  buildSuperPassSeries,
  cov,
  emptyRollup,
  histogram,
  percentileLower,
  pooled,
  pooledOutTokens,
  summarize,
  windowElapsedNs,
  type SuperPassRollup,
} from '../../src/analyze/steadyState/series.js';
import { mannKendall, mannKendallHamedRao, neweyWest, slopeVsScatter, theilSen } from '../../src/analyze/steadyState/trend.js';
import { Chunks, type EventData } from '../../src/model/events.js';
import type { Json } from '../../src/model/json.js';

const ev = (eventType: string, ts: number, uuid = '', data: Json = null): string => JSON.stringify({ event_type: eventType, timestamp_ns: ts, sample_uuid: uuid, data });

/** Their fake tokenizer: token count == whitespace word count (Python's str.split()). */
const words = async (texts: string[]): Promise<number[]> => texts.map((t) => t.split(/\s+/).filter((w) => w !== '').length);

function writeEvents(lines: string[]): string {
  const path = join(mkdtempSync(join(tmpdir(), 'steady-unit-')), 'events.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function seriesOf(path: string, superpassSize: number): Promise<SuperPassRollup[]> {
  return buildSuperPassSeries((await steadyInputFromLog(path, words)).input, superpassSize);
}

const sortedNums = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

/** The decoded form of the script's raw TextModelOutput arrays. */
const output = (out: string | string[], reasoning: string | string[] | null = null): EventData => ({
  tag: 'TextModelOutput',
  output: typeof out === 'string' ? out : Chunks.of(out),
  reasoning: reasoning === null || typeof reasoning === 'string' ? reasoning : Chunks.of(reasoning),
  toolCalls: null,
});

describe('text_after_first_chunk', () => {
  it('streaming output drops the first chunk', () => {
    expect(textAfterFirstChunk(output(['hello ', 'world ', 'again']))).toBe('world again');
  });
  it('reasoning first keeps all output', () => {
    expect(textAfterFirstChunk(output(['out1 ', 'out2'], ['think1 ', 'think2 ']))).toBe('think2 out1 out2');
  });
  it('non-streaming str has no first chunk', () => {
    expect(textAfterFirstChunk(output('the whole answer'))).toBe('');
  });
  it('empty reasoning: str output is the first chunk', () => {
    expect(textAfterFirstChunk(output('the whole answer', []))).toBe('');
  });
});

describe('super-pass series construction', () => {
  it('buckets by issue order', async () => {
    const path = writeEvents([
      ev('session.start_performance_tracking', 0),
      ev('sample.issued', 1000, 'A'),
      ev('sample.issued', 1100, 'B'),
      ev('sample.recv_first', 1300, 'B'),
      ev('sample.recv_first', 1500, 'A'),
      ev('sample.complete', 2100, 'B', ['TextModelOutput', ['x ', 'y y y']]),
      ev('sample.complete', 3000, 'A', ['TextModelOutput', ['a ', 'b b']]),
      ev('sample.issued', 1200, 'C'),
      ev('sample.recv_first', 1400, 'C'),
      ev('sample.complete', 2000, 'C', ['TextModelOutput', ['p ', 'q']]),
      ev('session.stop_performance_tracking', 4000),
    ]);
    const series = await seriesOf(path, 2);
    expect(series).toHaveLength(2);
    const [sp0, sp1] = series as [SuperPassRollup, SuperPassRollup];
    expect(sp0.nIssued).toBe(2);
    expect(sortedNums(sp0.ttftNs)).toEqual([200.0, 500.0]);
    // A: "b b" 2 tokens over 1500 -> 750; B: "y y y" 3 over 800 -> 266.66...
    expect(sortedNums(sp0.tpotNs).map((v) => Math.round(v * 100) / 100)).toEqual([266.67, 750.0]);
    expect(sp0.outTokens).toBe(5);
    expect(sp1.nIssued).toBe(1);
    expect(sp1.ttftNs).toEqual([200.0]);
  });

  it('ignores events outside tracking', async () => {
    const path = writeEvents([
      ev('sample.issued', 500, 'PRE'),
      ev('session.start_performance_tracking', 900),
      ev('sample.issued', 1000, 'A'),
      ev('sample.recv_first', 1500, 'A'),
      ev('sample.complete', 3000, 'A', ['TextModelOutput', ['a ', 'b']]),
      ev('session.stop_performance_tracking', 4000),
    ]);
    const series = await seriesOf(path, 4);
    expect(series).toHaveLength(1);
    expect(series[0]!.nIssued).toBe(1);
  });

  it('a retried sample counts its TTFT once', async () => {
    const path = writeEvents([
      ev('session.start_performance_tracking', 0),
      ev('sample.issued', 1000, 'A'),
      ev('sample.recv_first', 1500, 'A'),
      ev('sample.issued', 2000, 'A'),
      ev('sample.recv_first', 2600, 'A'),
      ev('sample.complete', 4000, 'A', ['TextModelOutput', ['a ', 'b b']]),
      ev('session.stop_performance_tracking', 5000),
    ]);
    expect((await seriesOf(path, 4))[0]!.ttftNs).toEqual([500.0]);
  });

  it('skips a valid JSON line missing its timestamp', async () => {
    const path = writeEvents([
      ev('session.start_performance_tracking', 0),
      JSON.stringify({ event_type: 'sample.issued', sample_uuid: 'BAD' }),
      ev('sample.issued', 1000, 'A'),
      ev('sample.recv_first', 1500, 'A'),
      ev('sample.complete', 3000, 'A', ['TextModelOutput', ['a ', 'b']]),
      ev('session.stop_performance_tracking', 4000),
    ]);
    const series = await seriesOf(path, 4);
    expect(series.reduce((n, sp) => n + sp.nIssued, 0)).toBe(1);
  });

  it('tracks timestamps', async () => {
    const path = writeEvents([
      ev('session.start_performance_tracking', 0),
      ev('sample.issued', 1000, 'A'),
      ev('sample.recv_first', 1500, 'A'),
      ev('sample.complete', 3000, 'A', ['TextModelOutput', ['a ', 'b b']]),
      ev('sample.issued', 1100, 'B'),
      ev('sample.recv_first', 1400, 'B'),
      ev('sample.complete', 2500, 'B', ['TextModelOutput', ['c ', 'd']]),
      ev('session.stop_performance_tracking', 4000),
    ]);
    const series = await seriesOf(path, 4);
    expect(series[0]!.firstIssueNs).toBe(1000n);
    expect(series[0]!.lastEventNs).toBe(3000n);
  });

  it('window elapsed and pooling', async () => {
    const path = writeEvents([
      ev('session.start_performance_tracking', 0),
      ev('sample.issued', 1000, 'A'),
      ev('sample.recv_first', 1500, 'A'),
      ev('sample.complete', 3000, 'A', ['TextModelOutput', ['a ', 'b b']]),
      ev('sample.issued', 11000, 'B'),
      ev('sample.recv_first', 11500, 'B'),
      ev('sample.complete', 13000, 'B', ['TextModelOutput', ['c ', 'd d d']]),
      ev('session.stop_performance_tracking', 20000),
    ]);
    const series = await seriesOf(path, 1);
    expect(series).toHaveLength(2);
    expect(sortedNums(pooled(series, 0, 2, 'ttftNs'))).toEqual([500.0, 500.0]);
    expect(pooledOutTokens(series, 0, 2)).toBe(5);
    expect(windowElapsedNs(series, 0, 2)).toBe(12000n);
  });
});

describe('small numeric helpers', () => {
  it('percentile is nearest-rank-lower', () => {
    const s = [1.0, 2.0, 3.0, 4.0];
    expect(percentileLower(s, 0.5)).toBe(2.0);
    expect(percentileLower(s, 0.0)).toBe(1.0);
    expect(percentileLower(s, 0.99)).toBe(3.0); // int(0.99 * 3) == 2
    expect(percentileLower(s, 1.0)).toBe(4.0);
  });
  it('CoV of a flat series is zero', () => expect(cov([5.0, 5.0, 5.0])).toBe(0.0));
  it('CoV of a varied series is positive', () => expect(cov([1.0, 2.0, 3.0])).toBeGreaterThan(0.0));
  it('histogram bins sum to the count', () => {
    const vals = [1.0, 2.0, 2.0, 3.0, 5.0, 8.0, 13.0];
    const hist = histogram(vals, 4);
    expect(hist.reduce((n, b) => n + b.count, 0)).toBe(vals.length);
    expect(hist[0]!.lo).toBe(1.0);
    expect(hist[hist.length - 1]!.hi).toBe(13.0);
  });
  it('histogram of a single value', () => {
    expect(histogram([5.0, 5.0, 5.0], 4).reduce((n, b) => n + b.count, 0)).toBe(3);
  });
  it('summarize reports stats and a histogram', () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s.count).toBe(100);
    expect(s.mean).toBe(50.5);
    expect(s.p50).toBe(50.0);
    expect(s.p99).toBe(99.0);
    expect(s.histogram.reduce((n, b) => n + b.count, 0)).toBe(100);
  });
  it('batch-means CI of equal batches is a point', () => {
    expect(batchMeansCi([10.0, 10.0, 10.0, 10.0])).toEqual([10.0, 10.0]);
  });
  it('batch-means CI brackets the mean', () => {
    const [lo, hi] = batchMeansCi([8.0, 10.0, 12.0, 10.0]);
    expect(lo).toBeLessThan(10.0);
    expect(hi).toBeGreaterThan(10.0);
  });
  it('Pettitt detects a level shift', () => {
    const res = pettitt([...Array<number>(8).fill(0.0), ...Array<number>(8).fill(10.0)]);
    expect(res.significant).toBe(true);
    expect(res.changePoint).toBe(8);
  });
  it('Pettitt finds no change in a flat series', () => {
    expect(pettitt(Array<number>(16).fill(5.0)).significant).toBe(false);
  });
  it('TPS formulas', () => {
    expect(perUserTps(2_000_000.0)).toBe(500.0);
    expect(systemTps(5000, 10_000_000_000n)).toBe(500.0);
  });
});

describe('trend algorithms', () => {
  const STRONG_UP = Array.from({ length: 12 }, (_, i) => i);
  const STRONG_DOWN = Array.from({ length: 12 }, (_, i) => 11 - i);
  const FLAT = Array<number>(12).fill(5.0);

  it('Mann-Kendall: up, down, flat', () => {
    expect(mannKendall(STRONG_UP).verdict).toBe('up');
    expect(mannKendall(STRONG_DOWN).verdict).toBe('down');
    expect(mannKendall(FLAT).verdict).toBe('steady');
  });
  it('Hamed-Rao inflates the variance vs plain MK', () => {
    const plain = mannKendall(STRONG_UP);
    const corrected = mannKendallHamedRao(STRONG_UP);
    expect(corrected.variance).toBeGreaterThanOrEqual(plain.variance);
    expect(corrected.verdict).toBe('up');
  });
  it('Hamed-Rao does not fabricate a trend on an oscillation', () => {
    const saw = [0.0, 20.0, 2.0, 22.0, 4.0, 24.0, 6.0, 26.0, 8.0, 28.0, 10.0, 30.0];
    const plain = mannKendall(saw);
    const hr = mannKendallHamedRao(saw);
    expect(plain.verdict).toBe('up');
    expect(hr.verdict).toBe('steady');
    expect(hr.variance).toBeGreaterThanOrEqual(plain.variance);
  });
  it('Theil-Sen recovers an exact slope; flat is steady', () => {
    expect(theilSen([0.0, 2.0, 4.0, 6.0, 8.0]).slope).toBe(2.0);
    expect(theilSen(FLAT).verdict).toBe('steady');
  });
  it('Newey-West detects a trend and a flat series', () => {
    expect(neweyWest(STRONG_UP).verdict).toBe('up');
    expect(neweyWest(FLAT).verdict).toBe('steady');
  });
  it('slope-vs-scatter matches the reference formula', () => {
    expect(slopeVsScatter(STRONG_UP).verdict).toBe('up');
    expect(slopeVsScatter(STRONG_DOWN).verdict).toBe('down');
    expect(slopeVsScatter(FLAT).verdict).toBe('steady');
  });
  it('insufficient below the minimum n', () => {
    for (const fn of [mannKendall, theilSen, neweyWest, slopeVsScatter] as ((v: number[]) => { verdict: string })[]) {
      expect(fn([1.0, 2.0, 3.0]).verdict).toBe('insufficient');
    }
  });
});

describe('rolling scan and CoV table', () => {
  it('rolling windows enumerate every position', () => {
    expect(rollingWindows(6, 4)).toEqual([
      [0, 4],
      [1, 5],
      [2, 6],
    ]);
  });
  it('CoV row pass/fail against bounds', () => {
    expect(covPassRow([3.0, 3.0, 3.0, 3.0], [0.03, 0.05, 0.08])).toEqual([
      [0.03, true],
      [0.05, true],
      [0.08, true],
    ]);
    const row = new Map(covPassRow([3.0, 3.2, 2.9, 3.15], [0.03, 0.5]));
    expect(row.get(0.03)).toBe(false);
    expect(row.get(0.5)).toBe(true);
  });
  it('a window too short for CoV is inconclusive', () => {
    expect(covPassRow([3.0], [0.03, 0.05])).toEqual([
      [0.03, null],
      [0.05, null],
    ]);
  });
});

/** One sample per super-pass (superpass size 1), n super-passes. */
function syntheticEvents(n: number, ttftNs: (i: number) => number): string {
  const lines = [ev('session.start_performance_tracking', 0)];
  let t = 1000;
  for (let i = 0; i < n; i++) {
    const uuid = `s${i}`;
    const recv = t + Math.trunc(ttftNs(i));
    lines.push(ev('sample.issued', t, uuid), ev('sample.recv_first', recv, uuid), ev('sample.complete', recv + 1000, uuid, ['TextModelOutput', ['a ', 'b b']]));
    t += 10_000;
  }
  lines.push(ev('session.stop_performance_tracking', t));
  return writeEvents(lines);
}

async function runOn(path: string, options: { superpassSize: number; windowSizes?: number[]; warmup?: number }) {
  return runDiagnostics((await steadyInputFromLog(path, words)).input, options);
}

describe('run() and render_text() contract', () => {
  it('result structure', async () => {
    const result = await runOn(syntheticEvents(8, (i) => 100 + 20 * i), { superpassSize: 1, windowSizes: [4], warmup: 1 });
    expect(result.nSuperPasses).toBe(8);
    expect(result.nPostWarmup).toBe(7);
    expect(result.trajectories.has('ttft_p50')).toBe(true);
    const rolling = result.drift.get('4')!.get('ttft_p50')!.rolling;
    expect(rolling.map((r) => r.window)).toEqual([
      [0, 4],
      [1, 5],
      [2, 6],
      [3, 7],
    ]);
    const cell = result.cov.get('4')!.get('ttft_p50')!;
    expect(cell.gated).toBe(true);
    expect(new Set(cell.passes.keys())).toEqual(new Set(['0.03', '0.05', '0.08']));
    expect(result.cov.get('4')!.get('ttft_p99')!.gated).toBe(false);
  });
  it('rejects a negative warm-up', async () => {
    await expect(runOn(syntheticEvents(6, () => 100.0), { superpassSize: 1, warmup: -1 })).rejects.toThrow(/warmup must be >= 0/);
  });
  it('has a steady_state block', async () => {
    const result = await runOn(syntheticEvents(8, () => 100.0), { superpassSize: 1, windowSizes: [4], warmup: 1 });
    expect(result.steadyState).toBeDefined();
    expect(result.steadyState.anomaly).toBeDefined();
  });
  it('render_text has its section headers', async () => {
    const result = await runOn(syntheticEvents(8, (i) => 100 + 20 * i), { superpassSize: 1, windowSizes: [4], warmup: 1 });
    const text = renderText(result, [0.03, 0.05, 0.08]);
    for (const s of ['window size 4', 'CoV steadiness', 'drift (whole-run', 'ttft_p50']) expect(text).toContain(s);
  });
});

/** Their _mk_series: `levels` = (tpot, ttft) per super-pass, `samples` copies each. */
function mkSeries(levels: [number, number][], samples = 40): SuperPassRollup[] {
  return levels.map(([tp, tt], i) => ({
    ...emptyRollup(i),
    tpotNs: Array<number>(samples).fill(tp),
    ttftNs: Array<number>(samples).fill(tt),
    outTokens: samples * 10,
    nIssued: samples,
    firstIssueNs: BigInt(i * 1000),
    lastEventNs: BigInt(i * 1000 + 900),
  }));
}

const repeat = (level: [number, number], n: number): [number, number][] => Array.from({ length: n }, () => level);
const GATE = 'mk_hamed_rao';
const BOUNDS = [0.03, 0.05, 0.08];

describe('steady-window selection', () => {
  it('a flat window is admissible, one spanning a jump is not', () => {
    const series = mkSeries([...repeat([100, 50], 4), ...repeat([200, 60], 4)]);
    expect(windowAdmissible(series, 0, 4, GATE, BOUNDS)).toBe(true);
    expect(windowAdmissible(series, 2, 6, GATE, BOUNDS)).toBe(false);
  });
  it('segmentation splits a staircase', () => {
    expect(segmentPlateaus(mkSeries([...repeat([100, 50], 6), ...repeat([200, 60], 6)]), GATE, BOUNDS)).toEqual([
      [0, 6],
      [6, 12],
    ]);
  });
  it('a single flat run is one plateau', () => {
    expect(segmentPlateaus(mkSeries(repeat([100, 50], 8)), GATE, BOUNDS)).toEqual([[0, 8]]);
  });
  it('the level shift of a staircase is flagged', () => {
    const series = mkSeries([...repeat([100, 50], 6), ...repeat([200, 60], 6)]);
    const shift = detectLevelShift(series, segmentPlateaus(series, GATE, BOUNDS));
    expect(shift.detected).toBe(true);
    expect(shift.changePointSp).toBe(6);
    expect(shift.deltaPct).toBeGreaterThan(0);
  });
  it('no level shift on a single plateau', () => {
    const series = mkSeries(repeat([100, 50], 8));
    expect(detectLevelShift(series, segmentPlateaus(series, GATE, BOUNDS)).detected).toBe(false);
  });
  it('reports the first plateau and the anomaly', () => {
    const ss = buildSteadyState(mkSeries([...repeat([100, 50], 6), ...repeat([200, 60], 6)]), GATE, BOUNDS);
    expect(ss.found).toBe(true);
    expect([ss.window!.spLo, ss.window!.spHi]).toEqual([0, 6]);
    expect(ss.tps!.perUser).toBeGreaterThan(0);
    expect(ss.tps!.system).toBeGreaterThan(0);
    expect(ss.ttft!.count).toBe(6 * 40);
    expect(ss.anomaly.detected).toBe(true);
  });
  it('flags a global drift after the first plateau', () => {
    const ss = buildSteadyState(mkSeries([...repeat([100, 50], 6), ...Array.from({ length: 7 }, (_, i): [number, number] => [100 + 25 * (i + 1), 50])]), GATE, BOUNDS);
    expect(ss.found).toBe(true);
    expect([ss.window!.spLo, ss.window!.spHi]).toEqual([0, 6]);
    expect(ss.anomaly.detected).toBe(false);
    expect(ss.driftingUp).toContain('tpot_p50');
    expect(ss.driftingUp).not.toContain('ttft_p50');
  });
  it('no global drift on a flat run', () => {
    expect(buildSteadyState(mkSeries(repeat([100, 50], 8)), GATE, BOUNDS).driftingUp).toEqual([]);
  });
  it('none when the run never settles', () => {
    expect(buildSteadyState(mkSeries(Array.from({ length: 8 }, (_, i): [number, number] => [100 + 20 * i, 50])), GATE, BOUNDS).found).toBe(false);
  });
});
