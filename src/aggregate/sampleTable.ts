// One row per sample (tracked or not) for the notebook tables: what happened to
// it and its metrics. Filled by the aggregator; no effect on the summary.
import type { EventRecord } from '../model/events.js';
import { BigIntColumn, DictionaryColumn, Float64Column, Int32Column, StringColumn } from '../model/columns.js';

/** Receives every chunk arrival of a sample that has a row, in log order (for chunks.arrow). */
export interface ChunkSink {
  /**
   * row: sample row; attempt: 1 for the first issue, 2 for the first retry, ...;
   * index: 0 for the attempt's first arrival; sinceIssueNs: arrival − the attempt's issue;
   * gapNs: arrival − the attempt's previous arrival (null for its first);
   * tracked: the sample was issued inside a performance-tracking window.
   */
  chunk(row: number, attempt: number, index: number, sinceIssueNs: bigint | null, gapNs: bigint | null, tracked: boolean): void;
}

/** A replay's sample rows and the zero of their times (an Aggregator is one): what the tables are built from. */
export interface SampleRows {
  readonly samples: SampleTable;
  /** session.started, or the first issue when the log has none. */
  readonly timeBaseNs: bigint;
}

/** The columns of a SampleTable. */
const COLUMNS = ['uuid', 'conversationId', 'turn', 'block', 'issuedNs', 'firstChunkNs', 'completeNs', 'ttftNs', 'latencyNs', 'tpotNs', 'isl', 'osl', 'tokensAfterFirst', 'chunks', 'issueCount', 'finishReason', 'errorType', 'errorMessage', 'workerId'] as const;
type ColumnKey = (typeof COLUMNS)[number];

/** A complete table's columns as posted to another thread: shared memory, not copied (model/columns.ts). */
export type SampleTableSnapshot = { [K in ColumnKey]: ReturnType<SampleTable[K]['snapshot']> };

export class SampleTable {
  readonly uuid = new StringColumn();
  readonly conversationId = new StringColumn();
  readonly turn = new Float64Column();
  /** Tracking block index, -1 when issued outside performance tracking (never null). */
  readonly block = new Int32Column();
  readonly issuedNs = new BigIntColumn();
  readonly firstChunkNs = new BigIntColumn();
  readonly completeNs = new BigIntColumn();
  readonly ttftNs = new Float64Column();
  readonly latencyNs = new Float64Column();
  readonly tpotNs = new Float64Column();
  readonly isl = new Int32Column();
  readonly osl = new Int32Column();
  /** Tokens after the first chunk (the TPOT denominator). */
  readonly tokensAfterFirst = new Int32Column();
  /** Chunk arrivals and issues (never null). */
  readonly chunks = new Int32Column();
  readonly issueCount = new Int32Column();
  readonly finishReason = new DictionaryColumn();
  readonly errorType = new DictionaryColumn();
  readonly errorMessage = new StringColumn();
  readonly workerId = new Float64Column();
  /** Samples not yet completed: uuid -> row. */
  private readonly open = new Map<string, number>();
  /** The chunk sink, and per row for it: the current attempt's chunks so far and its last arrival. */
  private readonly sink: { to: ChunkSink; attemptChunks: Int32Column; lastChunkNs: BigIntColumn } | null;

  constructor(chunkSink: ChunkSink | null = null) {
    this.sink = chunkSink ? { to: chunkSink, attemptChunks: new Int32Column(), lastChunkNs: new BigIntColumn() } : null;
  }

  get length(): number {
    return this.uuid.length;
  }

  /** The columns, for SampleTable.restore in another thread; taken once the replay is done. */
  snapshot(): SampleTableSnapshot {
    return Object.fromEntries(COLUMNS.map((k) => [k, this[k].snapshot()])) as SampleTableSnapshot;
  }

  /** A table to read, over the columns of `s` (its rows as the snapshot's table had them). */
  static restore(s: SampleTableSnapshot): SampleTable {
    const t = new SampleTable(null);
    for (const k of COLUMNS) (t[k] as { restore(c: unknown): unknown }).restore(s[k]);
    return t;
  }

