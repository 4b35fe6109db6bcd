// Split a log file into line-aligned byte ranges, so ranges can be read and
// decoded in parallel and their events replayed in file order afterwards.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';

export interface ByteRange {
  /** First byte (the start of a line). */
  start: number;
  /** One past the last byte (just after a newline, or the end of the file). */
  end: number;
}

/** `parts` ranges of about equal size; each boundary moved forward to just after a newline. */
export function splitRanges(path: string, parts: number): ByteRange[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const bounds = [0];
    const probe = Buffer.alloc(64 * 1024);
    for (let i = 1; i < parts; i++) {
      let pos = Math.max(Math.floor((size * i) / parts), bounds[bounds.length - 1]!);
      // Scan forward to the next newline.
      for (;;) {
        const n = readSync(fd, probe, 0, probe.length, pos);
        if (n === 0) {
          pos = size;
          break;
        }
        const nl = probe.subarray(0, n).indexOf(0x0a);
        if (nl !== -1) {
          pos += nl + 1;
          break;
        }
        pos += n;
      }
      bounds.push(Math.min(pos, size));
    }
    bounds.push(size);
    const ranges: ByteRange[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) if (bounds[i + 1]! > bounds[i]!) ranges.push({ start: bounds[i]!, end: bounds[i + 1]! });
    return ranges;
  } finally {
    closeSync(fd);
  }
}

/** The bytes of one range as a stream (feed it to readLines; add the range's first line number). */
export function openRange(path: string, range: ByteRange): Readable {
  return createReadStream(path, { start: range.start, end: range.end - 1, highWaterMark: 1 << 20 });
}

/** Newlines in a range: the line-number offset of the next range. */
export async function countNewlines(path: string, range: ByteRange): Promise<number> {
  let n = 0;
  for await (const chunk of openRange(path, range) as AsyncIterable<Buffer>) {
    let i = chunk.indexOf(0x0a);
    while (i !== -1) {
      n++;
      i = chunk.indexOf(0x0a, i + 1);
    }
  }
  return n;
}
