// Python numerics the steady-state script's numbers go through, so the port computes
// the doubles the script computes under CPython >= 3.12 (its declared requirement):
//   pySum        builtin sum() of floats: int 0 + first item, then Neumaier-compensated (3.12+)
//   pstdev       statistics.pstdev: exact rational variance, correctly rounded square root
//   median       statistics.median
//   pyMax/pyMin  max()/min(): the first of equal items, decided by `>` / `<` as CPython does
//   erf          math.erf as glibc (< 2.41) computes it: Sun's algorithm, glibc's polynomial grouping
//   normalInvCdf statistics.NormalDist().inv_cdf (Wichura AS241)
//   pySlice      list slicing with Python's negative-index rules
//   pyRepr       str()/repr() of a float
// Pure, no I/O. Errors the script would raise as ValueError are thrown as PyValueError.
import { pyFloat } from '../../py/float.js';

export class PyValueError extends Error {}

/** str(x) of a Python float: shortest round-trip digits, 'nan', 'inf', '-inf'. */
export const pyRepr = (x: number): string => (Number.isNaN(x) ? 'nan' : !Number.isFinite(x) ? (x > 0 ? 'inf' : '-inf') : pyFloat(x));

/** Builtin `sum(values)` over floats. Empty: Python's int 0 (callers guard). */
export function pySum(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return 0;
  let hi = 0 + values[0]!; // int 0 + float: -0.0 becomes 0.0
  let lo = 0;
  for (let i = 1; i < n; i++) {
    const x = values[i]!;
    const t = hi + x;
    if (Math.abs(hi) >= Math.abs(x)) lo += hi - t + x;
    else lo += x - t + hi;
    hi = t;
  }
  // Keep a negative zero's sign and never turn an overflowed sum into NaN.
  if (lo !== 0 && Number.isFinite(lo)) hi += lo;
  return hi;
}

/** `max(values)`: keeps the first item unless a later one compares greater. */
export function pyMax(values: ArrayLike<number>): number {
  if (values.length === 0) throw new PyValueError('max() arg is an empty sequence');
  let best = values[0]!;
  for (let i = 1; i < values.length; i++) if (values[i]! > best) best = values[i]!;
  return best;
}

export function pyMin(values: ArrayLike<number>): number {
  if (values.length === 0) throw new PyValueError('min() arg is an empty sequence');
  let best = values[0]!;
  for (let i = 1; i < values.length; i++) if (values[i]! < best) best = values[i]!;
  return best;
}

export function bigMax(values: readonly bigint[]): bigint {
  let best = values[0]!;
  for (const v of values) if (v > best) best = v;
  return best;
}

export function bigMin(values: readonly bigint[]): bigint {
  let best = values[0]!;
  for (const v of values) if (v < best) best = v;
  return best;
}

