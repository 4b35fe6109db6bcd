// Split a byte stream into numbered lines with bounded memory: only the
// current partial line is buffered. LF or CRLF endings; a last line without a
// newline is still a line. Invalid UTF-8 is reported, not replaced.
//
// A Line is a view into the chunk it was read from (no copy): its bytes, and
// `text`, are valid until the next batch is requested.
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';

/** Longest line kept in memory; longer lines are reported, not decoded (V8 strings top out near 512 MiB). */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;
/**
 * Reading stops with NoLineEnd when the first line runs past MAX_LINE_BYTES, or a later
 * one past this: /dev/zero behind a pipe, or a file of NULs, is no log, and would
 * otherwise be read forever.
 */
export const GIVE_UP_LINE_BYTES = 1024 * 1024 * 1024;

/** The stream has no line end where a log must have one; the message says where. */
export class NoLineEnd extends Error {}

export class Line {
  private decoded: string | null | undefined;
  private why: string | undefined;

  constructor(
    /** 1-based line number in the file. */
    readonly no: number,
    /** Holds the line's bytes at [start, end), without the line ending; null for a line too long to keep. */
    readonly buf: Buffer | null,
    readonly start: number,
    readonly end: number,
    /** Raw length in bytes, without the line ending. */
    readonly bytes: number,
  ) {
    if (buf === null) this.why = `line too long (${bytes} bytes, limit ${MAX_LINE_BYTES})`;
  }

  /** The decoded text, or null when the line cannot be decoded (see `error`). */
  get text(): string | null {
    if (this.decoded === undefined) {
      if (this.buf === null) this.decoded = null;
      else if (!isUtf8(this.buf.subarray(this.start, this.end))) {
        this.decoded = null;
        this.why = 'invalid UTF-8';
      } else this.decoded = this.buf.toString('utf8', this.start, this.end);
    }
    return this.decoded;
  }

  /** Why `text` is null. */
  get error(): string | undefined {
    void this.text;
    return this.why;
  }
}

/** Yields the lines of `stream` in batches (one per chunk read), in file order. */
export async function* readLines(stream: Readable | AsyncIterable<Buffer>): AsyncGenerator<Line[]> {
  let lineNo = 0;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let oversized = false;

  const line = (buf: Buffer, start: number, end: number): Line => {
    if (end > start && buf[end - 1] === 0x0d) end--;
    return new Line(++lineNo, buf, start, end, end - start);
  };

  // The buffered start of a line, completed by `tail`.
  const joined = (tail: Buffer, tailEnd: number): Line => {
    const total = partBytes + tailEnd;
    const wasOversized = oversized;
    const buf = oversized ? null : Buffer.concat([...parts, tail.subarray(0, tailEnd)], total);
    parts = [];
    partBytes = 0;
    oversized = false;
    if (wasOversized || buf === null) return new Line(++lineNo, null, 0, 0, total);
    return line(buf, 0, buf.length);
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const batch: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      batch.push(start === 0 && (partBytes > 0 || oversized) ? joined(chunk, nl) : line(chunk, start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.length - start;
      partBytes += rest;
      if (partBytes > MAX_LINE_BYTES) {
        if (lineNo === 0) throw new NoLineEnd(`no line end in the first ${MAX_LINE_BYTES >> 20} MB: not an event log`);
        if (partBytes > GIVE_UP_LINE_BYTES) throw new NoLineEnd(`line ${lineNo + 1}: no line end within ${GIVE_UP_LINE_BYTES >> 20} MB: not an event log from here on`);
        oversized = true;
        parts = [];
      } else if (!oversized) {
        // Copy: this part outlives the chunk.
        parts.push(Buffer.from(chunk.subarray(start)));
      }
    }
    if (batch.length > 0) yield batch;
  }
  if (partBytes > 0 || oversized) yield [joined(Buffer.alloc(0), 0)];
}
