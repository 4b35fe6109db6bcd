// Timestamps in two exact parts order, convert and bound as the BigInts they stand for.
import { describe, expect, it } from 'vitest';
import { inInt64 } from '../../src/model/columns.js';
import { partsAbove, partsInInt64, partsToBigInt, timestampParts } from '../../src/model/timestampParts.js';

const INT64_MAX = (1n << 63n) - 1n;
const values = [
  0n, 1n, -1n, 999_999_999_999_999n, 1_000_000_000_000_000n, 1_000_000_000_000_001n, -999_999_999_999_999n, -1_000_000_000_000_000n, -1_000_000_000_000_001n,
  9_007_199_254_740_991n, 9_007_199_254_740_992n, 9_007_199_254_740_993n, 9_300_000_219_847_781n, 1_733_000_000_123_456_789n,
  INT64_MAX, INT64_MAX + 1n, -(1n << 63n), 10n ** 29n + 12345n, 10n ** 30n - 1n,
];

describe('timestamp parts', () => {
  it('convert back to the same BigInt', () => {
    for (const t of values) {
      const [high, low] = timestampParts(t);
      expect(Math.abs(low)).toBeLessThan(1e15);
      expect(partsToBigInt(high, low), String(t)).toBe(t);
    }
  });

  it('compare as their values do', () => {
    for (const a of values) {
      for (const b of values) {
        const [ah, al] = timestampParts(a);
        const [bh, bl] = timestampParts(b);
        expect(partsAbove(ah, al, bh, bl), `${a} > ${b}`).toBe(a > b);
      }
    }
  });

  it('fit int64 exactly when the value does (non-negative parts)', () => {
    for (const t of values.filter((v) => v >= 0n)) expect(partsInInt64(...timestampParts(t)), String(t)).toBe(inInt64(t));
  });
});
