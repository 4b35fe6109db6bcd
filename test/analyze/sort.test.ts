// The radix sort against the built-in typed-array sort, on values that stress
// every digit: negatives, -0 and +0, subnormals, infinities, integers and
// duplicates, small and large arrays.
import { describe, expect, it } from 'vitest';
import { sortedCopy, sortInPlace } from '../../src/analyze/sort.js';

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sameBits = (a: Float64Array, b: Float64Array): boolean =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('sortInPlace', () => {
  it('orders as Float64Array.prototype.sort does, bit for bit', () => {
    const r = mulberry(7);
    const special = [0, -0, 5e-324, -5e-324, Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 2 ** 53, 2 ** 53 + 2];
    for (const n of [0, 1, 5, 2047, 2048, 5000, 100_000]) {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const k = r();
        a[i] = k < 0.1 ? special[Math.floor(r() * special.length)]! : k < 0.4 ? Math.floor(r() * 1000) : k < 0.7 ? (r() - 0.5) * 1e12 : r() * 1e-300 * (r() < 0.5 ? -1 : 1);
      }
      const expected = a.slice().sort();
      expect(sameBits(sortInPlace(a.slice()), expected), `n=${n}`).toBe(true);
    }
  });

  it('sorts a view into a larger buffer without touching the rest, and copies a prefix', () => {
    const r = mulberry(9);
    const base = new Float64Array(10_000).map(() => Math.round(r() * 1e9));
    const copy = base.slice();
    const view = copy.subarray(1000, 9000);
    sortInPlace(view);
    expect(sameBits(copy.subarray(0, 1000), base.subarray(0, 1000))).toBe(true);
    expect(sameBits(copy.subarray(9000), base.subarray(9000))).toBe(true);
    expect(sameBits(view, base.subarray(1000, 9000).slice().sort())).toBe(true);
    expect(sameBits(sortedCopy(base, 4000), base.slice(0, 4000).sort())).toBe(true);
  });

  it('leaves equal keys (all one value) as they are', () => {
    const a = new Float64Array(5000).fill(3.25);
    expect(sameBits(sortInPlace(a), new Float64Array(5000).fill(3.25))).toBe(true);
  });
});
