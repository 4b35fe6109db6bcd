// A streaming log's sample.complete line carries the output as the list of its
// streamed chunks: hundreds of short JSON strings, which JSON.parse turns into
// as many JS strings only for them to be joined again. This reads the writer's
// form from the bytes instead: each chunk is checked to be a valid JSON string,
// the chunks after the first are copied into one string literal, and that is
// decoded once. Anything else (tool calls, another layout, whitespace, bad
// escapes, invalid UTF-8) returns null and takes the general decoder; a line
// this accepts decodes the same there (a test checks this on mutated lines).
import { isUtf8 } from 'node:buffer';
import { Chunks, type EventRecord, type OutputField } from '../model/events.js';
import { headTimestamp, Literal, readWriterHead, viewOf, type WriterHead } from './writerHead.js';

const PREFIX = new Literal('{"event_type":"sample.complete');
const DATA = new Literal(',"data":["TextModelOutput",');
const NULL = new Literal('null');
const NO_TOOL_CALLS = new Literal('null]');
const FINISH_REASON = /^,"finish_reason":"([0-9A-Za-z_-]*)"/;
const WORKER_ID = /^,"worker_id":(0|-?[1-9]\d{0,14})/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Escapes JSON allows after a backslash, besides \u: " \ / b f n r t. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

/** Where the chunks after the first are gathered as one literal; grows as needed, reused. */
let scratch: Buffer = Buffer.allocUnsafe(1 << 16);

class NotFast extends Error {}
const NOT_FAST = new NotFast();

/** The event of a sample.complete line with a text output in the writer's form, else null. */
export function decodeCompleteLine(buf: Buffer, start: number, end: number): EventRecord | null {
  const v = viewOf(buf);
  if (!PREFIX.at(buf, v, start, end)) return null;
  const head: WriterHead = { tsHigh: 0, tsLow: 0, sampleUuid: '', conversationId: '', turn: null };
  const at = readWriterHead(buf, start + PREFIX.length, end, head);
  if (at < 0 || !DATA.at(buf, v, at, end) || !isUtf8(buf.subarray(start, end))) return null;
  try {
    const scan = new Scanner(buf, at + DATA.length, end);
    const output = scan.field();
    if (output === null) return null; // the general decoder explains why null is not allowed
    scan.expect(0x2c);
    const reasoning = scan.field();
    scan.expect(0x2c);
    scan.literal(NO_TOOL_CALLS);
    const finish = scan.match(FINISH_REASON);
    const worker = scan.match(WORKER_ID);
    scan.expect(0x7d);
    if (scan.at !== end) return null;
    return {
      eventType: 'sample.complete',
      timestampNs: headTimestamp(head),
      sampleUuid: head.sampleUuid,
      conversationId: head.conversationId,
      turn: head.turn,
      data: { tag: 'TextModelOutput', output, reasoning, toolCalls: null },
      finishReason: finish?.[1],
      workerId: worker ? Number(worker[1]) : undefined,
    };
  } catch (err) {
    if (err === NOT_FAST) return null;
    throw err;
  }
}

class Scanner {
  constructor(
    private readonly buf: Buffer,
    public at: number,
    private readonly end: number,
  ) {}

  expect(byte: number): void {
    if (this.at >= this.end || this.buf[this.at] !== byte) throw NOT_FAST;
    this.at++;
  }

  literal(lit: Literal): void {
    if (!lit.at(this.buf, viewOf(this.buf), this.at, this.end)) throw NOT_FAST;
    this.at += lit.length;
  }

  /** An optional member matched on its ASCII bytes. */
  match(pattern: RegExp): RegExpExecArray | null {
    if (this.buf[this.at] !== 0x2c) return null;
    const m = pattern.exec(this.buf.toString('latin1', this.at, Math.min(this.end, this.at + 64)));
    if (m) this.at += m[0].length;
    return m;
  }

  /** null, a string, or a list of strings (the chunks). */
  field(): OutputField | null {
    const c = this.buf[this.at];
    if (c === 0x6e) {
      this.literal(NULL);
      return null;
    }
    if (c === QUOTE) return this.string();
    this.expect(0x5b);
    if (this.buf[this.at] === 0x5d) {
      this.at++;
      return new Chunks(0, '', '');
    }
    const first = this.string();
    let count = 1;
    // The chunks after the first, as the contents of one string literal: scratch[1, length + 1).
    let length = 0;
    let escaped = false;
    while (this.buf[this.at] === 0x2c) {
      this.at++;
      if (length + (this.end - this.at) + 2 > scratch.length) scratch = grow(scratch, length + (this.end - this.at) + 2);
      const from = this.at + 1;
      escaped = this.skipString() || escaped;
      const n = this.at - 1 - from;
      const src = this.buf;
      for (let k = 0; k < n; k++) scratch[length + 1 + k] = src[from + k]!;
      length += n;
      count++;
    }
    this.expect(0x5d);
    let rest: string;
    if (escaped) {
      scratch[0] = QUOTE;
      scratch[length + 1] = QUOTE;
      rest = JSON.parse(scratch.toString('utf8', 0, length + 2)) as string;
    } else {
      rest = scratch.toString('utf8', 1, length + 1);
    }
    return new Chunks(count, first, rest);
  }

  /** One JSON string, decoded. */
  private string(): string {
    const from = this.at;
    const escaped = this.skipString();
    return escaped ? (JSON.parse(this.buf.toString('utf8', from, this.at)) as string) : this.buf.toString('utf8', from + 1, this.at - 1);
  }

  /** Steps over a valid JSON string literal (an opening quote at `at`); whether it holds escapes. */
  private skipString(): boolean {
    const { buf, end } = this;
    let i = this.at;
    if (buf[i] !== QUOTE) throw NOT_FAST;
    i++;
    let escaped = false;
    for (;;) {
      if (i >= end) throw NOT_FAST;
      const c = buf[i]!;
      if (c === QUOTE) break;
      if (c < 0x20) throw NOT_FAST; // raw control characters are not JSON
      if (c === BACKSLASH) {
        escaped = true;
        const e = buf[i + 1]!;
        if (SIMPLE_ESCAPE[e] === 1) i += 2;
        else if (e === 0x75 && HEX[buf[i + 2]!] === 1 && HEX[buf[i + 3]!] === 1 && HEX[buf[i + 4]!] === 1 && HEX[buf[i + 5]!] === 1) i += 6;
        else throw NOT_FAST;
        continue;
      }
      i++;
    }
    this.at = i + 1;
    return escaped;
  }
}

function grow(b: Buffer, need: number): Buffer {
  let size = b.length * 2;
  while (size < need) size *= 2;
  const bigger = Buffer.allocUnsafe(size);
  b.copy(bigger);
  return bigger;
}
