// recompute: events.jsonl in, the reference's result_summary out. Reading and
// decoding overlap counting: token jobs go out in batches, and their counts come
// back into the aggregator in job order, so results never depend on worker count.
import type { Readable } from 'node:stream';
import { decodeStream, type DecodedBatch } from '../decode/batches.js';
import { Aggregator, type TokenJob } from '../aggregate/aggregator.js';
import type { ChunkSink } from '../aggregate/sampleTable.js';
import type { BackendInUse, BatchCounter, BatchCounts } from '../model/counting.js';
import type { CountableInput } from '../model/inputs.js';
import { DEFAULT_PROMPT_CACHE_CHARS, PromptCache, planBatch } from './promptCache.js';

export interface CorruptLine {
  line: number;
  reason: string;
}

export interface ReplayDiagnostics {
  linesRead: number;
  bytesRead: number;
  eventsReplayed: number;
  corruptLines: number;
  /** The first corrupt lines, with their reasons. */
  corruptExamples: CorruptLine[];
  linesAfterEnded: number;
  reachedEnded: boolean;
  tokenJobs: number;
  tokenJobsCounted: number;
  /** Tokens counted over all jobs (ISL + OSL + TPOT texts). */
  tokensCounted: number;
  /** Prompt jobs answered without the tokenizer: seen before (PromptCache) or repeated within a batch. */
  promptsReused: number;
  /** Why some inputs were not counted, or were counted through a fallback. */
  countNotes: Record<string, number>;
}

/** Diagnostics before the first line is read. */
export function emptyDiagnostics(): ReplayDiagnostics {
  return {
    linesRead: 0,
    bytesRead: 0,
    eventsReplayed: 0,
    corruptLines: 0,
    corruptExamples: [],
    linesAfterEnded: 0,
    reachedEnded: false,
    tokenJobs: 0,
    tokenJobsCounted: 0,
    tokensCounted: 0,
    promptsReused: 0,
    countNotes: {},
  };
}

export interface ReplayProgress {
  linesRead: number;
  bytesRead: number;
  jobsCounted: number;
  tokensCounted: number;
}

export interface ReplayOptions {
  streaming: boolean;
  /** null: replay without a tokenizer (token-id prompts still give ISL). */
  counter: BatchCounter | null;
  batchSize?: number;
  maxInFlight?: number;
  maxCorruptExamples?: number;
  onProgress?: (p: ReplayProgress) => void;
  /** Receives every chunk arrival (chunks.arrow). */
  chunkSink?: ChunkSink;
  /** Called once the whole log is read, while the last batches are still being counted. */
  onReadEnd?: () => void;
  /** Stops the replay between batches, throwing its reason (the tokenizer workers failed to start). */
  signal?: AbortSignal;
  /** Characters of prompt text whose counts are kept for reuse (default DEFAULT_PROMPT_CACHE_CHARS; 0: count every prompt). */
  promptCacheChars?: number;
}

export interface ReplayResult {
  aggregator: Aggregator;
  diagnostics: ReplayDiagnostics;
}

const BATCH_TEXT_CHARS = 4 << 20;

/** Decoded batches, as DecodeThreads.batches yields them; the pipeline decodes a byte stream itself. */
export interface DecodedSource {
  decoded: AsyncIterable<DecodedBatch>;
}

const isDecoded = (s: Readable | AsyncIterable<Buffer> | DecodedSource): s is DecodedSource => 'decoded' in s;

export async function replayLog(input: Readable | AsyncIterable<Buffer> | DecodedSource, opts: ReplayOptions): Promise<ReplayResult> {
  const batchSize = opts.batchSize ?? 256;
  const maxInFlight = opts.maxInFlight ?? 4;
  const maxExamples = opts.maxCorruptExamples ?? 20;
  const diag = emptyDiagnostics();
  const progress: ReplayProgress = { linesRead: 0, bytesRead: 0, jobsCounted: 0, tokensCounted: 0 };

  let batch: TokenJob[] = [];
  let batchChars = 0;
  const inFlight: Array<{ jobs: TokenJob[]; result: Promise<BatchCounts> }> = [];
  const prompts = new PromptCache(opts.promptCacheChars ?? DEFAULT_PROMPT_CACHE_CHARS);

  const agg = new Aggregator({ streaming: opts.streaming, tokenize: opts.counter !== null, chunkSink: opts.chunkSink }, (job) => {
    batch.push(job);
    batchChars += inputChars(job.input);
  });

  const applyHead = async (): Promise<void> => {
    const head = inFlight.shift()!;
    const { counts, notes } = await head.result;
    for (let i = 0; i < head.jobs.length; i++) {
      const n = counts[i]!;
      agg.applyCount(head.jobs[i]!, n);
      if (n >= 0) {
        diag.tokenJobsCounted++;
        diag.tokensCounted += n;
        progress.tokensCounted += n;
      }
    }
    progress.jobsCounted += head.jobs.length;
    for (const [k, v] of Object.entries(notes)) diag.countNotes[k] = (diag.countNotes[k] ?? 0) + v;
  };

  const submit = async (): Promise<void> => {
    if (batch.length === 0) return;
    const jobs = batch;
    batch = [];
    batchChars = 0;
    diag.tokenJobs += jobs.length;
    const plan = planBatch(jobs, prompts);
    diag.promptsReused += plan.reused;
    const counted = plan.inputs.length > 0 ? opts.counter!.count(plan.inputs) : Promise.resolve({ counts: new Int32Array(0), notes: {} });
    inFlight.push({ jobs, result: counted.then((r) => plan.expand(r)) });
    // Backpressure: reading waits while the counters are saturated.
    while (inFlight.length > maxInFlight) await applyHead();
  };

  const batches = isDecoded(input) ? input.decoded : decodeStream(input);
  for await (const { firstLine, bytes, results } of batches) {
    opts.signal?.throwIfAborted();
    diag.bytesRead += bytes;
    for (let k = 0; k < results.length; k++) {
      diag.linesRead++;
      if (diag.reachedEnded) {
        diag.linesAfterEnded++;
        continue;
      }
      const decoded = results[k]!;
      if (!decoded.ok) {
        diag.corruptLines++;
        if (diag.corruptExamples.length < maxExamples) diag.corruptExamples.push({ line: firstLine + k, reason: decoded.reason });
        continue;
      }
      diag.eventsReplayed++;
      if (!agg.process(decoded.event)) diag.reachedEnded = true;
      if (batch.length >= batchSize || batchChars >= BATCH_TEXT_CHARS) await submit();
    }
    progress.linesRead = diag.linesRead;
    progress.bytesRead = diag.bytesRead;
    opts.onProgress?.(progress);
  }
  await submit();
  opts.onReadEnd?.();
  while (inFlight.length > 0) await applyHead();
  opts.signal?.throwIfAborted();
  opts.onProgress?.(progress);
  return { aggregator: agg, diagnostics: diag };
}

function inputChars(input: CountableInput): number {
  switch (input.kind) {
    case 'text':
      return input.text.length;
    case 'message':
      return input.content.length + (input.reasoning?.length ?? 0) + 256;
    case 'prompt':
      return 4096;
    case 'uncountable':
      return 0;
  }
}
