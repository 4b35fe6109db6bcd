// The compact form of a shard's decoded lines: one record per line in columns
// (typed arrays, and every string of the shard packed into one), so a shard's
// answer crosses the process boundary as a few buffers, never as texts. The
// reducer reads each record back as the EventRecord the aggregator needs plus
// its token counts (aggregator.ts EventCounts) — or, for a chunk run, as the
// arguments of Aggregator.processChunkRun: one record for a sample's
// consecutive sample.recv_non_first lines, so a streamed log costs the reducer
// per sample, not per chunk.
import type { EventCounts } from '../aggregate/aggregator.js';
import { inInt64 } from '../model/columns.js';
import { EVENT_TYPES, type EventRecord } from '../model/events.js';
import { partsAbove, partsToBigInt } from '../model/timestampParts.js';

const TYPE_INDEX = new Map(EVENT_TYPES.map((t, i) => [t, i]));
/** kind of a line the decoder rejected. */
export const CORRUPT = 255;
/** kind of a chunk run: `span` sample.recv_non_first lines of one sample (ts: the last one's timestamp, tsMax: the greatest). */
export const CHUNK_RUN = 254;
/** data tags. */
const Tag = { None: 0, PromptData: 1, TextModelOutput: 2, ErrorData: 3 } as const;
const TAGS = [null, 'PromptData', 'TextModelOutput', 'ErrorData'] as const;

/** Token metric of a note. */
export const NoteMetric = { isl: 0, osl: 1, tpot: 2 } as const;

export interface ShardRecords {
  /** Log lines of the shard (a chunk run stands for several). */
  lines: number;
  records: number;
  /** Bytes of the lines, each with one byte for its line ending (as decodeStream counts). */
  bytes: number;
  kind: Uint8Array;
  /** Lines each record stands for: 1, or a chunk run's length. */
  span: Int32Array;
  /** Timestamps within int64; others in tsWideLine/tsWide (decimal strings). */
  ts: BigInt64Array;
  /** A chunk run's greatest timestamp (other records: unused). */
  tsMax: BigInt64Array;
  tsWideLine: Int32Array;
  tsWide: Int32Array;
  uuid: Int32Array;
  conversation: Int32Array;
  /** NaN: null / absent. */
  turn: Float64Array;
  workerId: Float64Array;
  /** String index, -1: absent. */
  finishReason: Int32Array;
  tag: Uint8Array;
  /** PromptData token_ids length, -1: none. */
  tokenIds: Int32Array;
  isl: Int32Array;
  osl: Int32Array;
  tpot: Int32Array;
  /** ErrorData fields (string indices, -1 for other lines). */
  errorType: Int32Array;
  errorMessage: Int32Array;
  /** Per-input notes: line, metric (NoteMetric), reason (string index). */
  noteLine: Int32Array;
  noteMetric: Uint8Array;
  noteReason: Int32Array;
  /** Corrupt lines: how many, and the first ones (line within the shard from 0, reason string index). */
  corrupt: number;
  corruptLine: Int32Array;
  corruptReason: Int32Array;
  /** Prompts whose count was reused within the shard. */
  promptsReused: number;
  /** Every string, back to back; string i is strings.slice(ends[i-1], ends[i]). */
  strings: string;
  stringEnds: Int32Array;
  /** A file range's share of the log's digest (read/blockDigest.ts): the SHA-256s of the blocks that begin in it. */
  blockDigests: Uint8Array;
}

/** Grows typed columns a line at a time (shard side). */
export class RecordsBuilder {
  private n = 0;
  private cap = 1024;
  /** Lines added so far (records, and the later lines of chunk runs). */
  private lineCount = 0;
  kind = new Uint8Array(this.cap);
  span = new Int32Array(this.cap);
  ts = new BigInt64Array(this.cap);
  tsMax = new BigInt64Array(this.cap);
  uuid = new Int32Array(this.cap);
  conversation = new Int32Array(this.cap);
  turn = new Float64Array(this.cap);
  workerId = new Float64Array(this.cap);
  finishReason = new Int32Array(this.cap);
  tag = new Uint8Array(this.cap);
  tokenIds = new Int32Array(this.cap);
  isl = new Int32Array(this.cap);
  osl = new Int32Array(this.cap);
  tpot = new Int32Array(this.cap);
  errorType = new Int32Array(this.cap);
  errorMessage = new Int32Array(this.cap);
  /**
   * A chunk run's last and greatest timestamps, [last high, last low, max high, max low] per record
   * (model/timestampParts.ts): a run grows by a line per chunk, and finish() makes their BigInts once.
   */
  private runTs = new Float64Array(4 * this.cap);
  private readonly wideLine: number[] = [];
  private readonly wide: number[] = [];
  private readonly notes: number[] = [];
  private readonly corruptLines: number[] = [];
  corrupt = 0;
  bytes = 0;
  promptsReused = 0;
  private readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(private readonly maxCorruptExamples: number) {}

