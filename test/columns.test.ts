// Typed per-sample columns hold exactly what was put in them, nulls included,
// across growth, and timestamps beyond int64 (damaged logs) stay exact.
import { describe, expect, it } from 'vitest';
import { BigIntColumn, Float64Column, Int32Column } from '../src/replay/columns.js';

describe('typed columns', () => {
  it('round-trip values and nulls across growth, and overwrite both ways', () => {
    const ints = new Int32Column();
    const floats = new Float64Column();
    const want: Array<number | null> = [];
    for (let i = 0; i < 5000; i++) {
      const v = i % 7 === 3 ? null : (i * 2654435761) % 100003 - 50000;
      want.push(v);
      ints.push(v);
      floats.push(v === null ? null : v / 3);
    }
    expect(ints.length).toBe(5000);
    expect(ints.toArray()).toEqual(want);
    expect(floats.toArray()).toEqual(want.map((v) => (v === null ? null : v / 3)));
    ints.set(3, 42);
    ints.set(4, null);
    expect([ints.get(3), ints.get(4), ints.get(5)]).toEqual([42, null, want[5]]);
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
