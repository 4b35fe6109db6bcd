// The reference metrics aggregator (aggregator.py + metrics_table.py), replayed
// event by event. Pure: no I/O. Token metrics leave as TokenJobs in the order the
// reference enqueues them; the caller counts them and hands counts back with
// applyCount, in job order.
import { TOO_DEEP_NOTE, type EventRecord, type PromptData } from '../model/events.js';
import type { CountableInput } from '../model/inputs.js';
import { tpotNs } from '../stats/tpot.js';
import { FloatSeries, IntSeries } from '../stats/series.js';
import { oslInput, tpotInput } from './outputParts.js';
import { SampleTable, type ChunkSink } from './sampleTable.js';

export const FINISH_REASONS = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call', 'other'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

export interface AggregatorOptions {
  /** Register the streaming-only series (TTFT, chunk delta, TPOT). */
  streaming: boolean;
  /** A tokenizer is available: text and chat inputs become TokenJobs (else skipped, as in the reference). */
  tokenize: boolean;
  /** Receives every chunk arrival (chunks.arrow); no effect on the summary. */
  chunkSink?: ChunkSink;
}

export type TokenMetric = 'isl' | 'osl' | 'tpot';

export interface TokenJob {
  metric: TokenMetric;
  input: CountableInput;
  /** Row in the sample table the count belongs to. */
  sample: number;
  /** TPOT only: complete_ns - recv_first_ns. */
  windowNs?: bigint;
}

/** An input the event does not have (no text to count), in EventCounts. */
export const NO_INPUT = -2;

/**
 * An event's token inputs, counted where its line was decoded (the sharded
 * pipeline): each a count, NOT_COUNTED (-1), or NO_INPUT. A count depends only
 * on the line's content, so it can be taken before the aggregator decides
 * whether the metric fires; it is used only where the reference would enqueue
 * the job, in the same order.
 */
export interface EventCounts {
  isl: number;
  osl: number;
  tpot: number;
}

/** Told of each job answered from EventCounts, as applyCount would be (for the pipeline's tallies). */
export type CountedJob = (job: TokenJob, count: number) => void;

export interface TrackedBlock {
  startNs: bigint;
  lastCompleteNs: bigint;
  completed: number;
}

export interface Counters {
  totalSamplesIssued: number;
  totalSamplesCompleted: number;
  totalSamplesFailed: number;
  trackedSamplesIssued: number;
  trackedSamplesCompleted: number;
  trackedSamplesFailed: number;
  finishReasons: Record<FinishReason, number>;
}

interface Row {
  sample: number;
  blockIdx: number;
  issuedNs: bigint | null;
  recvFirstNs: bigint | null;
  lastRecvNs: bigint | null;
}

export class Aggregator {
  readonly counters: Counters = {
    totalSamplesIssued: 0,
    totalSamplesCompleted: 0,
    totalSamplesFailed: 0,
    trackedSamplesIssued: 0,
    trackedSamplesCompleted: 0,
    trackedSamplesFailed: 0,
    finishReasons: { stop: 0, length: 0, tool_calls: 0, content_filter: 0, function_call: 0, other: 0 },
  };
  readonly series = {
    ttft: new IntSeries(),
    tpot: new FloatSeries(),
    latency: new IntSeries(),
    isl: new IntSeries(),
    osl: new IntSeries(),
  };
  /** Chunk deltas (inter-chunk gaps) are not in the summary: counted only, so memory and time stay flat. */
  chunkDeltas = 0;
  readonly blocks: TrackedBlock[] = [];
  readonly samples: SampleTable;

  sessionStartNs: bigint | null = null;
  /** Latest timestamp seen after session.started (total duration = this − start). */
  private latestNs: bigint | null = null;
  ended = false;
  duplicateStarts = 0;
  retries = 0;
  /** Token jobs issued, and how many were handed back counted. */
  jobsIssued = 0;