  intern(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.push(s) - 1;
      this.index.set(s, i);
    }
    return i;
  }

  /** Appends a line; counts start as NO_INPUT-free placeholders the caller fills. Returns its index. */
  addEvent(ev: EventRecord): number {
    const k = this.grow();
    this.kind[k] = TYPE_INDEX.get(ev.eventType)!;
    const t = ev.timestampNs;
    if (inInt64(t)) this.ts[k] = t;
    else {
      this.wideLine.push(k);
      this.wide.push(this.intern(t.toString()));
    }
    this.uuid[k] = this.intern(ev.sampleUuid);
    this.conversation[k] = this.intern(ev.conversationId);
    this.turn[k] = ev.turn ?? NaN;
    this.workerId[k] = ev.workerId ?? NaN;
    this.finishReason[k] = ev.finishReason === undefined ? -1 : this.intern(ev.finishReason);
    const d = ev.data;
    this.tag[k] = d === null ? Tag.None : Tag[d.tag];
    this.tokenIds[k] = d?.tag === 'PromptData' && d.tokenIdsCount !== null ? d.tokenIdsCount : -1;
    this.errorType[k] = d?.tag === 'ErrorData' ? this.intern(d.errorType) : -1;
    this.errorMessage[k] = d?.tag === 'ErrorData' ? this.intern(d.errorMessage) : -1;
    return k;
  }

  addCorrupt(reason: string): void {
    const line = this.lineCount;
    const k = this.grow();
    this.kind[k] = CORRUPT;
    if (this.corrupt++ < this.maxCorruptExamples) this.corruptLines.push(line, this.intern(reason));
  }

  /** Starts a chunk run with one sample.recv_non_first line (its timestamp within int64, in parts); returns its record. */
  addChunkRun(sampleUuid: string, high: number, low: number): number {
    const k = this.grow();
    this.kind[k] = CHUNK_RUN;
    this.uuid[k] = this.intern(sampleUuid);
    this.runTs.set([high, low, high, low], 4 * k);
    return k;
  }

  /** Adds the next sample.recv_non_first line of the run's sample to run k. */
  extendChunkRun(k: number, high: number, low: number): void {
    this.lineCount++;
    this.span[k]++;
    const t = this.runTs;
    t[4 * k] = high;
    t[4 * k + 1] = low;
    if (partsAbove(high, low, t[4 * k + 2]!, t[4 * k + 3]!)) {
      t[4 * k + 2] = high;
      t[4 * k + 3] = low;
    }
  }

  note(line: number, metric: number, reason: string): void {
    this.notes.push(line, metric, this.intern(reason));
  }

  finish(): ShardRecords {
    const n = this.n;
    const t = this.runTs;
    for (let k = 0; k < n; k++) {
      if (this.kind[k] !== CHUNK_RUN) continue;
      this.ts[k] = partsToBigInt(t[4 * k]!, t[4 * k + 1]!);
      this.tsMax[k] = partsToBigInt(t[4 * k + 2]!, t[4 * k + 3]!);
    }
    let total = 0;
    const ends = new Int32Array(this.strings.length);
    this.strings.forEach((s, i) => (ends[i] = total += s.length));
    const notes = this.notes;
    const every = (step: number, at: number, arr: number[]): Int32Array => Int32Array.from({ length: arr.length / step }, (_, i) => arr[i * step + at]!);
    return {
      lines: this.lineCount,
      records: n,
      bytes: this.bytes,
      kind: this.kind.slice(0, n),
      span: this.span.slice(0, n),
      ts: this.ts.slice(0, n),
      tsMax: this.tsMax.slice(0, n),
      tsWideLine: Int32Array.from(this.wideLine),
      tsWide: Int32Array.from(this.wide),
      uuid: this.uuid.slice(0, n),
      conversation: this.conversation.slice(0, n),
      turn: this.turn.slice(0, n),
      workerId: this.workerId.slice(0, n),
      finishReason: this.finishReason.slice(0, n),
      tag: this.tag.slice(0, n),
      tokenIds: this.tokenIds.slice(0, n),
      isl: this.isl.slice(0, n),
      osl: this.osl.slice(0, n),
      tpot: this.tpot.slice(0, n),
      errorType: this.errorType.slice(0, n),
      errorMessage: this.errorMessage.slice(0, n),
      noteLine: every(3, 0, notes),
      noteMetric: Uint8Array.from(every(3, 1, notes)),
      noteReason: every(3, 2, notes),
      corrupt: this.corrupt,
      corruptLine: every(2, 0, this.corruptLines),
      corruptReason: every(2, 1, this.corruptLines),
      promptsReused: this.promptsReused,
      strings: this.strings.join(''),
      stringEnds: ends,
      blockDigests: new Uint8Array(0),
    };
  }

  private grow(): number {
    if (this.n === this.cap) {
      this.cap *= 2;
      for (const key of ['kind', 'span', 'ts', 'tsMax', 'uuid', 'conversation', 'turn', 'workerId', 'finishReason', 'tag', 'tokenIds', 'isl', 'osl', 'tpot', 'errorType', 'errorMessage'] as const) {
        const old = this[key];
        const next = new (old.constructor as new (n: number) => typeof old)(this.cap);
        (next as Uint8Array).set(old as Uint8Array);
        (this as Record<string, unknown>)[key] = next;
      }
      const runTs = new Float64Array(4 * this.cap);
      runTs.set(this.runTs);
      this.runTs = runTs;
    }
    this.span[this.n] = 1;
    this.lineCount++;
    return this.n++;
  }
}

