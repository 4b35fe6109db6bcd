// The adapter from the sample table (against the CLI's samples.arrow) and the
// files commands/analyses.ts returns for the analysis flags.
import { beforeAll, describe, expect, it } from 'vitest';
import { analysesFiles, parseWallClock, prepareAnalyses, type AnalysesFlags } from '../../src/commands/analyses.js';
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

describe('prepareAnalyses and analysesFiles', () => {
  let run: GoldenRun;
  beforeAll(async () => {
    run = await goldenRun('tiny-streaming');
  }, 120_000);
  const files = async (flags: AnalysesFlags, modelName: string | null = 'meta-llama/Llama-2-70b-chat-hf') => {
    const prepared = prepareAnalyses(flags, { modelName, events: 'events.jsonl', tokenizer: null });
    return prepared ? analysesFiles(prepared, { aggregator: run.recomputed.aggregator, summary: run.recomputed.summary, events: 'events.jsonl', tokenizer: null }) : [];
  };

  it('writes nothing without analysis flags', async () => {
    expect(prepareAnalyses({}, { modelName: null, events: '-', tokenizer: null })).toBeNull();
    expect(await files({})).toEqual([]);
  });

  it('writes the file of each analysis asked for, the same bytes every time', async () => {
    const flags = { slo: 'ttft=1s,latency=30s', mlperf: '', openmetrics: true, openmetricsStart: '2026-11-20T14:03:00Z' };
    const out = await files(flags);
    expect(out.map((f) => f.name)).toEqual(['slo.json', 'mlperf.json', 'metrics.prom', 'metrics.txt', 'metrics_p99.json']);
    expect(JSON.parse(out[1]!.text)).toMatchObject({ benchmark: 'llama2-70b', scenario: 'server' });
    // The session start is anchored at the given time: the first point is at 1795183380 s.
    expect(out[2]!.text).toMatch(/\} 0 1795183380\.000\n/);
    expect(out[2]!.text).toContain('model="meta-llama/Llama-2-70b-chat-hf",source="client"');
    expect(await files(flags)).toEqual(out);
  });

  it('refuses bad flags with one line before doing any work', () => {
    const bad: Array<[AnalysesFlags, string | null, RegExp]> = [
      [{ slo: 'ttft=2' }, null, /^--slo: /],
      [{ mlperf: '' }, 'Qwen/Qwen3-8B', /^--mlperf: config\.yaml's model "Qwen\/Qwen3-8B"/],
      [{ mlperf: '' }, null, /^--mlperf: the run names no model/],
      [{ openmetrics: true, openmetricsStart: 'yesterday' }, null, /^--openmetrics-start: /],
      [{ openmetrics: true, openmetricsInterval: 0 }, null, /^--openmetrics-interval: /],
      [{ openmetricsInterval: 5 }, null, /^--openmetrics-start \/ --openmetrics-interval apply to --openmetrics/],
      [{ steadyState: true }, null, /^--steady-state needs --dataset-size/],
      [{ steadyState: true, datasetSize: 2.5 }, null, /^--dataset-size must be a whole number/],
      [{ datasetSize: 100 }, null, /^--dataset-size applies to --steady-state/],
      [{ steadyState: true, datasetSize: 100 }, null, /^--steady-state counts output tokens/],
    ];
    for (const [flags, model, why] of bad) {
      let err: unknown;
      try {
        prepareAnalyses(flags, { modelName: model, events: 'events.jsonl', tokenizer: null });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(flags)).toBeInstanceOf(ReplayError);
      expect((err as Error).message).toMatch(why);
    }
    expect(() => prepareAnalyses({ steadyState: true, datasetSize: 10 }, { modelName: null, events: '-', tokenizer: { tokenizerJson: 'x', tokenizerConfig: null } as never })).toThrow(/standard input/);
  });

  it('reads wall-clock times as ISO 8601 or Unix seconds, exactly', () => {
    expect(parseWallClock('1795183380.123456789')).toBe(1_795_183_380_123_456_789n);
    expect(parseWallClock('2026-11-20T14:03:00.5Z')).toBe(1_795_183_380_500_000_000n);
  });
});