  private tracking = false;
  /** The counts of the event being processed (processCounted), else null: jobs go to `emit`. */
  private counted: EventCounts | null = null;
  private onCounted: CountedJob | null = null;
  private readonly rows = new Map<string, Row>();
  private loadgenStartNs: bigint | null = null;
  private loadgenMaxIssuedNs = -1n;
  private loadgenEndNs: bigint | null = null;

  constructor(
    private readonly options: AggregatorOptions,
    private readonly emit: (job: TokenJob) => void,
  ) {
    this.samples = new SampleTable(options.chunkSink ?? null);
  }

  get streaming(): boolean {
    return this.options.streaming;
  }

  /** Replay one event. Returns false once session.ended was seen (later events are ignored). */
  process(ev: EventRecord): boolean {
    if (this.ended) return false;
    const ts = ev.timestampNs;
    if (this.sessionStartNs !== null && (this.latestNs === null || ts > this.latestNs)) this.latestNs = ts;
    const category = ev.eventType.charCodeAt(1); // s(e)ssion, s(a)mple, e(r)ror
    if (category === 0x65) {
      this.onSession(ev);
      return !this.ended;
    }
    if (category === 0x72) {
      this.counters.totalSamplesFailed++;
      const row = ev.sampleUuid ? this.rows.get(ev.sampleUuid) : undefined;
      if (row) this.counters.trackedSamplesFailed++;
      this.samples.noteError(ev, row?.sample);
      return true;
    }
    if (!ev.sampleUuid) return true;
    switch (ev.eventType) {
      case 'sample.issued':
        this.onIssued(ev);
        break;
      case 'sample.recv_first': {
        const row = this.rows.get(ev.sampleUuid);
        if (row) {
          if (this.options.streaming && row.issuedNs !== null) this.recordInt(this.series.ttft, ts - row.issuedNs, row.sample, 'ttft');
          row.recvFirstNs = ts;
          this.onRecv(row, ts);
        }
        this.samples.noteChunk(ev, row?.sample, true);
        break;
      }
      case 'sample.recv_non_first': {
        const row = this.rows.get(ev.sampleUuid);
        if (row) this.onRecv(row, ts);
        this.samples.noteChunk(ev, row?.sample, false);
        break;
      }
      case 'sample.complete':
        this.onComplete(ev);
        break;
    }
    return true;
  }

  /**
   * Replay one event whose inputs were counted already: where process() would
   * emit a job, the job's count is applied at once (and reported to `onCounted`).
   * The event's `data` needs only its tag and, for PromptData, tokenIdsCount.
   */
  processCounted(ev: EventRecord, counts: EventCounts, onCounted: CountedJob): boolean {
    this.counted = counts;
    this.onCounted = onCounted;
    try {
      return this.process(ev);
    } finally {
      this.counted = null;
      this.onCounted = null;
    }
  }

  /**
   * Replay `n` sample.recv_non_first events of one sample at once, as process()
   * of each would: they are consecutive among the sample's events with no session
   * event between them, `lastNs` is the last one's timestamp and `maxNs` the
   * greatest. A later chunk changes only its sample's row, the chunk counts and the
   * latest timestamp, none of which depends on the order of other samples' events.
   * Without a chunk sink only (it wants every chunk).
   */
  processChunkRun(sampleUuid: string, lastNs: bigint, maxNs: bigint, n: number): boolean {
    if (this.ended) return false;
    if (this.sessionStartNs !== null && (this.latestNs === null || maxNs > this.latestNs)) this.latestNs = maxNs;
    if (!sampleUuid) return true;
    const row = this.rows.get(sampleUuid);
    if (row) {
      if (this.options.streaming) this.chunkDeltas += row.lastRecvNs !== null ? n : n - 1;
      row.lastRecvNs = lastNs;
    }
    this.samples.noteChunks(sampleUuid, row?.sample, n);
    return true;
  }

