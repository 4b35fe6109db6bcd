// Number conversions of the round, int and float filters, with Python's rules.
import { PyFloat } from '../../model/json.js';
import { pyStrip } from './strings.js';
import { Undefined, isNumeric, numOf, type Val } from './values.js';

/** Python's round(x, n) for a float: round half to even on the exact binary value. */
export function pyRound(x: number, n: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x;
  if (n < 0) {
    const f = 10 ** -n;
    const q = x / f;
    const fl = Math.floor(q);
    const r = q - fl > 0.5 ? fl + 1 : q - fl < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1;
    return r * f;
  }
  if (n >= 99) return x;
  // toFixed rounds on the exact value, ties away from zero; Python breaks ties to even.
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf('.');
  const tail = exact.slice(dot + 1 + n);
  let out = x.toFixed(n);
  if (/^50*$/.test(tail)) {
    const kept = exact.slice(0, dot + 1 + n).replace(/\.$/, '');
    const lastDigit = Number(kept[kept.length - 1]);
    if (lastDigit % 2 === 0) out = (x < 0 ? '-' : '') + kept;
  }
  const r = Number(out);
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

/** Python 3.11+ refuses int(str) of more digits than this in a base that is not a power of two (ValueError). */
const INT_MAX_STR_DIGITS = 4300;
const isPow2 = (b: number): boolean => (b & (b - 1)) === 0;

/** int(x) of a float; null where Python raises (ValueError for NaN, OverflowError for infinities: do_int gives its default for both). */
function truncFloat(x: number): number | null {
  if (!Number.isFinite(x)) return null;
  return Math.trunc(x);
}

export function toInt(v: Val, dflt: Val, base: number): Val {
  if (v instanceof Undefined) throw v.fail();
  const tooLong = (digits: string, b: number): boolean => !isPow2(b) && digits.length > INT_MAX_STR_DIGITS;
  const fromStr = (s: string): number | null => {
    const t = pyStrip(s, null, true, true).replace(/_(?=[0-9a-zA-Z])/g, '');
    if (base === 10 && /^[+-]?\d+$/.test(t)) return tooLong(t.replace(/^[+-]/, ''), 10) ? null : Number(t);
    if (base === 0 || base === 16 || base === 8 || base === 2) {
      const m = /^([+-]?)(0[xob])?([0-9a-fA-F]+)$/i.exec(t);
      if (m) {
        const b = base !== 0 ? base : m[2] ? { x: 16, o: 8, b: 2 }[m[2][1]!.toLowerCase() as 'x' | 'o' | 'b'] : 10;
        if (tooLong(m[3]!, b)) return null;
        const n = parseInt(m[3]!, b);
        if (!Number.isNaN(n) && m[3]!.split('').every((c) => parseInt(c, b) < b)) return m[1] === '-' ? -n : n;
      }
    } else if (/^[+-]?[0-9a-zA-Z]+$/.test(t) && !tooLong(t.replace(/^[+-]/, ''), base)) {
      // parseInt stops at the first digit out of range; Python rejects the string.
      const digits = t.replace(/^[+-]/, '');
      if ([...digits].every((c) => parseInt(c, 36) < base)) return parseInt(t, base);
    }
    return null;
  };
  if (typeof v === 'string') {
    const n = fromStr(v);
    if (n !== null) return n;
    const f = parsePyFloat(v);
    const truncated = f === null ? null : truncFloat(f);
    return truncated === null ? dflt : truncated;
  }
  if (isNumeric(v)) return truncFloat(numOf(v)) ?? dflt;
  return dflt;
}

export function toFloat(v: Val, dflt: Val): Val {
  if (v instanceof Undefined) throw v.fail();
  if (isNumeric(v)) return new PyFloat(numOf(v));
  if (typeof v === 'string') {
    const x = parsePyFloat(v);
    if (x !== null) return new PyFloat(x);
  }
  return dflt;
}

const ND = /\p{Nd}/u;

/** The value of a decimal digit (ASCII or any Unicode Nd character), or -1. Nd characters come in runs of ten, 0 to 9. */
function digitValue(cp: number): number {
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  if (cp < 0x80 || !ND.test(String.fromCodePoint(cp))) return -1;
  let start = cp;
  while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/**
 * Python's float(str), in one linear pass: surrounding whitespace, a sign,
 * inf / infinity / nan in any case, digits (any Unicode decimal digits) with
 * single underscores between them, an optional fraction and exponent. Null
 * where Python raises ValueError.
 */
export function parsePyFloat(text: string): number | null {
  const t = pyStrip(text, null, true, true);
  let i = 0;
  let sign = '';
  if (t[0] === '+' || t[0] === '-') {
    sign = t[0];
    i = 1;
  }
  if (t.length - i <= 8) {
    const word = t.slice(i).toLowerCase();
    if (word === 'inf' || word === 'infinity') return sign === '-' ? -Infinity : Infinity;
    if (word === 'nan') return NaN;
  }
  /** digitpart: digit (["_"] digit)*, as ASCII; '' when none; null on a misplaced underscore. */
  const digits = (): string | null => {
    let out = '';
    for (;;) {
      const cp = t.codePointAt(i);
      const d = cp === undefined ? -1 : digitValue(cp);
      if (d >= 0) {
        out += String.fromCharCode(0x30 + d);
        i += cp! > 0xffff ? 2 : 1;
        continue;
      }
      if (cp === 0x5f && out !== '') {
        const next = t.codePointAt(i + 1);
        if (next === undefined || digitValue(next) < 0) return null;
        i++;
        continue;
      }
      return out;
    }
  };
  const whole = digits();
  if (whole === null) return null;
  let frac = '';
  if (t[i] === '.') {
    i++;
    const f = digits();
    if (f === null) return null;
    frac = f;
  }
  if (whole === '' && frac === '') return null;
  let exp = '';
  if (t[i] === 'e' || t[i] === 'E') {
    i++;
    let expSign = '';
    if (t[i] === '+' || t[i] === '-') expSign = t[i++]!;
    const e = digits();
    if (e === null || e === '') return null;
    exp = `e${expSign}${e}`;
  }
  if (i !== t.length) return null;
  return Number(`${sign}${whole || '0'}.${frac || '0'}${exp}`);
}

