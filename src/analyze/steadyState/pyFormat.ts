// The part of Python's format-spec mini-language the steady-state text uses:
// fixed-point floats (`{x:.2f}`, `{x:8.1f}`, `{x:+.1f}`) rounded as CPython rounds
// them (the exact binary value, ties to even), and left/right padding of strings.
// Pure.
import { floatParts } from './py.js';

/** round-half-even(|x| * 10^digits), exactly. */
function scaledRounded(mant: bigint, exp: number, digits: number): bigint {
  const scale = 10n ** BigInt(digits);
  if (exp >= 0) return (mant << BigInt(exp)) * scale;
  const num = mant * scale;
  const den = 1n << BigInt(-exp);
  const q = num / den;
  const twice = 2n * (num - q * den);
  if (twice > den || (twice === den && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** `format(x, f"{sign}{width}.{digits}f")`; sign '+' shows a plus on non-negative values. */
export function fixed(x: number, digits: number, width = 0, sign: '-' | '+' = '-'): string {
  let body: string;
  let negative: boolean;
  if (Number.isNaN(x)) {
    body = 'nan';
    negative = false;
  } else if (!Number.isFinite(x)) {
    body = 'inf';
    negative = x < 0;
  } else {
    const parts = floatParts(x);
    negative = parts.negative;
    const s = scaledRounded(parts.mant, parts.exp, digits).toString().padStart(digits + 1, '0');
    body = digits === 0 ? s : `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  }
  const text = (negative ? '-' : sign === '+' ? '+' : '') + body;
  return text.padStart(width, ' ');
}

/** `f"{s:<width}"`. */
export const padRight = (s: string, width: number): string => s.padEnd(width, ' ');

/** `f"{s:>width}"`. */
export const padLeft = (s: string, width: number): string => s.padStart(width, ' ');
