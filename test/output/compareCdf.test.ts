// The compare page's CDFs: the downsampling rule on hand-computed inputs, and
// samples.arrow read from real Arrow IPC files written by apache-arrow (tracked
// rows only, nulls skipped), including a file of a million rows; every way the
// optional file can be wrong is a note, never an error or a hang.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays, tableToIPC, vectorFromArray, Bool, Float64, Int64, makeTable, Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { cdfPoints } from '../../src/output/compare/cdf.js';
import { readRunCdfs } from '../../src/output/compare/samples.js';

describe('cdfPoints', () => {
  it('keeps every value while there are no more than the levels', () => {
    expect(cdfPoints([3, 5, 5, 9], 500)).toEqual([{ v: 3, p: 0.25 }, { v: 5, p: 0.5 }, { v: 5, p: 0.75 }, { v: 9, p: 1 }]);
    expect(cdfPoints([], 500)).toEqual([]);
  });
  it('above that, the order statistics of rank floor(k(n-1)/(levels-1))', () => {
    // n = 10, 4 levels: ranks 0, 3, 6, 9.
    expect(cdfPoints([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4)).toEqual([{ v: 1, p: 0.1 }, { v: 4, p: 0.4 }, { v: 7, p: 0.7 }, { v: 10, p: 1 }]);
    // n = 5, 3 levels: ranks 0, 2, 4.
    expect(cdfPoints([10, 20, 30, 40, 50], 3)).toEqual([{ v: 10, p: 0.2 }, { v: 30, p: 0.6 }, { v: 50, p: 1 }]);
  });
  it('a million values give 500 points from the minimum to the maximum', () => {
    const n = 1_000_000;
    const sorted = Float64Array.from({ length: n }, (_, i) => i * 0.5);
    const pts = cdfPoints(sorted);
    expect(pts).toHaveLength(500);
    expect(pts[0]).toEqual({ v: 0, p: 1 / n });
    expect(pts[499]).toEqual({ v: (n - 1) * 0.5, p: 1 });
    // Rank of level 250: floor(250 * 999999 / 499) = floor(249999750 / 499) = 501001 (499 * 501001 = 249999499).
    expect(pts[250]).toEqual({ v: 501001 * 0.5, p: 501002 / n });
  });
});

/** A samples table as replay writes it (the columns the CDFs need): row i has ttft i ms, latency 10·i ms, tpot i/4 ms; odd rows untracked; every 7th TTFT null. */
function samplesTable(n: number): Table {
  const tracked = vectorFromArray(Array.from({ length: n }, (_, i) => i % 2 === 0), new Bool());
  const ttft = vectorFromArray(Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : BigInt(i) * 1_000_000n)), new Int64());
  const latency = vectorFromArray(Array.from({ length: n }, (_, i) => BigInt(i) * 10_000_000n), new Int64());
  const tpot = vectorFromArray(Array.from({ length: n }, (_, i) => i * 250_000), new Float64());
  return makeTable({ tracked: tracked.data[0]!, ttft_ns: ttft.data[0]!, tpot_ns: tpot.data[0]!, latency_ns: latency.data[0]! } as never) as unknown as Table;
}

describe('readRunCdfs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmp-cdf-'));

  it('tracked rows only, nulls skipped, in ms', async () => {
    const path = join(dir, 'small.arrow');
    writeFileSync(path, tableToIPC(samplesTable(20), 'file'));
    const r = await readRunCdfs(path);
    if (!r.ok) throw new Error(r.note);
    // Tracked rows: 0, 2, …, 18; TTFT null at 0 and 14.
    expect(r.cdfs.ttft.map((x) => x.v)).toEqual([2, 4, 6, 8, 10, 12, 16, 18]);
    expect(r.cdfs.latency.map((x) => x.v)).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180]);
    expect(r.cdfs.tpot.map((x) => x.v)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
    expect(r.counts).toEqual({ ttft: 8, tpot: 10, latency: 10 });
  });

  it('a million rows in record batches: 500 points per CDF, the right order statistics', async () => {
    const n = 1_000_000;
    const t = samplesTable(n);
    const path = join(dir, 'big.arrow');
    // Record batches of 2^14 rows, as replay writes them.
    const batches = new Table(Array.from({ length: Math.ceil(n / 16384) }, (_, k) => t.slice(k * 16384, (k + 1) * 16384).batches).flat());
    expect(batches.batches.length).toBeGreaterThan(60);
    writeFileSync(path, tableToIPC(batches, 'file'));
    const r = await readRunCdfs(path);
    if (!r.ok) throw new Error(r.note);
    // Latency of the tracked rows: 20·m ms for m = 0 … 499999.
    expect(r.counts.latency).toBe(500_000);
    expect(r.cdfs.latency).toHaveLength(500);
    const rank = (k: number): number => Math.floor((k * 499_999) / 499);
    expect(r.cdfs.latency[0]).toEqual({ v: 0, p: 1 / 500_000 });
    expect(r.cdfs.latency[123]).toEqual({ v: 20 * rank(123), p: (rank(123) + 1) / 500_000 });
    expect(r.cdfs.latency[499]).toEqual({ v: 20 * 499_999, p: 1 });
  }, 60_000);

  describe('what is wrong with the file becomes a note', () => {
    const cases: Array<[string, () => string, RegExp]> = [
      ['absent', () => join(dir, 'none.arrow'), /^no .*none\.arrow$/],
      ['a directory', () => { const p = join(dir, 'adir.arrow'); mkdirSync(p); return p; }, /is a directory, not a regular file/],
      ['a FIFO (no hang)', () => { const p = join(dir, 'fifo.arrow'); execFileSync('mkfifo', [p]); return p; }, /is a FIFO \(named pipe\), not a regular file/],
      ['not Arrow', () => { const p = join(dir, 'junk.arrow'); writeFileSync(p, 'ARROW1\0\0 this is not arrow at all'); return p; }, /not a readable Arrow IPC file/],
      ['over the 2 GB limit (sparse, never read)', () => { const p = join(dir, 'huge.arrow'); writeFileSync(p, ''); truncateSync(p, 3 * 1024 ** 3); return p; }, /is 3\.0 GB, more than the 2 GB read for CDFs$/],
      ['empty', () => { const p = join(dir, 'empty.arrow'); writeFileSync(p, ''); return p; }, /not a readable Arrow IPC file|no tracked/],
      ['other columns', () => { const p = join(dir, 'other.arrow'); writeFileSync(p, tableToIPC(tableFromArrays({ a: Int32Array.from([1, 2]) }), 'file')); return p; }, /no tracked, ttft_ns, tpot_ns, latency_ns columns of the expected type/],
      ['a column of the wrong type', () => { const p = join(dir, 'wrong.arrow'); writeFileSync(p, tableToIPC(tableFromArrays({ tracked: [true], ttft_ns: Float64Array.from([1]), tpot_ns: Float64Array.from([1]), latency_ns: Float64Array.from([1]) }), 'file')); return p; }, /no ttft_ns, latency_ns columns of the expected type/],
    ];
    it.each(cases)('%s', async (_what, make, note) => {
      const r = await readRunCdfs(make());
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.note).toMatch(note);
        expect(r.note).not.toContain('\n');
      }
    });
  });
});
