// Decoding on threads, range by range, replays a log exactly as decoding it on
// the main thread does: same lines, bytes, corrupt lines (with their numbers),
// events and per-sample metrics, on a log damaged throughout.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DecodeThreads } from '../../src/decode/parallel.js';
import { replayLog } from '../../src/pipeline/replay.js';
import { openLog } from '../../src/read/open.js';
import { InProcessCounter } from '../../src/tokens/inProcess.js';
import { loadTokenizer } from '../../src/tokens/tokenizer.js';
import { writeDamagedLog } from '../helpers/damagedLog.js';
import { pyLogDigest } from '../helpers/pyLogDigest.js';

const DEEPSEEK = join(__dirname, '..', '..', 'node_modules', '@lenml', 'tokenizer-deepseek_v3', 'models');
const pools = [1, 3].map((n) => new DecodeThreads(n));
afterAll(async () => {
  for (const p of pools) await p.close();
});

/** A generated log with damage every 997 lines: bad JSON, invalid UTF-8, CRLF, a timestamp beyond 2^63, a blank line. */
const damagedLog = (): Promise<string> =>
  writeDamagedLog({
    prefix: 'parallel-decode-',
    generate: { samples: 300, seed: 21, streaming: true, charsPerChunk: 8, outputChars: 600, reasoningFrac: 0.2, toolCallFrac: 0.05, warmup: 8, errorFrac: 0.02, retryFrac: 0.02, concurrency: 16, damage: true },
    every: 997,
    crAt: 500,
  });

describe('decoding on threads', () => {
  it('replays a damaged log exactly as the main thread does, split into many ranges', async () => {
    const log = await damagedLog();
    const tokenizer = await loadTokenizer('native', join(DEEPSEEK, 'tokenizer.json'), join(DEEPSEEK, 'tokenizer_config.json'));
    const replay = async (pool: DecodeThreads | null) => {
      const input = pool ? { decoded: pool.batches(log, 64 * 1024) } : openLog(log);
      const { aggregator: a, diagnostics: d } = await replayLog(input, { streaming: true, counter: new InProcessCounter(tokenizer), promptCacheChars: 0 });
      const s = a.samples;
      return {
        diagnostics: { ...d, countNotes: d.countNotes },
        counters: a.counters,
        duration: a.totalDurationNs,
        columns: [s.uuid.toArray(), s.isl.toArray(), s.osl.toArray(), s.tpotNs.toArray(), s.ttftNs.toArray(), s.latencyNs.toArray(), s.chunks.toArray(), s.finishReason.toArray(), s.errorType.toArray()],
      };
    };
    const main = await replay(null);
    expect(main.diagnostics.corruptLines).toBeGreaterThan(10);
    expect(main.diagnostics.tokenJobsCounted).toBeGreaterThan(500);
    for (const pool of pools) expect(await replay(pool), `${pool.threads} threads`).toEqual(main);
  });

  it('hashes the whole file into its digest', async () => {
    const log = await damagedLog();
    expect(await pools[0]!.digest(log)).toBe(pyLogDigest(log));
  });
});
