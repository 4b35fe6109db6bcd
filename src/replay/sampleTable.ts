// One row per sample (tracked or not) for the notebook tables: what happened to
// it and its metrics. Filled by the aggregator; no effect on the summary.
import type { EventRecord } from '../decode/events.js';

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

export class SampleTable {
  readonly uuid: string[] = [];
  readonly conversationId: string[] = [];
  readonly turn: Array<number | null> = [];
  /** Tracking block index, -1 when issued outside performance tracking. */
  readonly block: number[] = [];
  readonly issuedNs: Array<bigint | null> = [];
  readonly firstChunkNs: Array<bigint | null> = [];
  readonly completeNs: Array<bigint | null> = [];
  readonly ttftNs: Array<number | null> = [];
  readonly latencyNs: Array<number | null> = [];
  readonly tpotNs: Array<number | null> = [];
  readonly isl: Array<number | null> = [];
  readonly osl: Array<number | null> = [];
  /** Tokens after the first chunk (the TPOT denominator). */
  readonly tokensAfterFirst: Array<number | null> = [];
  readonly chunks: number[] = [];
  readonly issueCount: number[] = [];
  readonly finishReason: Array<string | null> = [];
  readonly errorType: Array<string | null> = [];
  readonly errorMessage: Array<string | null> = [];
  readonly workerId: Array<number | null> = [];
  /** Samples not yet completed: uuid -> row. */
  private readonly open = new Map<string, number>();
  /** Per row, for the chunk sink: the current attempt's chunks so far and its last arrival. */
  private readonly attemptChunks: number[] = [];
  private readonly lastChunkNs: Array<bigint | null> = [];

  constructor(private readonly chunkSink: ChunkSink | null = null) {}

  get length(): number {
    return this.uuid.length;
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
      this.issuedNs.push(null);
      this.firstChunkNs.push(null);
      this.completeNs.push(null);
      this.ttftNs.push(null);
      this.latencyNs.push(null);
      this.tpotNs.push(null);
      this.isl.push(null);
      this.osl.push(null);
      this.tokensAfterFirst.push(null);
      this.chunks.push(0);
      this.issueCount.push(0);
      this.finishReason.push(null);
      this.errorType.push(null);
      this.errorMessage.push(null);
      this.workerId.push(null);
      this.attemptChunks.push(0);
      this.lastChunkNs.push(null);
      this.open.set(ev.sampleUuid, i);
    } else if (block >= 0) {
      this.block[i] = block;
    }
    this.issuedNs[i] = ev.timestampNs;
    this.issueCount[i]!++;
    this.attemptChunks[i] = 0;
    this.lastChunkNs[i] = null;
    if (ev.workerId !== undefined) this.workerId[i] = ev.workerId;
    return i;
  }

  noteChunk(ev: EventRecord, trackedRow: number | undefined, first: boolean): void {
    const i = trackedRow ?? this.open.get(ev.sampleUuid);
    if (i === undefined) return;
    this.chunks[i]!++;
    const t = ev.timestampNs;
    if (first) this.firstChunkNs[i] = t;
    if (this.chunkSink) {
      const issued = this.issuedNs[i]!;
      const last = this.lastChunkNs[i]!;
      this.chunkSink.chunk(i, this.issueCount[i]!, this.attemptChunks[i]!++, issued === null ? null : t - issued, last === null ? null : t - last, this.block[i]! >= 0);
      this.lastChunkNs[i] = t;
    }
  }

  noteError(ev: EventRecord, trackedRow: number | undefined): void {
    const i = trackedRow ?? (ev.sampleUuid ? this.open.get(ev.sampleUuid) : undefined);
    if (i === undefined) return;
    if (ev.data?.tag === 'ErrorData') {
      this.errorType[i] = ev.data.errorType;
      this.errorMessage[i] = ev.data.errorMessage;
    } else {
      this.errorType[i] = ev.eventType;
    }
  }

  noteComplete(ev: EventRecord, trackedRow: number | undefined): void {
    const i = trackedRow ?? this.open.get(ev.sampleUuid);
    if (i === undefined) return;
    this.completeNs[i] = ev.timestampNs;
    this.finishReason[i] = ev.finishReason ?? null;
    if (ev.workerId !== undefined) this.workerId[i] = ev.workerId;
    this.open.delete(ev.sampleUuid);
  }

  setTiming(i: number, which: 'ttft' | 'latency', value: bigint): void {
    (which === 'ttft' ? this.ttftNs : this.latencyNs)[i] = Number(value);
  }

  setIsl(i: number, count: number): void {
    this.isl[i] = count;
  }

  setOsl(i: number, count: number): void {
    this.osl[i] = count;
  }

  setTpot(i: number, value: number, tokens: number): void {
    this.tpotNs[i] = value;
    this.tokensAfterFirst[i] = tokens;
  }
}
