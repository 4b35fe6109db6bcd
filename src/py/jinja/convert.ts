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

export function toInt(v: Val, dflt: Val, base: number): Val {
  if (v instanceof Undefined) throw v.fail();
  const fromStr = (s: string): number | null => {
    const t = pyStrip(s, null, true, true).replace(/_(?=[0-9a-zA-Z])/g, '');
    if (base === 10 && /^[+-]?\d+$/.test(t)) return Number(t);
    if (base === 0 || base === 16 || base === 8 || base === 2) {
      const m = /^([+-]?)(0[xob])?([0-9a-fA-F]+)$/i.exec(t);
      if (m) {
        const b = base !== 0 ? base : m[2] ? { x: 16, o: 8, b: 2 }[m[2][1]!.toLowerCase() as 'x' | 'o' | 'b'] : 10;
        const n = parseInt(m[3]!, b);
        if (!Number.isNaN(n) && m[3]!.split('').every((c) => parseInt(c, b) < b)) return m[1] === '-' ? -n : n;
      }
    } else if (/^[+-]?[0-9a-zA-Z]+$/.test(t)) {
      const n = parseInt(t, base);
      if (!Number.isNaN(n)) return n;
    }
    return null;
  };
  if (typeof v === 'string') {
    const n = fromStr(v);
    if (n !== null) return n;
    const f = toFloat(v, null);
    return f === null ? dflt : Math.trunc((f as PyFloat).value);
  }
  if (isNumeric(v)) return Math.trunc(numOf(v));
  return dflt;
}

export function toFloat(v: Val, dflt: Val): Val {
  if (v instanceof Undefined) throw v.fail();
  if (isNumeric(v)) return new PyFloat(numOf(v));
  if (typeof v === 'string') {
    const t = pyStrip(v, null, true, true).replace(/(?<=\d)_(?=\d)/g, '');
    if (/^[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?)$/i.test(t)) return new PyFloat(Number(t));
    if (/^[+-]?(inf|infinity)$/i.test(t)) return new PyFloat(t.startsWith('-') ? -Infinity : Infinity);
    if (/^[+-]?nan$/i.test(t)) return new PyFloat(NaN);
  }
  return dflt;
}

