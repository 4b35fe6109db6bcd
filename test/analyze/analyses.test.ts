// The adapter from the sample table (against the CLI's samples.arrow) and the
// files commands/analyses.ts returns for the analysis flags.
import { beforeAll, describe, expect, it } from 'vitest';
import { analysesFiles, parseWallClock } from '../../src/commands/analyses.js';
import { ReplayError } from '../../src/base/errors.js';
import { goldenRun, type GoldenRun } from './goldenRun.js';

describe('requestsFromSampleTable on golden case warmup-accuracy-2blocks', () => {
  let run: GoldenRun;
  beforeAll(async () => {
    run = await goldenRun('warmup-accuracy-2blocks');
  }, 120_000);

  it('keeps the tracked samples, in table order, with the values samples.arrow holds', () => {
    const tracked = run.rows.filter((r) => r.tracked);
    expect(run.rows.length).toBeGreaterThan(tracked.length); // warmup and accuracy samples are left out
    const r = run.requests;
    expect(r.n).toBe(tracked.length);
    const asArrow = (x: number): number | null => (x === x ? x : null);
    const asCount = (x: number): number | null => (x >= 0 ? x : null);
    tracked.forEach((row, i) => {
      expect([asArrow(r.firstChunkNs[i]!), asArrow(r.completeNs[i]!), asArrow(r.ttftNs[i]!), asArrow(r.latencyNs[i]!), asArrow(r.tpotNs[i]!)]).toEqual([
        row.firstChunkNs,
        row.completeNs,
        row.ttftNs,
        row.latencyNs,
        row.tpotNs,
      ]);
      expect([asCount(r.isl[i]!), asCount(r.osl[i]!), asCount(r.tokensAfterFirst[i]!), r.failed[i] === 1]).toEqual([row.isl, row.osl, row.tokensAfterFirst, row.errorType !== null]);
    });
    expect(r.inexactTimes).toBe(0);
  });
});

describe('analysesFiles', () => {
  let run: GoldenRun;
  beforeAll(async () => {
    run = await goldenRun('tiny-streaming');
  }, 120_000);
  const input = (flags: Parameters<typeof analysesFiles>[0]['flags'], modelName: string | null = 'meta-llama/Llama-2-70b-chat-hf') => ({
    aggregator: run.recomputed.aggregator,
    summary: run.recomputed.summary,
    flags,
    modelName,
  });

  it('writes nothing without analysis flags', () => {
    expect(analysesFiles(input({}))).toEqual([]);
  });

  it('writes the file of each analysis asked for, the same bytes every time', () => {
    const flags = { slo: 'ttft=1s,latency=30s', mlperf: '', metrics: true, metricsStart: '2026-11-20T14:03:00Z' };
    const files = analysesFiles(input(flags));
    expect(files.map((f) => f.name)).toEqual(['slo.json', 'mlperf.json', 'metrics.prom', 'metrics.txt', 'metrics_p99.json']);
    expect(JSON.parse(files[1]!.text)).toMatchObject({ benchmark: 'llama2-70b', scenario: 'server' });
    // The session start is anchored at the given time: the first point is at 1795183380 s.
    expect(files[2]!.text).toMatch(/\} 0 1795183380\.000\n/);
    expect(files[2]!.text).toContain('model="meta-llama/Llama-2-70b-chat-hf",source="client"');
    expect(analysesFiles(input(flags))).toEqual(files);
  });

  it('refuses bad flags with one line before doing any work', () => {
    const bad: Array<[Parameters<typeof analysesFiles>[0]['flags'], string | null, RegExp]> = [
      [{ slo: 'ttft=2' }, null, /^--slo: /],
      [{ mlperf: '' }, 'Qwen/Qwen3-8B', /^--mlperf: config\.yaml's model "Qwen\/Qwen3-8B"/],
      [{ mlperf: '' }, null, /^--mlperf: the run names no model/],
      [{ metrics: true, metricsStart: 'yesterday' }, null, /^--metrics-start: /],
      [{ metrics: true, metricsInterval: 0 }, null, /^--metrics-interval: /],
    ];
    for (const [flags, model, why] of bad) {
      let err: unknown;
      try {
        analysesFiles(input(flags, model));
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(flags)).toBeInstanceOf(ReplayError);
      expect((err as Error).message).toMatch(why);
    }
  });

  it('reads wall-clock times as ISO 8601 or Unix seconds, exactly', () => {
    expect(parseWallClock('1795183380.123456789')).toBe(1_795_183_380_123_456_789n);
    expect(parseWallClock('2026-11-20T14:03:00.5Z')).toBe(1_795_183_380_500_000_000n);
  });
});
