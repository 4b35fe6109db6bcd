// A nanosecond timestamp as two exact doubles, high * 10^15 + low, each part at
// most 15 digits: what a chunk line's digits read into without a BigInt. A
// streamed log has a line per chunk, and a BigInt per line (with the
// collections its garbage costs) was a large share of reading one; a BigInt is
// made only where the value is kept.

/** 10^15: up to 15 decimal digits are exact in a double. */
export const PART = 10 ** 15;
const PART_BIG = BigInt(PART);

/** high * 10^15 + low, exactly. Parts of one sign (as timestampParts gives, or digits read in two parts). */
export function partsToBigInt(high: number, low: number): bigint {
  const whole = high * PART + low;
  // Rounding is monotonic, so this is within 2^53 - 1 exactly when the value is (and then exact).
  if (Math.abs(whole) <= Number.MAX_SAFE_INTEGER) return BigInt(whole);
  if (high !== lastHigh) {
    lastHigh = high;
    lastHighBig = BigInt(high) * PART_BIG;
  }
  return lastHighBig + BigInt(low);
}

/** Neighbouring lines' timestamps share their high part: its BigInt is kept. */
let lastHigh = NaN;
let lastHighBig = 0n;

/** [high, low] of `t` (truncating: both parts take t's sign), so that pairs compare as their values do (partsAbove). */
export function timestampParts(t: bigint): [number, number] {
  return [Number(t / PART_BIG), Number(t % PART_BIG)];
}

/** Whether (high, low) is greater than (maxHigh, maxLow): the values' order, for parts as timestampParts makes them. */
export const partsAbove = (high: number, low: number, maxHigh: number, maxLow: number): boolean => high > maxHigh || (high === maxHigh && low > maxLow);

/** Whether non-negative parts fit int64 (at most 2^63 - 1 = 9223 * 10^15 + 372036854775807). */
export const partsInInt64 = (high: number, low: number): boolean => high < 9223 || (high === 9223 && low <= 372036854775807);