  /** Hand back the count of a job from `emit` (counts < 0: not counted). */
  applyCount(job: TokenJob, count: number): void {
    if (count < 0) return;
    switch (job.metric) {
      case 'isl':
        this.series.isl.record(BigInt(count));
        this.samples.setIsl(job.sample, count);
        break;
      case 'osl':
        this.series.osl.record(BigInt(count));
        this.samples.setOsl(job.sample, count);
        break;
      case 'tpot':
        if (count > 0) {
          const value = tpotNs(job.windowNs!, count);
          this.series.tpot.record(value);
          this.samples.setTpot(job.sample, value, count);
        }
        break;
    }
  }

  /** Wall time from session.started to the latest event (0 before a start). */
  get totalDurationNs(): bigint {
    if (this.sessionStartNs === null || this.latestNs === null) return 0n;
    const d = this.latestNs - this.sessionStartNs;
    return d > 0n ? d : 0n;
  }

  /** The zero of the tables' times: session.started, or the first issue when the log has none. */
  get timeBaseNs(): bigint {
    if (this.sessionStartNs !== null) return this.sessionStartNs;
    let min: bigint | null = null;
    const issued = this.samples.issuedNs;
    for (let i = 0; i < issued.length; i++) {
      const t = issued.get(i);
      if (t !== null && (min === null || t < min)) min = t;
    }
    return min ?? 0n;
  }

  get trackedDurationNs(): bigint {
    return this.blocks.reduce((sum, b) => sum + (b.lastCompleteNs - b.startNs), 0n);
  }

  /** First tracked issue to the completion of the latest-issued completed sample (0 when none). */
  get loadgenWindowNs(): bigint {
    if (this.loadgenStartNs === null || this.loadgenEndNs === null) return 0n;
    const w = this.loadgenEndNs - this.loadgenStartNs;
    return w > 0n ? w : 0n;
  }

  /** Samples still in flight (issued while tracking, never completed). */
  get inFlight(): number {
    return this.rows.size;
  }

  private onSession(ev: EventRecord): void {
    switch (ev.eventType) {
      case 'session.ended':
        this.ended = true;
        return;
      case 'session.started':
        if (this.sessionStartNs !== null) this.duplicateStarts++;
        else this.sessionStartNs = ev.timestampNs;
        return;
      case 'session.start_performance_tracking':
        if (!this.tracking) {
          this.tracking = true;
          this.blocks.push({ startNs: ev.timestampNs, lastCompleteNs: ev.timestampNs, completed: 0 });
        }
        return;
      case 'session.stop_performance_tracking':
        this.tracking = false;
        return;
      default:
        return;
    }
  }

  private onIssued(ev: EventRecord): void {
    const uuid = ev.sampleUuid;
    const ts = ev.timestampNs;
    let row = this.rows.get(uuid);
    const sample = this.samples.noteIssued(ev, row?.sample, this.tracking ? this.blocks.length - 1 : -1);
    if (this.tracking) {
      if (row) {
        this.retries++;
      } else {
        row = { sample, blockIdx: -1, issuedNs: null, recvFirstNs: null, lastRecvNs: null };
        this.rows.set(uuid, row);
      }
      row.blockIdx = this.blocks.length - 1;
      if (this.loadgenStartNs === null) this.loadgenStartNs = ts;
      this.fireIsl(ev.data?.tag === 'PromptData' ? ev.data : null, row.sample);
      row.issuedNs = ts;
    }
    this.counters.totalSamplesIssued++;
    // A duplicate ISSUED outside tracking still finds the earlier row: counted, as in the reference.
    if (row) this.counters.trackedSamplesIssued++;
  }

