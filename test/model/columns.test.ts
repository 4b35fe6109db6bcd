// Per-sample columns hold exactly what was put in them, nulls included, across
// pages; timestamps beyond int64 (damaged logs) and strings of any size stay exact.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BigIntColumn, DictionaryColumn, Float64Column, Int32Column, StringColumn } from '../../src/model/columns.js';

describe('typed columns', () => {
  it('round-trip values and nulls across pages, and overwrite both ways', () => {
    const ints = new Int32Column();
    const floats = new Float64Column();
    const want: Array<number | null> = [];
    // 16k rows a page: three pages and a part.
    for (let i = 0; i < 50_000; i++) {
      const v = i % 7 === 3 ? null : (i * 2654435761) % 100003 - 50000;
      want.push(v);
      ints.push(v);
      floats.push(v === null ? null : v / 3);
    }
    expect(ints.length).toBe(50_000);
    expect(ints.toArray()).toEqual(want);
    expect(floats.toArray()).toEqual(want.map((v) => (v === null ? null : v / 3)));
    ints.set(3, 42);
    ints.set(4, null);
    ints.set(40_000, null);
    ints.set(40_001, -7);
    expect([ints.get(3), ints.get(4), ints.get(5), ints.get(40_000), ints.get(40_001)]).toEqual([42, null, want[5], null, -7]);
    // copy(): every row in one array, in row order.
    const copied = floats.copy();
    expect(copied.length).toBe(50_000);
    expect(Array.from(copied.subarray(49_990)).map((v, k) => (want[49_990 + k] === null ? null : v))).toEqual(floats.toArray().slice(49_990));
    expect(copied[16_384]).toBe(floats.get(16_384) ?? 0);
  });

  it('keep strings as bytes across pages: unicode, empty, null, long, overwritten', () => {
    const col = new StringColumn();
    // An empty string first: before any page exists.
    const want: Array<string | null> = [''];
    col.push('');
    const long = 'ж'.repeat(200_000); // 400 KB of UTF-8: kept as a JS string
    for (let i = 0; i < 40_000; i++) {
      // ~2.3 MB of UTF-8 in all: three 1 MB pages.
      const v = i % 11 === 0 ? null : i % 13 === 0 ? '' : i === 777 ? long : `${(i * 2654435761 >>> 0).toString(16)}-${'é🙂'.repeat(i % 5)}-${i}`;
      want.push(v);
      col.push(v);
    }
    col.set(5, 'replaced');
    col.set(777, 'short now');
    col.set(778, null);
    want[5] = 'replaced';
    want[777] = 'short now';
    want[778] = null;
    col.set(1000, long);
    want[1000] = long;
    expect(col.length).toBe(40_001);
    expect(col.toArray()).toEqual(want);
    expect([col.isNull(0), col.isNull(1), col.isNull(14), col.isNull(778)]).toEqual([false, true, false, true]);
    // Arrow's Utf8 layout of a slice, against the strings encoded one by one.
    const { offsets, values, validity, nulls } = col.utf8(990, 20);
    const slice = want.slice(990, 1010);
    expect(nulls).toBe(slice.filter((v) => v === null).length);
    for (let k = 0; k < 20; k++) {
      expect(((validity![k >> 3]! >> (k & 7)) & 1) === 1).toBe(slice[k] !== null);
      expect(Buffer.from(values.subarray(offsets[k]!, offsets[k + 1]!)).toString('utf8')).toBe(slice[k] ?? '');
    }
    expect(col.utf8(2, 4).validity).toBeNull();
    expect(col.utf8(0, 1)).toMatchObject({ nulls: 0, validity: null });
  });

  it('keep a few distinct strings as codes into one dictionary', () => {
    const col = new DictionaryColumn();
    const values = ['stop', null, 'length', 'stop', 'tool_calls', null];
    for (const v of values) col.push(v);
    col.set(1, 'length');
    expect(col.toArray()).toEqual(['stop', 'length', 'length', 'stop', 'tool_calls', null]);
    expect([col.isNull(1), col.isNull(5)]).toEqual([false, true]);
  });

  it('keeps timestamps outside int64 exact', () => {
    const ts = new BigIntColumn();
    const values = [1_732_000_000_000_000_123n, null, 2n ** 63n, -(2n ** 63n) - 5n, 10n ** 30n, -(2n ** 63n), 2n ** 63n - 1n];
    for (const v of values) ts.push(v);
    expect(ts.toArray()).toEqual(values);
    ts.set(2, 7n);
    expect(ts.get(2)).toBe(7n);
    expect(ts.some()).toBe(true);
    expect(new BigIntColumn().some()).toBe(false);
  });
});

/** Posts `value` to a real worker thread that writes `marker` into the first page it finds, and posts it back. */
function throughThread<T>(value: T, marker: number): Promise<T> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    parentPort.once('message', (v) => {
      const page = v.pages[0];
      page[0] = typeof page[0] === 'bigint' ? BigInt(${marker}) : ${marker};
      parentPort.postMessage(v);
    });`;
  const w = new Worker(code, { eval: true });
  return new Promise<T>((resolve, reject) => {
    w.once('message', (v: T) => void w.terminate().then(() => resolve(v)));
    w.once('error', reject);
    w.postMessage(value);
  });
}

describe('column snapshots', () => {
  it('cross to another thread as the same memory, and restore there to the same rows', async () => {
    const ints = new Int32Column();
    const stamps = new BigIntColumn();
    const strings = new StringColumn();
    const codes = new DictionaryColumn();
    const long = 'é'.repeat(300_000);
    for (let i = 0; i < 40_000; i++) {
      ints.push(i % 5 === 0 ? null : i * 3 - 7);
      stamps.push(i % 9 === 0 ? null : i === 7 ? (1n << 70n) + 5n : 1_700_000_000_000_000_000n + BigInt(i));
      strings.push(i % 11 === 0 ? null : i === 13 ? long : i % 3 === 0 ? '' : `id-${i}-ü`);
      codes.push(i % 4 === 0 ? null : ['stop', 'length', 'tool_calls'][i % 3]!);
    }
    const wantInts = ints.toArray();
    const wantStamps = stamps.toArray();
    const back = await Promise.all([throughThread(ints.snapshot(), 424_242), throughThread(stamps.snapshot(), 424_242)]);
    const again = { ints: new Int32Column().restore(back[0]), stamps: new BigIntColumn().restore(back[1]) };
    // The thread wrote the storage of row 0 (a null row) in the pages it was sent: the original column's
    // pages hold it (shared, not copied), and the row still reads as null.
    expect(ints.snapshot().pages[0]![0]).toBe(424_242);
    expect(stamps.snapshot().pages[0]![0]).toBe(424_242n);
    expect(again.ints.toArray()).toEqual(wantInts);
    expect(again.stamps.toArray()).toEqual(wantStamps);
    expect(again.stamps.get(7)).toBe((1n << 70n) + 5n);
    // Strings and codes: their pages and side tables as posted (structured clone, as postMessage does).
    const s2 = new StringColumn().restore(structuredClone(strings.snapshot()));
    const c2 = new DictionaryColumn().restore(structuredClone(codes.snapshot()));
    expect(s2.toArray()).toEqual(strings.toArray());
    expect(s2.get(13)).toBe(long);
    expect(s2.utf8(100, 20_000)).toEqual(strings.utf8(100, 20_000));
    expect(c2.toArray()).toEqual(codes.toArray());
    expect(c2.utf8(0, 40_000)).toEqual(codes.utf8(0, 40_000));
  });
});
