// TPOT's two definitions. Expected values by hand and from Python 3
// (`36028797018963969 / 3` is Python's correctly rounded int / int).
import { describe, expect, it } from 'vitest';
import { loadgenTpotNs, tpotNs } from '../../src/stats/tpot.js';

describe('tpotNs: (complete − first chunk) / tokens after the first chunk', () => {
  it('divides a window that fits a double exactly', () => {
    expect(tpotNs(1_000_000_007n, 4)).toBe(250000001.75);
    expect(tpotNs(90_000_000, 3)).toBe(30_000_000);
  });
  it("rounds a window past 2^53 once, as Python's int / int does (not the double of the window, then divided)", () => {
    expect(tpotNs(36028797018963969n, 3)).toBe(1.2009599006321324e16);
    expect(Number(36028797018963969n) / 3).toBe(1.2009599006321322e16);
  });
});

describe("loadgenTpotNs: LoadGen's (latency − TTFT) / (tokens − 1), truncated", () => {
  it('truncates toward zero and has no value under 2 tokens', () => {
    expect(loadgenTpotNs(1_000_000_007, 7, 4)).toBe(333_333_333);
    expect(loadgenTpotNs(20_000_000, 10_000_000, 2)).toBe(10_000_000);
    expect(loadgenTpotNs(20_000_000, 10_000_000, 1)).toBeNull();
  });
});