  /** Row for an ISSUED event: the tracked row's, an open retry's, or a new one. */
  noteIssued(ev: EventRecord, trackedRow: number | undefined, block: number): number {
    let i = trackedRow ?? this.open.get(ev.sampleUuid);
    if (i === undefined) {
      i = this.uuid.length;
      this.uuid.push(ev.sampleUuid);
      this.conversationId.push(ev.conversationId);
      this.turn.push(ev.turn);
      this.block.push(block);
      for (const c of [this.issuedNs, this.firstChunkNs, this.completeNs]) c.push(null);
      for (const c of [this.ttftNs, this.latencyNs, this.tpotNs, this.workerId]) c.push(null);
      for (const c of [this.isl, this.osl, this.tokensAfterFirst]) c.push(null);
      for (const c of [this.chunks, this.issueCount]) c.push(0);
      for (const c of [this.finishReason, this.errorType, this.errorMessage]) c.push(null);
      this.sink?.attemptChunks.push(0);
      this.sink?.lastChunkNs.push(null);
      this.open.set(ev.sampleUuid, i);
    } else if (block >= 0) {
      this.block.set(i, block);
    }
    this.issuedNs.set(i, ev.timestampNs);
    this.issueCount.set(i, this.issueCount.get(i)! + 1);
    this.sink?.attemptChunks.set(i, 0);
    this.sink?.lastChunkNs.set(i, null);
    if (ev.workerId !== undefined) this.workerId.set(i, ev.workerId);
    return i;
  }

  noteChunk(ev: EventRecord, trackedRow: number | undefined, first: boolean): void {
    const i = trackedRow ?? this.open.get(ev.sampleUuid);
    if (i === undefined) return;
    this.chunks.set(i, this.chunks.get(i)! + 1);
    const t = ev.timestampNs;
    if (first) this.firstChunkNs.set(i, t);
    const sink = this.sink;
    if (sink) {
      const issued = this.issuedNs.get(i);
      const last = sink.lastChunkNs.get(i);
      const index = sink.attemptChunks.get(i)!;
      sink.attemptChunks.set(i, index + 1);
      sink.to.chunk(i, this.issueCount.get(i)!, index, issued === null ? null : t - issued, last === null ? null : t - last, this.tracked(i));
      sink.lastChunkNs.set(i, t);
    }
  }

  /** `n` later chunks of one sample at once (Aggregator.processChunkRun), as noteChunk of each without a sink. */
  noteChunks(sampleUuid: string, trackedRow: number | undefined, n: number): void {
    if (this.sink) throw new Error('chunk runs are folded only without a chunk sink');
    const i = trackedRow ?? this.open.get(sampleUuid);
    if (i !== undefined) this.chunks.set(i, this.chunks.get(i)! + n);
  }

  noteError(ev: EventRecord, trackedRow: number | undefined): void {
    const i = trackedRow ?? (ev.sampleUuid ? this.open.get(ev.sampleUuid) : undefined);
    if (i === undefined) return;
    if (ev.data?.tag === 'ErrorData') {
      this.errorType.set(i, ev.data.errorType);
      this.errorMessage.set(i, ev.data.errorMessage);
    } else {
      this.errorType.set(i, ev.eventType);
    }
  }

  noteComplete(ev: EventRecord, trackedRow: number | undefined): void {
    const i = trackedRow ?? this.open.get(ev.sampleUuid);
    if (i === undefined) return;
    this.completeNs.set(i, ev.timestampNs);
    this.finishReason.set(i, ev.finishReason ?? null);
    if (ev.workerId !== undefined) this.workerId.set(i, ev.workerId);
    this.open.delete(ev.sampleUuid);
  }

  setTiming(i: number, which: 'ttft' | 'latency', value: bigint): void {
    (which === 'ttft' ? this.ttftNs : this.latencyNs).set(i, Number(value));
  }

  setIsl(i: number, count: number): void {
    this.isl.set(i, count);
  }

  setOsl(i: number, count: number): void {
    this.osl.set(i, count);
  }

  setTpot(i: number, value: number, tokens: number): void {
    this.tpotNs.set(i, value);
    this.tokensAfterFirst.set(i, tokens);
  }

  /** Whether row i was issued inside a performance-tracking window. */
  tracked(i: number): boolean {
    return this.block.get(i)! >= 0;
  }
}
