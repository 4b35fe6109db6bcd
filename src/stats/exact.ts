// Exact integer helpers: the reference computes with Python ints and converts
// to float once, correctly rounded. These do the same over BigInt.

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** num / den rounded to the nearest double (ties to even), like Python's int / int. */
export function ratioToDouble(num: bigint, den: bigint): number {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const neg = num < 0n;
  const a = neg ? -num : num;
  const LIMIT = 1n << 53n;
  if (a < LIMIT && den < LIMIT) return (neg ? -1 : 1) * (Number(a) / Number(den));
  // Scale so the quotient carries >= 64 bits, fold the remainder into a sticky
  // bit, and let Number() perform the single correct rounding.
  const shift = Math.max(0, 64 - (bitLength(a) - bitLength(den)));
  const scaled = a << BigInt(shift);
  let q = scaled / den;
  if (scaled % den !== 0n) q |= 1n;
  const value = Number(q) / 2 ** shift;
  return neg ? -value : value;
}
