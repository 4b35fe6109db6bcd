// The sharded replay: the log is cut into line-aligned shards, each decoded and
// counted where its bytes are (shard.ts, in the pinned tokenizer workers, or in
// this process with --workers 0), and one reducer here replays the shards'
// compact records (records.ts) in file order through the aggregator. The main
// thread never touches a text: its work is proportional to events, not bytes.
//
//   plain file ──split──▶ byte ranges ──▶ worker: read, decode, count ──▶ records ─┐
//   .gz/.zst/stdin ──reader──▶ line-aligned buffers ──▶ (same) ──────────▶ records ─┤
//                                      reducer (main): records in file order ──▶ aggregator
//
// The same lines in any number of shards give the same records in the same
// order, so outputs are byte-identical for any shard size or worker count.
import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { Aggregator, type TokenJob } from '../aggregate/aggregator.js';
import type { ChunkSink } from '../aggregate/sampleTable.js';
import { builtSibling } from '../base/distPath.js';
import { decodeLogLine } from '../decode/events.js';
import { Line, MAX_LINE_BYTES } from '../read/lines.js';
import { combineBlockDigests } from '../read/blockDigest.js';
import { splitRanges } from '../read/ranges.js';
import type { TokenizerPool } from '../tokens/pool/pool.js';
import { CHUNK_RUN, CORRUPT, RecordsReader, type ShardRecords } from './records.js';
import { emptyDiagnostics, type ReplayProgress, type ReplayResult } from './replay.js';
import { runShard, type ShardTask } from './shard.js';

export interface ShardedOptions {
  streaming: boolean;
  /** Counts shards: its workers run them (pool.script: the shard worker); with 0 workers, this process does. */
  pool: TokenizerPool;
  /** Bytes per shard (default: the file split four ways per worker, 1 to 32 MB a shard; streams 8 MB). */
  shardBytes?: number;
  maxCorruptExamples?: number;
  onProgress?: (p: ReplayProgress) => void;
  chunkSink?: ChunkSink;
  /** Called once every shard has been handed out, while the last ones are still being counted. */
  onReadEnd?: () => void;
  /** Stops the replay between shards, throwing its reason. */
  signal?: AbortSignal;
}

/** dist/pipeline/shardWorker.js: the pool's worker entry for shards. */
export function shardWorkerScript(): string {
  return builtSibling(import.meta.url, 'shardWorker.js');
}

export type ShardedInput = { path: string } | { stream: Readable | AsyncIterable<Buffer> };

export interface ShardedResult extends ReplayResult {
  /** A file's digest (read/blockDigest.ts) from its shards' blocks; null for a stream. */
  logDigest: string | null;
}

const MB = 1 << 20;
const STREAM_SHARD_BYTES = 8 * MB;

/** A shard to run, or a line too long to keep (a stream's; a file's shards report theirs themselves). */
type Piece = { task: ShardTask } | { tooLong: number };

export async function replaySharded(input: ShardedInput, opts: ShardedOptions): Promise<ShardedResult> {
  const maxExamples = opts.maxCorruptExamples ?? 20;
  const pool = opts.pool;
  const workers = pool.workers;
  const diag = emptyDiagnostics();
  const progress: ReplayProgress = { linesRead: 0, bytesRead: 0, jobsCounted: 0, tokensCounted: 0 };
  const agg = new Aggregator({ streaming: opts.streaming, tokenize: true, chunkSink: opts.chunkSink }, () => {
    throw new Error('sharded replay: every job is counted in its shard');
  });

  // Per shard: notes by line*3+metric, and the line being replayed, for onCounted.
  let notes = new Map<number, string>();
  let line = 0;
  const METRIC = { isl: 0, osl: 1, tpot: 2 } as const;
  const onCounted = (job: TokenJob, count: number): void => {
    diag.tokenJobs++;
    progress.jobsCounted++;
    if (count >= 0) {
      diag.tokenJobsCounted++;
      diag.tokensCounted += count;
      progress.tokensCounted += count;
    }
    if (notes.size > 0) {
      const note = notes.get(line * 3 + METRIC[job.metric]);
      if (note !== undefined) diag.countNotes[note] = (diag.countNotes[note] ?? 0) + 1;
    }
  };

  const blockDigests: Uint8Array[] = [];
  const reduce = (r: ShardRecords): void => {
    blockDigests.push(r.blockDigests);
    const reader = new RecordsReader(r);
    notes = new Map();
    for (let i = 0; i < r.noteLine.length; i++) notes.set(r.noteLine[i]! * 3 + r.noteMetric[i]!, reader.str(r.noteReason[i]!));
    const firstLine = diag.linesRead + 1;
    let corrupt = 0;
    diag.bytesRead += r.bytes;
    diag.promptsReused += r.promptsReused;
    for (let k = 0; k < r.records; k++) {
      const span = r.span[k]!;
      diag.linesRead += span;
      if (diag.reachedEnded) {
        diag.linesAfterEnded += span;
        continue;
      }
      const kind = r.kind[k]!;
      if (kind === CHUNK_RUN) {
        diag.eventsReplayed += span;
        if (!agg.processChunkRun(reader.str(r.uuid[k]!), r.ts[k]!, r.tsMax[k]!, span)) diag.reachedEnded = true;
        continue;
      }
      if (kind === CORRUPT) {
        diag.corruptLines++;
        if (diag.corruptExamples.length < maxExamples && corrupt < r.corruptLine.length) {
          diag.corruptExamples.push({ line: firstLine + r.corruptLine[corrupt]!, reason: reader.str(r.corruptReason[corrupt]!) });
        }
        corrupt++;
        continue;
      }
      diag.eventsReplayed++;
      line = k;
      const ev = reader.event(k);
      if (!agg.processCounted(ev, reader.counts, onCounted)) diag.reachedEnded = true;
    }
    progress.linesRead = diag.linesRead;
    progress.bytesRead = diag.bytesRead;
    opts.onProgress?.(progress);
  };

  const tooLong = (bytes: number): void => {
    // The reason the decoder gives a line it cannot keep; counted as a corrupt line in its place.
    const decoded = decodeLogLine(new Line(diag.linesRead + 1, null, 0, 0, bytes));
    diag.linesRead++;
    diag.bytesRead += bytes + 1;
    if (diag.reachedEnded) {
      diag.linesAfterEnded++;
      return;
    }
    diag.corruptLines++;
    if (!decoded.ok && diag.corruptExamples.length < maxExamples) diag.corruptExamples.push({ line: diag.linesRead, reason: decoded.reason });
  };

  const run = async (task: ShardTask): Promise<ShardRecords> => {
    if (workers === 0) {
      await pool.ready;
      return runShard(task, pool.local);
    }
    const outcome = await pool.run<ShardRecords>(task);
    if (outcome.ok) return outcome.result;
    // The workers could not run it: decode it here, its inputs not counted (the summary says complete: false).
    return runShard(task, null, `not counted: ${outcome.error}`);
  };

  const base = { tokenize: true, foldChunks: opts.chunkSink === undefined, maxCorruptExamples: maxExamples };
  const pieces = 'path' in input ? fileShards(input.path, opts.shardBytes, workers, base) : streamShards(input.stream, opts.shardBytes ?? STREAM_SHARD_BYTES, base);
  // Shards in flight: enough to keep every worker busy with one queued behind.
  const window: Array<Promise<ShardRecords> | number> = [];
  const depth = Math.max(2, 2 * workers);
  const drainOne = async (): Promise<void> => {
    const head = window.shift()!;
    if (typeof head === 'number') tooLong(head);
    else reduce(await head);
    opts.signal?.throwIfAborted();
  };
  for await (const piece of pieces) {
    opts.signal?.throwIfAborted();
    if ('tooLong' in piece) window.push(piece.tooLong);
    else {
      const p = run(piece.task);
      // Awaited in order below; a later shard failing first must not go unhandled.
      p.catch(() => undefined);
      window.push(p);
    }
    while (window.length > depth) await drainOne();
  }
  opts.onReadEnd?.();
  while (window.length > 0) await drainOne();
  opts.onProgress?.(progress);
  return { aggregator: agg, diagnostics: diag, logDigest: 'path' in input ? combineBlockDigests(blockDigests) : null };
}

