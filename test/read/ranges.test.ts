// Byte ranges cover the file exactly, start on line starts, and read back
// into the same lines as one sequential read.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../src/read/lines.js';
import { openLog } from '../../src/read/open.js';
import { countNewlines, openRange, splitRanges } from '../../src/read/ranges.js';

const LOG = join(__dirname, '..', '..', 'fixtures', 'golden', 'errors-retries', 'events.jsonl');

async function texts(stream: AsyncIterable<Buffer>, firstLine = 1): Promise<Array<[number, string | null]>> {
  const out: Array<[number, string | null]> = [];
  for await (const batch of readLines(stream)) for (const l of batch) out.push([l.no + firstLine - 1, l.text]);
  return out;
}

describe('splitRanges', () => {
  it.each([1, 2, 3, 7, 16])('%i ranges read back to the same numbered lines as one read', async (parts) => {
    const whole = await texts(openLog(LOG));
    const ranges = splitRanges(LOG, parts);
    expect(ranges[0]!.start).toBe(0);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.start).toBe(ranges[i - 1]!.end);
    const pieces: Array<[number, string | null]> = [];
    let firstLine = 1;
    for (const r of ranges) {
      pieces.push(...(await texts(openRange(LOG, r), firstLine)));
      firstLine += await countNewlines(LOG, r);
    }
    expect(pieces).toEqual(whole);
  });

  it('handles a file shorter than the number of parts and one with no newline', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ranges-'));
    const p = join(dir, 'tiny.jsonl');
    writeFileSync(p, 'abc');
    expect(splitRanges(p, 8)).toEqual([{ start: 0, end: 3 }]);
    writeFileSync(p, 'a\nb\n');
    const r = splitRanges(p, 8);
    expect(r).toEqual([{ start: 0, end: 2 }, { start: 2, end: 4 }]);
  });
});
