// Prompt counts are reused, never guessed: a run whose prompts repeat gives the
// same per-sample ISL with the cache as without it, while the tokenizer sees
// each distinct prompt once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayLog } from '../../src/pipeline/replay.js';
import { type BatchCounter, NOT_COUNTED } from '../../src/model/counting.js';
import { openLog } from '../../src/read/open.js';
import type { TokenJob } from '../../src/aggregate/aggregator.js';
import { InProcessCounter } from '../../src/tokens/inProcess.js';
import type { CountableInput } from '../../src/model/inputs.js';
import { PromptCache, planBatch } from '../../src/pipeline/promptCache.js';
import { loadTokenizer } from '../../src/tokens/tokenizer.js';
import { generate } from '../../scripts/gen-log.mjs';

const DEEPSEEK = join(__dirname, '..', '..', 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const job = (metric: TokenJob['metric'], text: string, sample = 0): TokenJob => ({ metric, input: { kind: 'text', text }, sample });

describe('planBatch', () => {
  it('sends each new prompt once, answers repeats from the batch and the cache, and leaves outputs alone', () => {
    const cache = new PromptCache(1000);
    const first = [job('isl', 'p1'), job('osl', 'out'), job('isl', 'p1'), job('isl', 'p2'), job('tpot', 'out')];
    const plan = planBatch(first, cache);
    expect(plan.inputs.map((i) => (i as { text: string }).text)).toEqual(['p1', 'out', 'p2', 'out']);
    expect(plan.reused).toBe(1);
    expect([...plan.expand({ counts: Int32Array.from([5, 7, 9, 6]), notes: {} }).counts]).toEqual([5, 7, 5, 9, 6]);

    const second = planBatch([job('isl', 'p2'), job('isl', 'p3'), job('osl', 'p1')], cache);
    expect(second.inputs.map((i) => (i as { text: string }).text)).toEqual(['p3', 'p1']);
    expect([...second.expand({ counts: Int32Array.from([4, 3]), notes: {} }).counts]).toEqual([9, 4, 3]);
  });

  it('keeps no uncounted prompt and stays within its character budget', () => {
    const cache = new PromptCache(5);
    planBatch([job('isl', 'abc'), job('isl', 'xyz'), job('isl', 'q')], cache).expand({ counts: Int32Array.from([1, 2, NOT_COUNTED]), notes: {} });
    expect(cache.get('abc')).toBe(1);
    expect(cache.get('xyz')).toBeUndefined(); // over the budget
    expect(cache.get('q')).toBeUndefined(); // not counted
    expect(new PromptCache(0).get('abc')).toBeUndefined();
  });
});

describe('prompt cache in the pipeline', () => {
  it('gives the same ISL for every sample with and without the cache, counting each prompt once', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'prompt-cache-')), 'events.jsonl');
    await generate({ samples: 400, seed: 5, out: log, streaming: true, charsPerChunk: 16, outputChars: 200, reasoningFrac: 0, toolCallFrac: 0, warmup: 8, errorFrac: 0.02, retryFrac: 0.02, concurrency: 16, damage: false, promptChars: 3000, prompts: 40 });
    const tokenizer = await loadTokenizer('native', join(DEEPSEEK, 'tokenizer.json'), join(DEEPSEEK, 'tokenizer_config.json'));
    const replay = async (promptCacheChars: number) => {
      const inner = new InProcessCounter(tokenizer);
      const sent: string[] = [];
      const counter: BatchCounter = {
        count(inputs: CountableInput[]) {
          for (const i of inputs) if (i.kind === 'text') sent.push(i.text);
          return inner.count(inputs);
        },
      };
      const { aggregator, diagnostics } = await replayLog(openLog(log), { streaming: true, counter, promptCacheChars, batchSize: 32 });
      return { isl: aggregator.samples.isl.toArray(), islSeries: aggregator.series.isl.values.toArray(), diagnostics, sent };
    };
    const cached = await replay(1 << 20);
    const plain = await replay(0);
    expect(plain.diagnostics.promptsReused).toBe(0);
    expect(cached.diagnostics.promptsReused).toBeGreaterThan(300);
    expect(cached.isl).toEqual(plain.isl);
    expect(cached.islSeries).toEqual(plain.islSeries);
    expect(cached.diagnostics.tokensCounted).toBe(plain.diagnostics.tokensCounted);
    // Without the cache every issue's prompt goes to the tokenizer; with it, each of the 40 distinct
    // ones goes once, plus again only while its first count is still in flight (batches overlap).
    const promptsSent = (sent: string[]): string[] => sent.filter((t) => t.length >= 1500);
    expect(promptsSent(plain.sent).length).toBeGreaterThan(400);
    expect(new Set(promptsSent(cached.sent)).size).toBe(40);
    expect(promptsSent(cached.sent).length).toBeLessThan(promptsSent(plain.sent).length / 4);
  });
});
