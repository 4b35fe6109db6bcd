// Python's str semantics over JS strings: lengths and indices in code points,
// str.isspace() whitespace, str.split/strip/find/replace/title/... exactly.
import { growChars, work } from './budget.js';
import { typeError, valueError } from './errors.js';

/** parts.join(sep), its size checked against the growth budget before it is built. */
export function joinStrings(parts: readonly string[], sep: string): string {
  let n = parts.length > 0 ? sep.length * (parts.length - 1) : 0;
  for (const p of parts) n += p.length;
  work(parts.length);
  growChars(n);
  return parts.join(sep);
}

/** s.repeat(k), checked first. */
export function repeatString(s: string, k: number): string {
  growChars(s.length * k);
  return s.repeat(k);
}


export const cps = (s: string): string[] => Array.from(s);
export const hasAstral = (s: string): boolean => /[\uD800-\uDFFF]/.test(s);
export function cpLength(s: string): number {
  if (!hasAstral(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** str.isspace() characters (JS's \s differs: it has U+FEFF, lacks U+001C-U+001F and U+0085). */
export const PY_SPACE = new Set([...'\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000']);
/** str.splitlines() boundaries. */
export const LINE_BREAKS = new Set([...'\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029']);

/** Python's str.strip / lstrip / rstrip: `chars` null strips whitespace, else exactly those characters. */
export function pyStrip(s: string, chars: string | null, left: boolean, right: boolean): string {
  const set = chars === null ? PY_SPACE : new Set(cps(chars));
  if (chars === null || !hasAstral(chars)) {
    // Every character stripped is a single code unit, so code units can be scanned
    // (a surrogate in s is never one of them): no code-point array of a long s.
    let a = 0;
    let b = s.length;
    if (left) while (a < b && set.has(s[a]!)) a++;
    if (right) while (b > a && set.has(s[b - 1]!)) b--;
    return a === 0 && b === s.length ? s : s.slice(a, b);
  }
  const c = cps(s);
  let a = 0;
  let b = c.length;
  if (left) while (a < b && set.has(c[a]!)) a++;
  if (right) while (b > a && set.has(c[b - 1]!)) b--;
  return c.slice(a, b).join('');
}

export function pySplit(s: string, sep: string | null, maxsplit: number): string[] {
  if (sep === null) {
    const out: string[] = [];
    const c = cps(s);
    let i = 0;
    while (i < c.length) {
      while (i < c.length && PY_SPACE.has(c[i]!)) i++;
      if (i >= c.length) break;
      if (maxsplit >= 0 && out.length >= maxsplit) {
        out.push(c.slice(i).join(''));
        break;
      }
      let j = i;
      while (j < c.length && !PY_SPACE.has(c[j]!)) j++;
      out.push(c.slice(i, j).join(''));
      i = j;
    }
    return out;
  }
  if (sep === '') throw valueError('empty separator');
  const parts = s.split(sep);
  if (maxsplit >= 0 && parts.length > maxsplit + 1) return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
  return parts;
}

export function pyRsplit(s: string, sep: string | null, maxsplit: number): string[] {
  if (maxsplit < 0) return pySplit(s, sep, -1);
  if (sep === null) {
    const c = cps(s);
    const out: string[] = [];
    let j = c.length;
    while (j > 0) {
      while (j > 0 && PY_SPACE.has(c[j - 1]!)) j--;
      if (j <= 0) break;
      if (out.length >= maxsplit) {
        out.push(c.slice(0, j).join(''));
        break;
      }
      let i = j;
      while (i > 0 && !PY_SPACE.has(c[i - 1]!)) i--;
      out.push(c.slice(i, j).join(''));
      j = i;
    }
    return out.reverse();
  }
  if (sep === '') throw valueError('empty separator');
  const parts = s.split(sep);
  if (parts.length > maxsplit + 1) return [parts.slice(0, parts.length - maxsplit).join(sep), ...parts.slice(parts.length - maxsplit)];
  return parts;
}

export function splitlines(s: string, keepends: boolean): string[] {
  const out: string[] = [];
  const c = cps(s);
  let start = 0;
  for (let i = 0; i < c.length; i++) {
    const ch = c[i]!;
    if (!LINE_BREAKS.has(ch)) continue;
    let end = i + 1;
    if (ch === '\r' && c[i + 1] === '\n') end = i + 2;
    out.push(c.slice(start, keepends ? end : i).join(''));
    start = end;
    i = end - 1;
  }
  if (start < c.length) out.push(c.slice(start).join(''));
  return out;
}

export const CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;
export const isCased = (ch: string): boolean => CASED.test(ch);

/** str.title(): a cased character after an uncased one is title-cased, the rest lower-cased. */
export function pyTitle(s: string): string {
  let prevCased = false;
  let out = '';
  for (const ch of s) {
    out += prevCased ? ch.toLowerCase() : ch.toUpperCase();
    prevCased = isCased(ch);
  }
  return out;
}

export function pyCapitalize(s: string): string {
  const c = cps(s);
  if (c.length === 0) return '';
  return c[0]!.toUpperCase() + c.slice(1).join('').toLowerCase();
}

export function pyIsLower(s: string): boolean {
  let cased = false;
  for (const ch of s) {
    if (!isCased(ch)) continue;
    if (ch !== ch.toLowerCase() || /\p{Lt}/u.test(ch)) return false;
    cased = true;
  }
  return cased;
}

export function pyIsUpper(s: string): boolean {
  let cased = false;
  for (const ch of s) {
    if (!isCased(ch)) continue;
    if (ch !== ch.toUpperCase() || /\p{Lt}/u.test(ch)) return false;
    cased = true;
  }
  return cased;
}

/** Code point index of `sub` in `s` (str.find semantics with start/end), or -1. */
export function pyFind(s: string, sub: string, start: number | null, end: number | null, reverse: boolean): number {
  const c = cps(s);
  const n = c.length;
  const norm = (x: number | null, dflt: number): number => (x === null ? dflt : x < 0 ? Math.max(0, n + x) : Math.min(x, n));
  const a = norm(start, 0);
  const b = norm(end, n);
  if (b < a) return -1;
  const hay = c.slice(a, b).join('');
  const at = reverse ? hay.lastIndexOf(sub) : hay.indexOf(sub);
  if (at < 0) return -1;
  return a + cpLength(hay.slice(0, at));
}

export function pyCount(s: string, sub: string): number {
  if (sub === '') return cpLength(s) + 1;
  let n = 0;
  let i = s.indexOf(sub);
  while (i >= 0) {
    n++;
    i = s.indexOf(sub, i + sub.length);
  }
  return n;
}

export function pyReplace(s: string, old: string, rep: string, count: number): string {
  if (count === 0) return s;
  if (old === '') {
    const c = cps(s);
    const limit = count < 0 ? c.length + 1 : count;
    growChars(s.length + Math.min(limit, c.length + 1) * rep.length);
    let out = '';
    let done = 0;
    for (let i = 0; i <= c.length; i++) {
      if (done < limit) {
        out += rep;
        done++;
      }
      if (i < c.length) out += c[i];
    }
    return out;
  }
  const parts = s.split(old);
  const replaced = count < 0 ? parts.length - 1 : Math.min(count, parts.length - 1);
  growChars(s.length + replaced * (rep.length - old.length));
  if (count < 0 || parts.length - 1 <= count) return parts.join(rep);
  return parts.slice(0, count + 1).join(rep) + old + parts.slice(count + 1).join(old);
}

export function codePointCompare(a: string, b: string): number {
  if (!hasAstral(a) && !hasAstral(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = cps(a);
  const y = cps(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
}

export function pad(s: string, width: number, fill: string, how: string): string {
  if (cpLength(fill) !== 1) throw typeError('The fill character must be exactly one character long');
  const n = cpLength(s);
  if (width <= n) return s;
  const total = width - n;
  growChars(s.length + total * fill.length);
  if (how === 'ljust') return s + fill.repeat(total);
  if (how === 'rjust') return fill.repeat(total) + s;
  // CPython's str.center: left = total/2 + (total & width & 1).
  const left = Math.floor(total / 2) + (total & width & 1);
  return fill.repeat(left) + s + fill.repeat(total - left);
}
