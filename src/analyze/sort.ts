// Ascending sort of doubles in linear time: an LSD radix sort (16-bit digits)
// over each double's bits mapped to an unsigned key that orders as the value
// does (-0 before +0, as Float64Array.prototype.sort puts them). V8's typed-array
// sort takes ~0.4 µs a value at 300k values; this takes a fraction of that.
// NaN must not be among the values (callers keep only present values).
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Below this many values the built-in sort is as fast. */
const SMALL = 2048;
const DIGIT_BITS = 16;
const DIGITS = 1 << DIGIT_BITS;

/** A new ascending Float64Array of the first `n` values. */
export function sortedCopy(values: ArrayLike<number>, n = values.length): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i]!;
  return sortInPlace(out);
}

/** Sorts `a` ascending and returns it. */
export function sortInPlace(a: Float64Array): Float64Array {
  const n = a.length;
  if (n < SMALL || !LITTLE_ENDIAN) return a.sort();
  const u = new Uint32Array(a.buffer, a.byteOffset, n * 2);
  // To keys: flip every bit of a negative value, only the sign bit of a positive one.
  for (let i = 0; i < 2 * n; i += 2) {
    const hi = u[i + 1]!;
    if (hi >>> 31) {
      u[i] = ~u[i]!;
      u[i + 1] = ~hi;
    } else u[i + 1] = hi | 0x80000000;
  }
  let from: Uint32Array = u;
  let to: Uint32Array = new Uint32Array(2 * n);
  const count = new Uint32Array(DIGITS);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1; // 0: low word, 1: high word
    const shift = (pass & 1) * DIGIT_BITS;
    count.fill(0);
    for (let i = word; i < 2 * n; i += 2) count[(from[i]! >>> shift) & (DIGITS - 1)]!++;
    // A digit every key shares moves nothing.
    if (count[(from[word]! >>> shift) & (DIGITS - 1)] === n) continue;
    let sum = 0;
    for (let d = 0; d < DIGITS; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < 2 * n; i += 2) {
      const at = 2 * count[(from[i + word]! >>> shift) & (DIGITS - 1)]!++;
      to[at] = from[i]!;
      to[at + 1] = from[i + 1]!;
    }
    const t = from;
    from = to;
    to = t;
  }
  // Back to doubles.
  for (let i = 0; i < 2 * n; i += 2) {
    const hi = from[i + 1]!;
    if (hi >>> 31) u[i + 1] = hi & 0x7fffffff;
    else {
      u[i + 1] = ~hi;
      u[i] = ~from[i]!;
      continue;
    }
    u[i] = from[i]!;
  }
  return a;
}