/** Reads a shard's lines back (reducer side). */
export class RecordsReader {
  private readonly strs: string[];
  private readonly wide = new Map<number, bigint>();
  readonly counts: EventCounts = { isl: 0, osl: 0, tpot: 0 };
  /** The event event() returns, refilled for each line: the aggregator copies what it keeps. */
  private readonly ev: EventRecord = { eventType: 'session.started', timestampNs: 0n, sampleUuid: '', conversationId: '', turn: null, data: null, finishReason: undefined, workerId: undefined };

  constructor(readonly r: ShardRecords) {
    this.strs = new Array<string>(r.stringEnds.length);
    let at = 0;
    for (let i = 0; i < r.stringEnds.length; i++) {
      this.strs[i] = r.strings.slice(at, r.stringEnds[i]);
      at = r.stringEnds[i]!;
    }
    for (let i = 0; i < r.tsWideLine.length; i++) this.wide.set(r.tsWideLine[i]!, BigInt(this.strs[r.tsWide[i]!]!));
  }

  str(i: number): string {
    return this.strs[i]!;
  }

  /**
   * Line k as an event (data reduced to what the aggregator reads when counts are given); fills
   * `counts`. The same object each call: valid until the next.
   */
  event(k: number): EventRecord {
    const r = this.r;
    const turn = r.turn[k]!;
    const worker = r.workerId[k]!;
    const finish = r.finishReason[k]!;
    const tag = TAGS[r.tag[k]!];
    let data: EventRecord['data'] = null;
    if (tag === 'PromptData') {
      const ids = r.tokenIds[k]!;
      data = { tag, text: null, tokenIdsCount: ids < 0 ? null : ids, messages: null, tools: null, chatTemplateKwargs: null, chatTemplate: null, toolChoice: null };
    } else if (tag === 'TextModelOutput') data = { tag, output: '', reasoning: null, toolCalls: null };
    else if (tag === 'ErrorData') data = { tag, errorType: this.strs[r.errorType[k]!]!, errorMessage: this.strs[r.errorMessage[k]!]! };
    this.counts.isl = r.isl[k]!;
    this.counts.osl = r.osl[k]!;
    this.counts.tpot = r.tpot[k]!;
    const ev = this.ev;
    ev.eventType = EVENT_TYPES[r.kind[k]!]!;
    ev.timestampNs = (this.wide.size > 0 ? this.wide.get(k) : undefined) ?? r.ts[k]!;
    ev.sampleUuid = this.strs[r.uuid[k]!]!;
    ev.conversationId = this.strs[r.conversation[k]!]!;
    ev.turn = Number.isNaN(turn) ? null : turn;
    ev.data = data;
    ev.finishReason = finish < 0 ? undefined : this.strs[finish]!;
    ev.workerId = Number.isNaN(worker) ? undefined : worker;
    return ev;
  }
}