  private fireIsl(prompt: PromptData | null, sample: number): void {
    if (!prompt) return;
    if (prompt.tokenIdsCount !== null) {
      this.series.isl.record(BigInt(prompt.tokenIdsCount));
      this.samples.setIsl(sample, prompt.tokenIdsCount);
      return;
    }
    if (!this.options.tokenize) return;
    if (this.counted) {
      if (this.counted.isl !== NO_INPUT) this.pushCounted({ metric: 'isl', input: COUNTED, sample }, this.counted.isl);
      return;
    }
    if (prompt.text) {
      this.push({ metric: 'isl', input: { kind: 'text', text: prompt.text }, sample });
    } else if (prompt.tooDeep) {
      this.push({ metric: 'isl', input: { kind: 'uncountable', note: TOO_DEEP_NOTE }, sample });
    } else if (prompt.messages !== null) {
      this.push({
        metric: 'isl',
        input: {
          kind: 'prompt',
          messages: prompt.messages,
          tools: prompt.tools,
          chatTemplateKwargs: prompt.chatTemplateKwargs,
          chatTemplate: prompt.chatTemplate,
          toolChoice: prompt.toolChoice,
        },
        sample,
      });
    }
  }

  private onRecv(row: Row, ts: bigint): void {
    if (row.lastRecvNs !== null && this.options.streaming) this.chunkDeltas++;
    row.lastRecvNs = ts;
  }

  private onComplete(ev: EventRecord): void {
    const ts = ev.timestampNs;
    const row = this.rows.get(ev.sampleUuid);
    this.samples.noteComplete(ev, row?.sample);
    if (row) {
      if (row.issuedNs !== null) this.recordInt(this.series.latency, ts - row.issuedNs, row.sample, 'latency');
      const out = ev.data?.tag === 'TextModelOutput' ? ev.data : null;
      const pre = this.counted;
      if (out && this.options.tokenize && pre) {
        if (pre.osl !== NO_INPUT) this.pushCounted({ metric: 'osl', input: COUNTED, sample: row.sample }, pre.osl);
        if (this.options.streaming && row.recvFirstNs !== null && pre.tpot !== NO_INPUT) {
          this.pushCounted({ metric: 'tpot', input: COUNTED, sample: row.sample, windowNs: ts - row.recvFirstNs }, pre.tpot);
        }
      } else if (out && this.options.tokenize) {
        const osl = oslInput(out);
        if (osl) this.push({ metric: 'osl', input: osl, sample: row.sample });
        if (this.options.streaming && row.recvFirstNs !== null) {
          const tpot = tpotInput(out);
          if (tpot) this.push({ metric: 'tpot', input: tpot, sample: row.sample, windowNs: ts - row.recvFirstNs });
        }
      }
      const block = row.blockIdx >= 0 ? this.blocks[row.blockIdx] : undefined;
      if (block) {
        if (ts > block.lastCompleteNs) block.lastCompleteNs = ts;
        block.completed++;
      }
      if (row.issuedNs !== null && row.issuedNs > this.loadgenMaxIssuedNs) {
        this.loadgenMaxIssuedNs = row.issuedNs;
        this.loadgenEndNs = ts;
      }
      this.rows.delete(ev.sampleUuid);
    }
    this.counters.totalSamplesCompleted++;
    if (row) {
      this.counters.trackedSamplesCompleted++;
      if (ev.finishReason !== undefined) {
        const reason = (FINISH_REASONS as readonly string[]).includes(ev.finishReason) && ev.finishReason !== 'other' ? (ev.finishReason as FinishReason) : 'other';
        this.counters.finishReasons[reason]++;
      }
    }
  }

  private recordInt(series: IntSeries, value: bigint, sample: number, which: 'ttft' | 'latency'): void {
    series.record(value);
    this.samples.setTiming(sample, which, value);
  }

  private push(job: TokenJob): void {
    this.jobsIssued++;
    this.emit(job);
  }

  private pushCounted(job: TokenJob, count: number): void {
    this.jobsIssued++;
    this.applyCount(job, count);
    this.onCounted!(job, count);
  }
}

/** The input of a job answered from EventCounts (its text was counted where its line was read). */
const COUNTED: CountableInput = { kind: 'text', text: '' };
