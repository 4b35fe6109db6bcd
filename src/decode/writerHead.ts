// The members every sample line of the writer starts with, read straight from
// the bytes (no string of the line, no regular expression):
//   ,"timestamp_ns":N,"sample_uuid":"ID","conversation_id":"CID","turn":T
// N is 0 or up to 30 digits without a leading zero; ID is [0-9A-Za-z_-]*, CID
// also allows . and :; T is null, 0 or up to 15 digits with an optional minus.
// Only ASCII is accepted, so what this reads decodes the same as UTF-8 JSON; any
// other form (spaces, escapes, floats, long turns) is left to the general decoder.
//
// Cost matters: a streaming log has one such line per chunk. Byte-by-byte access
// from JS is the cost, so literals are compared four bytes at a time, and an id
// seen before is recognised by its words instead of being checked and sliced again.
// The timestamp is read as two exact doubles, not a BigInt (model/timestampParts.ts).
import { partsToBigInt } from '../model/timestampParts.js';

export interface WriterHead {
  /** The timestamp, tsHigh * 10^15 + tsLow (model/timestampParts.ts): headTimestamp gives it as a BigInt. */
  tsHigh: number;
  tsLow: number;
  sampleUuid: string;
  conversationId: string;
  turn: number | null;
}

/** A DataView over the buffer last read (buffers are read chunks: one view each). */
let viewed: Uint8Array | null = null;
let view: DataView = new DataView(new ArrayBuffer(0));