/** Ascending copy, as `sorted()` orders finite floats. */
export function sortedFloats(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** `statistics.median`: middle item, or the mean of the two middle items. */
export function median(values: ArrayLike<number>): number {
  const s = sortedFloats(values);
  const n = s.length;
  if (n === 0) throw new PyValueError('no median for empty data');
  if (n % 2 === 1) return s[n >> 1]!;
  const i = n >> 1;
  return (s[i - 1]! + s[i]!) / 2;
}

/** `seq[start:stop]` with Python's rules: negative indices count from the end, out-of-range ones clamp. */
export function pySlice<T>(seq: readonly T[], start: number | null = null, stop: number | null = null): T[] {
  const n = seq.length;
  const at = (i: number | null, dflt: number): number => {
    if (i === null) return dflt;
    if (i < 0) return Math.max(0, i + n);
    return Math.min(i, n);
  };
  return seq.slice(at(start, 0), at(stop, n));
}

// --------------------------------------------------------------------------
// statistics.pstdev: the population variance is exact (every float is a dyadic
// rational), and its square root is rounded once, correctly.
// --------------------------------------------------------------------------

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** |x| = mant * 2^exp exactly (x finite), and whether x's sign bit is set. */
export function floatParts(x: number): { mant: bigint; exp: number; negative: boolean } {
  f64[0] = x;
  const hi = u32[1]!;
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(u32[0]!);
  let exp = -1074;
  if (biased !== 0) {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  return { mant, exp, negative: hi >>> 31 === 1 };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1); // >= sqrt(n)
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** x * 2^e for a power-of-two scale, in steps that stay inside the double range. */
function ldexp(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

/** sqrt(a / b) rounded once to the nearest double (a >= 0, b > 0). */
function sqrtOfRatio(a: bigint, b: bigint): number {
  if (a === 0n) return 0;
  // Scale by an even power of two so the integer root has >= 55 bits; its last
  // bit, set when the root is inexact (round-to-odd), makes the one rounding to 53 bits correct.
  const shift = 2 * Math.ceil((112 - (bitLength(a) - bitLength(b))) / 2);
  const num = shift >= 0 ? a << BigInt(shift) : a;
  const den = shift >= 0 ? b : b << BigInt(-shift);
  let r = isqrt(num / den);
  if (r * r * den !== num) r |= 1n;
  return ldexp(Number(r), -shift / 2);
}

/** `statistics.pstdev(values)`. */
export function pstdev(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 1) throw new PyValueError('pstdev requires at least one data point');
  const parts: { mant: bigint; exp: number }[] = [];
  let minExp = Infinity;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (!Number.isFinite(x)) return NaN;
    const d = floatParts(x);
    parts.push({ mant: d.negative ? -d.mant : d.mant, exp: d.exp });
    if (d.mant !== 0n && d.exp < minExp) minExp = d.exp;
  }
  if (minExp === Infinity) return 0; // all zeros
  let s1 = 0n;
  let s2 = 0n;
  for (const { mant, exp } of parts) {
    const m = mant << BigInt(exp - minExp);
    s1 += m;
    s2 += m * m;
  }
  const count = BigInt(n);
  // Variance * 2^(-2 minExp) = (n*S2 - S1^2) / n^2, exactly.
  return ldexp(sqrtOfRatio(count * s2 - s1 * s1, count * count), minExp);
}

// --------------------------------------------------------------------------
// math.erf: glibc's dbl-64 s_erf.c (Sun's rational approximations, evaluated with
// glibc's pairwise grouping of the polynomial terms).
// --------------------------------------------------------------------------

const ERX = 8.45062911510467529297e-1;
const EFX = 1.28379167095512586316e-1;
const PP = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const QQ = [0, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
const PA = [
  -2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1, -1.10894694282396677476e-1,
  3.54783043256182359371e-2, -2.16637559486879084300e-3,
];
const QA = [0, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
const RA = [
  -9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1, -1.62396669462573470355e2,
  -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592,
];
const SA = [
  0, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2, 4.29008140027567833386e2,
  1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2,
];
const RB = [
  -9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2, -6.37566443368389627722e2,
  -1.02509513161107724954e3, -4.83519191608651397019e2,
];
const SB = [
  0, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3, 2.55305040643316442583e3,
  4.74528541206955367215e2, -2.24409524465858183362e1,
];

function highWord(x: number): number {
  f64[0] = x;
  return u32[1]! | 0;
}

function withLowWordZero(x: number): number {
  f64[0] = x;
  u32[0] = 0;
  return f64[0]!;
}

export function erf(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return (hx < 0 ? -1 : 1) + 1 / x; // NaN stays NaN, ±inf gives ±1
  if (ix < 0x3feb0000) {
    // |x| < 0.84375
    if (ix < 0x3e300000) return ix < 0x00800000 ? 0.0625 * (16 * x + 16 * EFX * x) : x + EFX * x;
    const z = x * x;
    const r1 = PP[0]! + z * PP[1]!;
    const z2 = z * z;
    const r2 = PP[2]! + z * PP[3]!;
    const z4 = z2 * z2;
    const s1 = 1 + z * QQ[1]!;
    const s2 = QQ[2]! + z * QQ[3]!;
    const s3 = QQ[4]! + z * QQ[5]!;
    const r = r1 + z2 * r2 + z4 * PP[4]!;
    const s = s1 + z2 * s2 + z4 * s3;
    return x + x * (r / s);
  }
  if (ix < 0x3ff40000) {
    // 0.84375 <= |x| < 1.25
    const s = Math.abs(x) - 1;
    const P1 = PA[0]! + s * PA[1]!;
    const s2 = s * s;
    const Q1 = 1 + s * QA[1]!;
    const s4 = s2 * s2;
    const P2 = PA[2]! + s * PA[3]!;
    const s6 = s4 * s2;
    const Q2 = QA[2]! + s * QA[3]!;
    const P3 = PA[4]! + s * PA[5]!;
    const Q3 = QA[4]! + s * QA[5]!;
    const P = P1 + s2 * P2 + s4 * P3 + s6 * PA[6]!;
    const Q = Q1 + s2 * Q2 + s4 * Q3 + s6 * QA[6]!;
    return hx >= 0 ? ERX + P / Q : -ERX - P / Q;
  }
  if (ix >= 0x40180000) return hx >= 0 ? 1 - 1e-300 : 1e-300 - 1; // |x| >= 6
  const ax = Math.abs(x);
  const s = 1 / (ax * ax);
  let R: number;
  let S: number;
  const s2 = s * s;
  const s4 = s2 * s2;
  const s6 = s4 * s2;
  if (ix < 0x4006db6e) {
    // |x| < 1/0.35
    const s8 = s4 * s4;
    R = RA[0]! + s * RA[1]! + s2 * (RA[2]! + s * RA[3]!) + s4 * (RA[4]! + s * RA[5]!) + s6 * (RA[6]! + s * RA[7]!);
    S = 1 + s * SA[1]! + s2 * (SA[2]! + s * SA[3]!) + s4 * (SA[4]! + s * SA[5]!) + s6 * (SA[6]! + s * SA[7]!) + s8 * SA[8]!;
  } else {
    R = RB[0]! + s * RB[1]! + s2 * (RB[2]! + s * RB[3]!) + s4 * (RB[4]! + s * RB[5]!) + s6 * RB[6]!;
    S = 1 + s * SB[1]! + s2 * (SB[2]! + s * SB[3]!) + s4 * (SB[4]! + s * SB[5]!) + s6 * (SB[6]! + s * SB[7]!);
  }
  const z = withLowWordZero(ax);
  const r = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + R / S);
  return hx >= 0 ? 1 - r / ax : r / ax - 1;
}

// --------------------------------------------------------------------------
// statistics.NormalDist(mu, sigma).inv_cdf(p), Wichura's AS241 as CPython evaluates it.
// --------------------------------------------------------------------------

const poly = (coeffs: readonly number[], r: number): number => coeffs.reduce((acc, c, i) => (i === 0 ? c : acc * r + c), 0);

const CENTRAL_NUM = [2509.0809287301226727, 33430.575583588128105, 67265.770927008700853, 45921.953931549871457, 13731.693765509461125, 1971.5909503065514427, 133.14166789178437745, 3.387132872796366608];
const CENTRAL_DEN = [5226.495278852854561, 28729.085735721942674, 39307.89580009271061, 21213.794301586595867, 5394.1960214247511077, 687.1870074920579083, 42.313330701600911252, 1.0];
const NEAR_NUM = [7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177, 1.27045825245236838258, 3.64784832476320460504, 5.7694972214606914055, 4.6303378461565452959, 1.42343711074968357734];
const NEAR_DEN = [1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966, 0.14810397642748007459, 0.68976733498510000455, 1.6763848301838038494, 2.05319162663775882187, 1.0];
const TAIL_NUM = [2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386, 0.026532189526576123093, 0.29656057182850489123, 1.7848265399172913358, 5.4637849111641143699, 6.6579046435011037772];
const TAIL_DEN = [2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5, 7.868691311456132591e-4, 0.0148753612908506148525, 0.13692988092273580531, 0.59983220655588793769, 1.0];

export function normalInvCdf(p: number, mu = 0, sigma = 1): number {
  if (!(p > 0 && p < 1)) throw new PyValueError('p must be in the range 0.0 < p < 1.0');
  if (sigma <= 0) throw new PyValueError('cdf() not defined when sigma at or below zero');
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return mu + (poly(CENTRAL_NUM, r) * q) / poly(CENTRAL_DEN, r) * sigma;
  }
  let r = Math.sqrt(-Math.log(q <= 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = poly(NEAR_NUM, r) / poly(NEAR_DEN, r);
  } else {
    r -= 5;
    x = poly(TAIL_NUM, r) / poly(TAIL_DEN, r);
  }
  if (q < 0) x = -x;
  return mu + x * sigma;
}