/** Default shard size of a file: four shards per worker, 1 to 32 MB each. */
export function defaultShardBytes(fileBytes: number, workers: number): number {
  return Math.min(32 * MB, Math.max(MB, Math.ceil(fileBytes / (4 * Math.max(1, workers)))));
}

/** A shard's task but its source. */
type TaskBase = Omit<ShardTask, 'source'>;

async function* fileShards(path: string, shardBytes: number | undefined, workers: number, base: TaskBase): AsyncGenerator<Piece> {
  const size = statSync(path).size;
  const each = shardBytes ?? defaultShardBytes(size, workers);
  const ranges = splitRanges(path, Math.max(1, Math.ceil(size / each)));
  // The bytes replayed, and hashed: up to the end of the last range (the file may have grown since statSync).
  const fileBytes = ranges.at(-1)?.end ?? 0;
  for (const range of ranges) yield { task: { ...base, source: { kind: 'range', path, start: range.start, end: range.end, fileBytes } } };
}

/**
 * A stream cut into line-aligned buffers of about `shardBytes` (a buffer ends
 * just after a newline, or at the end of the stream). A line longer than
 * MAX_LINE_BYTES is not kept: it becomes a tooLong piece, as readLines reports it.
 */
async function* streamShards(stream: Readable | AsyncIterable<Buffer>, shardBytes: number, base: TaskBase): AsyncGenerator<Piece> {
  let parts: Buffer[] = [];
  let held = 0;
  /** Offset in the held bytes just after their last newline (0: none). */
  let lineStart = 0;
  /** Bytes of the line being skipped (too long to keep), or -1. */
  let skipping = -1;
  const piece = (bytes: Uint8Array): Piece => ({ task: { ...base, source: { kind: 'bytes', bytes } } });
  /** The held bytes up to `cut` as one buffer; the rest stays held. */
  const take = (cut: number): Buffer => {
    const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, held);
    parts = cut < all.length ? [Buffer.from(all.subarray(cut))] : [];
    held -= cut;
    lineStart = 0;
    return all.subarray(0, cut);
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let rest = chunk;
    if (skipping >= 0) {
      const nl = chunk.indexOf(0x0a);
      if (nl === -1) {
        skipping += chunk.length;
        continue;
      }
      yield { tooLong: skipping + nl };
      skipping = -1;
      rest = chunk.subarray(nl + 1);
    }
    if (rest.length === 0) continue;
    const nl = rest.lastIndexOf(0x0a);
    if (nl !== -1) lineStart = held + nl + 1;
    parts.push(rest);
    held += rest.length;
    if (held - lineStart > MAX_LINE_BYTES) {
      // The open line is too long to keep: hand over what precedes it, skip it to its end.
      if (lineStart > 0) yield piece(take(lineStart));
      skipping = held;
      parts = [];
      held = 0;
    } else if (held >= shardBytes && lineStart > 0) {
      yield piece(take(lineStart));
    }
  }
  if (skipping >= 0) yield { tooLong: skipping };
  else if (held > 0) yield piece(take(held));
}
