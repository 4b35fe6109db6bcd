// One replay of a run's log: its input opened and digested, replayed through the
// chosen counter (and the chunks table, if asked), the counter and decode
// threads closed whatever happens, and failures said as one-line errors.
import { NoLineEnd } from '../read/lines.js';
import { ReplayError } from '../base/errors.js';
import { notALogError } from '../decode/notALog.js';
import { warmNotebookThread } from '../output/notebookOffThread.js';
import type { ChunkArrowWriter } from '../output/chunkTable.js';
import type { TableFormat } from '../output/tableFormats.js';
import { replayLog, type ReplayOptions, type ReplayResult } from '../pipeline/replay.js';
import { replaySharded } from '../pipeline/sharded.js';
import type { CounterChoice } from './counter.js';
import { runInput } from './input.js';

export interface ReplayRunOptions {
  /** The log's path, or '-' for stdin. */
  events: string;
  decodeThreads?: number;
  /** Bytes per shard of the sharded replay (default: pipeline/sharded.ts defaultShardBytes). */
  shardBytes?: number;
  /** null: not declared; the streaming series are recorded and decided after the log. */
  streaming: boolean | null;
  counting: CounterChoice;
  /** Aborted here when the replay fails. */
  chunks: ChunkArrowWriter | null;
  /** The tables' formats: their writers load while the last shards are counted. */
  formats: readonly TableFormat[];
  onProgress?: ReplayOptions['onProgress'];
  /** Hears of a damaged compressed stream. */
  warn: (why: string) => void;
}

export interface ReplayRun extends ReplayResult {
  logDigest: string;
  decodeThreads: number;
}

export async function replayRun(o: ReplayRunOptions): Promise<ReplayRun> {
  const { counter, shardPool, ready, startFailed } = o.counting;
  const input = runInput(o.events, o.decodeThreads, shardPool !== null);
  let replay: ReplayResult & { logDigest?: string | null };
  let logDigest: string;
  try {
    const common = {
      streaming: o.streaming ?? true,
      onProgress: o.onProgress,
      chunkSink: o.chunks ?? undefined,
      signal: startFailed,
      // The output modules (apache-arrow, parquet-wasm; vega on the chart threads) load on their threads while
      // the last batches are counted: not earlier, where they would take memory through the whole replay, nor after.
      onReadEnd: () => warmNotebookThread(o.formats),
    };
    if (shardPool) {
      // Shards decode and count where the bytes are: a file's byte ranges, or the stream's line-aligned buffers.
      const source = input.path !== null ? { path: input.path } : { stream: input.open(o.warn) as NodeJS.ReadableStream & AsyncIterable<Buffer> };
      replay = await replaySharded(source, { ...common, pool: shardPool, shardBytes: o.shardBytes });
    } else {
      // Enough batches in flight to keep every worker busy while the next ones are read.
      replay = await replayLog(input.open(o.warn), { ...common, counter, maxInFlight: Math.max(4, 2 * (counter?.workers ?? 1)) });
    }
    await ready;
    logDigest = replay.logDigest ?? (await input.digest()!);
  } catch (err) {
    o.chunks?.abort();
    const e = err as NodeJS.ErrnoException;
    if (err instanceof NoLineEnd) throw new ReplayError(`${o.events === '-' ? 'standard input' : o.events}: ${e.message}`, 'give the events.jsonl of a benchmark run, or its run directory');
    if (e.code) throw new ReplayError(`${o.events}: ${e.message}`, 'check the path and that the file is readable');
    throw err;
  } finally {
    await counter?.close?.();
    await input.close();
  }
  const diag = replay.diagnostics;
  if (diag.eventsReplayed === 0) {
    o.chunks?.abort();
    throw notALogError(o.events, diag.linesRead, diag.corruptExamples[0]);
  }
  return { ...replay, logDigest, decodeThreads: input.decodeThreads };
}