export function viewOf(buf: Uint8Array): DataView {
  if (buf !== viewed) {
    viewed = buf;
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return view;
}

/** An ASCII literal, compared four bytes at a time. */
export class Literal {
  readonly length: number;
  private readonly words: Uint32Array;
  private readonly bytes: Uint8Array;

  constructor(text: string) {
    this.bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    this.length = this.bytes.length;
    this.words = new Uint32Array(this.bytes.buffer.slice(0, this.length & ~3));
  }

  /** Whether buf (seen through v) holds the literal at `at`, within `end`. */
  at(buf: Uint8Array, v: DataView, at: number, end: number): boolean {
    if (at + this.length > end) return false;
    const w = this.words;
    for (let k = 0; k < w.length; k++) if (v.getUint32(at + 4 * k, true) !== w[k]) return false;
    for (let k = w.length * 4; k < this.length; k++) if (buf[at + k] !== this.bytes[k]) return false;
    return true;
  }
}

const TIMESTAMP = new Literal('","timestamp_ns":');
const UUID = new Literal(',"sample_uuid":"');
const CID = new Literal('","conversation_id":"');
const TURN = new Literal('","turn":');
const NULL = new Literal('null');

const ID_CHAR = new Uint8Array(256);
for (const c of '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-') ID_CHAR[c.charCodeAt(0)] = 1;
/** Conversation ids: ID_CHAR plus . and : */
const CID_CHAR = ID_CHAR.slice();
CID_CHAR[0x2e] = 1;
CID_CHAR[0x3a] = 1;

/**
 * Ids read before, by a hash of their bytes: a slot keeps the id's string and its
 * bytes as words. Direct-mapped: a miss checks and slices the id, and takes the slot.
 * A hit is exact (every byte compared), and the string it returns was checked
 * against the same character set when it was first read.
 */
class IdCache {
  private static readonly BITS = 12;
  private static readonly SLOTS = 1 << IdCache.BITS;
  private readonly strings: Array<string | null> = new Array<string | null>(IdCache.SLOTS).fill(null);
  private readonly words: Array<Uint32Array | null> = new Array<Uint32Array | null>(IdCache.SLOTS).fill(null);

  constructor(private readonly chars: Uint8Array) {}

  /** Where the last id read ends: its closing quote. */
  quote = 0;

  /** The id from `from` up to the next quote (before `end`) if every byte is an id character, else null. */
  read(buf: Buffer, v: DataView, from: number, end: number): string | null {
    const quote = buf.indexOf(0x22, from);
    if (quote < 0 || quote >= end) return null;
    this.quote = quote;
    const length = quote - from;
    if (length === 0) return '';
    if (length < 4) return this.check(buf, from, quote) ? buf.toString('latin1', from, quote) : null;
    // Words: the id's whole words, then its last four bytes (which cover any tail).
    const n = length >> 2;
    const last = v.getUint32(quote - 4, true);
    const slot = (Math.imul(v.getUint32(from, true) ^ Math.imul(last, 0x9e3779b1), 0x85ebca6b) ^ length) >>> (32 - IdCache.BITS);
    const s = this.strings[slot];
    if (s !== null && s.length === length) {
      const w = this.words[slot]!;
      let same = w[n] === last;
      for (let k = 0; k < n && same; k++) same = v.getUint32(from + 4 * k, true) === w[k];
      if (same) return s;
    }
    if (!this.check(buf, from, quote)) return null;
    const id = buf.toString('latin1', from, quote);
    const w = new Uint32Array(n + 1);
    for (let k = 0; k < n; k++) w[k] = v.getUint32(from + 4 * k, true);
    w[n] = last;
    this.strings[slot] = id;
    this.words[slot] = w;
    return id;
  }

  private check(buf: Uint8Array, from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (this.chars[buf[i]!] !== 1) return false;
    return true;
  }
}

const uuids = new IdCache(ID_CHAR);
const conversations = new IdCache(CID_CHAR);

/**
 * Reads the head from `at` (the closing quote of the event type) into `head`;
 * returns the offset just after the turn's value, or -1 if the bytes are not in this form.
 */
export function readWriterHead(buf: Buffer, at: number, end: number, head: WriterHead): number {
  const v = viewOf(buf);
  if (!TIMESTAMP.at(buf, v, at, end)) return -1;
  // The timestamp and the turn end where the next member starts: at a comma.
  let i = at + TIMESTAMP.length;
  const comma = buf.indexOf(0x2c, i);
  if (comma < 0 || comma >= end || !integerForm(buf, i, comma, 30)) return -1;
  if (!readParts(buf, i, comma, head)) return -1;
  i = comma;

  if (!UUID.at(buf, v, i, end)) return -1;
  const uuid = uuids.read(buf, v, i + UUID.length, end);
  if (uuid === null) return -1;
  head.sampleUuid = uuid;
  i = uuids.quote;

  if (!CID.at(buf, v, i, end)) return -1;
  const conversation = conversations.read(buf, v, i + CID.length, end);
  if (conversation === null) return -1;
  head.conversationId = conversation;
  i = conversations.quote;

  if (!TURN.at(buf, v, i, end)) return -1;
  i += TURN.length;
  if (NULL.at(buf, v, i, end)) {
    head.turn = null;
    return i + NULL.length;
  }
  const turnEnd = buf.indexOf(0x2c, i);
  const negative = buf[i] === 0x2d;
  const digits = negative ? i + 1 : i;
  // 0 has no sign.
  if (turnEnd < 0 || turnEnd >= end || !integerForm(buf, digits, turnEnd, 15) || (negative && buf[digits] === 0x30)) return -1;
  const value = digitsValue(buf, digits, turnEnd);
  if (value < 0) return -1;
  head.turn = negative ? -value : value;
  return turnEnd;
}

/** Whether buf[from, to) can be an integer's digits: 1..max of them, no leading zero (digits are checked as they are read). */
function integerForm(buf: Uint8Array, from: number, to: number, max: number): boolean {
  const n = to - from;
  return n >= 1 && n <= max && (n === 1 || buf[from] !== 0x30);
}

/** A head's timestamp, exactly. */
export const headTimestamp = (head: WriterHead): bigint => partsToBigInt(head.tsHigh, head.tsLow);

/** Reads the ASCII digits buf[from, to) (at most 30 of them) into head's timestamp parts; false if one is not a digit. */
function readParts(buf: Uint8Array, from: number, to: number, head: WriterHead): boolean {
  const split = Math.max(from, to - 15);
  const high = split > from ? digitsValue(buf, from, split) : 0;
  const low = digitsValue(buf, split, to);
  if (high < 0 || low < 0) return false;
  head.tsHigh = high;
  head.tsLow = low;
  return true;
}

/** The value of at most 15 ASCII digits; -1 if a byte is not a digit. */
function digitsValue(buf: Uint8Array, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}
