// Split a byte stream into numbered lines with bounded memory: only the
// current partial line is buffered. LF or CRLF endings; a last line without a
// newline is still a line. Invalid UTF-8 is reported, not replaced.
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';

export interface Line {
  /** 1-based line number in the file. */
  no: number;
  /** The decoded text, or null when the line could not be decoded. */
  text: string | null;
  /** Why `text` is null. */
  error?: string;
  /** Raw length in bytes, without the line ending. */
  bytes: number;
}

/** Longest line kept in memory; longer lines are reported, not decoded (V8 strings top out near 512 MiB). */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

/** Yields the lines of `stream` in batches (one per chunk read), in file order. */
export async function* readLines(stream: Readable | AsyncIterable<Buffer>): AsyncGenerator<Line[]> {
  let lineNo = 0;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let oversized = false;

  const finish = (tail: Buffer): Line => {
    lineNo++;
    const total = partBytes + tail.length;
    let buf: Buffer | null = null;
    if (!oversized) buf = parts.length === 0 ? tail : Buffer.concat([...parts, tail], total);
    parts = [];
    partBytes = 0;
    const wasOversized = oversized;
    oversized = false;
    if (wasOversized || buf === null) {
      return { no: lineNo, text: null, error: `line too long (${total} bytes, limit ${MAX_LINE_BYTES})`, bytes: total };
    }
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--;
    const body = end === buf.length ? buf : buf.subarray(0, end);
    if (!isUtf8(body)) return { no: lineNo, text: null, error: 'invalid UTF-8', bytes: body.length };
    return { no: lineNo, text: body.toString('utf8'), bytes: body.length };
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const batch: Line[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      batch.push(finish(chunk.subarray(start, nl)));
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      partBytes += rest.length;
      if (partBytes > MAX_LINE_BYTES) {
        oversized = true;
        parts = [];
      } else if (!oversized) {
        // Copy: the stream may reuse its chunk buffers.
        parts.push(Buffer.from(rest));
      }
    }
    if (batch.length > 0) yield batch;
  }
  if (partBytes > 0 || oversized) yield [finish(Buffer.alloc(0))];
}
