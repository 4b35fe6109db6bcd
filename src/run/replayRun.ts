// One replay of a run's log: its input opened and hashed, replayed through the
// chosen counter (and the chunks table, if asked), the counter and decode
// threads closed whatever happens, and failures said as one-line errors.
import { ReplayError } from '../base/errors.js';
import { notALogError } from '../decode/notALog.js';
import { loadVega } from '../output/charts.js';
import type { ChunkArrowWriter } from '../output/chunkTable.js';
import { replayLog, type ReplayOptions, type ReplayResult } from '../pipeline/replay.js';
import type { CounterChoice } from './counter.js';
import { runInput } from './input.js';

export interface ReplayRunOptions {
  /** The log's path, or '-' for stdin. */
  events: string;
  decodeThreads?: number;
  /** null: not declared; the streaming series are recorded and decided after the log. */
  streaming: boolean | null;
  counting: CounterChoice;
  /** Aborted here when the replay fails. */
  chunks: ChunkArrowWriter | null;
  onProgress?: ReplayOptions['onProgress'];
  /** Hears of a damaged compressed stream. */
  warn: (why: string) => void;
}

export interface ReplayRun extends ReplayResult {
  logSha256: string;
  decodeThreads: number;
}

export async function replayRun(o: ReplayRunOptions): Promise<ReplayRun> {
  const { counter, ready, startFailed } = o.counting;
  const input = runInput(o.events, o.decodeThreads);
  let replay: ReplayResult;
  let logSha256: string;
  try {
    replay = await replayLog(input.open(o.warn), {
      streaming: o.streaming ?? true,
      counter,
      // Enough batches in flight to keep every worker busy while the next ones are read.
      maxInFlight: Math.max(4, 2 * (counter?.workers ?? 1)),
      onProgress: o.onProgress,
      chunkSink: o.chunks ?? undefined,
      signal: startFailed,
      // The output modules (apache-arrow, vega) load while the last batches are counted: not
      // earlier, where they would enlarge the heap through the whole replay, nor after.
      onReadEnd: () => {
        loadVega().catch(() => undefined);
        import('../output/notebook.js').catch(() => undefined);
      },
    });
    await ready;
    logSha256 = await input.sha256();
  } catch (err) {
    o.chunks?.abort();
    const e = err as NodeJS.ErrnoException;
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
  return { ...replay, logSha256, decodeThreads: input.decodeThreads };
}
