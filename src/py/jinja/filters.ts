// jinja2's built-in filters, with Python's semantics.
import { PyFloat } from '../../model/json.js';
import { growChars, growItems, work } from './budget.js';
import { PyError, typeError } from './errors.js';
import { arith } from './arith.js';
import { argInt, argStrOrNone, bind, needStr } from './call.js';
import { checkHashable, iterate, pyCompare, pyEq, pyLen, truthy } from './compare.js';
import { pyRound, toFloat, toInt } from './convert.js';
import { pyPercent } from './format.js';
import { getItem, pyAttribute } from './access.js';
import { tojson } from './jsonDumps.js';
import { pyRepr, pyStr } from './repr.js';
import { cpLength, cps, pad, pyCapitalize, pyReplace, pyStrip, repeatString, joinStrings, splitlines } from './strings.js';
import { DictView, NOT_FOUND, PyIterator, Undefined, isNumeric, isTuple, numOf, tuple, typeName, type Val } from './values.js';

export type Filter = (value: Val, args: Val[], kwargs: Map<string, Val>) => Val;

export const str = (v: Val): string => pyStr(v);

export function attrGetter(attribute: Val | undefined): (x: Val) => Val {
  if (attribute === undefined || attribute === null) return (x) => x;
  const parts = typeof attribute === 'string' ? attribute.split('.') : [attribute];
  return (x) => {
    let v = x;
    for (const p of parts) v = getItem(v, typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : p);
    return v;
  };
}

export function lowerIfStr(v: Val, caseSensitive: boolean): Val {
  return !caseSensitive && typeof v === 'string' ? v.toLowerCase() : v;
}

export function sortVals(items: Val[], key: (x: Val) => Val, reverse: boolean): Val[] {
  const keyed = items.map((x) => [key(x), x] as const);
  keyed.sort((a, b) => {
    const c = pyCompare(a[0], b[0], '<');
    return reverse ? -c : c;
  });
  return keyed.map(([, x]) => x);
}

export function doIndent(s: Val, width: Val | undefined, first: Val | undefined, blank: Val | undefined): Val {
  const indention = typeof width === 'string' ? width : repeatString(' ', Math.max(0, argInt(width, 4)));
  const text = arith('+', s, '\n') as string;
  let rv: string;
  const lines = splitlines(text, false);
  growChars(text.length + lines.length * indention.length);
  if (blank !== undefined && truthy(blank)) rv = lines.join('\n' + indention);
  else {
    rv = lines.shift() ?? '';
    if (lines.length) rv += '\n' + lines.map((l) => (l ? indention + l : l)).join('\n');
  }
  if (first !== undefined && truthy(first)) rv = indention + rv;
  return rv;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;').replace(/"/g, '&#34;');
}

export function doTitle(s: string): string {
  return s
    .split(/([-\s({[<]+)/u)
    .filter((x) => x)
    .map((item) => {
      const c = cps(item);
      return c[0]!.toUpperCase() + c.slice(1).join('').toLowerCase();
    })
    .join('');
}

/** The filters that need no other filter or test (registry.ts adds map, select, reject and their attr forms). */
export const BASE_FILTERS = new Map<string, Filter>();
const defFilter = (names: string[], f: Filter): void => names.forEach((n) => BASE_FILTERS.set(n, f));
const fa = (name: string, params: string[], args: Val[], kwargs: Map<string, Val>): (Val | undefined)[] => bind(name, params, args, kwargs);

defFilter(['abs'], (v) => {
  if (v instanceof Undefined || !isNumeric(v)) throw typeError(`bad operand type for abs(): '${typeName(v)}'`);
  return v instanceof PyFloat ? new PyFloat(Math.abs(v.value)) : Math.abs(Number(v));
});
defFilter(['attr'], (v, a, k) => {
  const [name] = fa('attr', ['name'], a, k);
  const r = pyAttribute(v, needStr(name, 'attr'));
  return r === NOT_FOUND ? new Undefined(`no attribute ${String(name)}`) : r;
});
defFilter(['batch'], (v, a, k) => new PyIterator('generator', () => batch(v, a, k)));
export function batch(v: Val, a: Val[], k: Map<string, Val>): Val[] {
  const [count, fill] = fa('batch', ['linecount', 'fill_with'], a, k);
  const n = argInt(count, 0);
  const out: Val[] = [];
  let cur: Val[] = [];
  for (const x of iterate(v)) {
    if (cur.length === n) {
      out.push(cur);
      cur = [];
    }
    cur.push(x);
  }
  if (cur.length) {
    if (fill !== undefined && fill !== null) {
      growItems(n);
      while (cur.length < n) cur.push(fill);
    }
    out.push(cur);
  }
  return out;
}
defFilter(['capitalize'], (v) => pyCapitalize(str(v)));
defFilter(['center'], (v, a, k) => {
  const [w] = fa('center', ['width'], a, k);
  return pad(str(v), argInt(w, 80), ' ', 'center');
});
defFilter(['default', 'd'], (v, a, k) => {
  const [dflt, boolean] = fa('default', ['default_value', 'boolean'], a, k);
  if (v instanceof Undefined || (boolean !== undefined && truthy(boolean) && !truthy(v))) return dflt === undefined ? '' : dflt;
  return v;
});
defFilter(['dictsort'], (v, a, k) => {
  const [cs, by, rev] = fa('dictsort', ['case_sensitive', 'by', 'reverse'], a, k);
  if (!(v instanceof Map)) throw typeError('You can only sort by either "key" or "value"');
  const pos = by === undefined || by === 'key' ? 0 : by === 'value' ? 1 : -1;
  if (pos < 0) throw new PyError('FilterArgumentError', 'You can only sort by either "key" or "value"');
  const items = [...v].map(([key, x]) => tuple([key as Val, x]));
  const caseSensitive = cs !== undefined && truthy(cs);
  return sortVals(items, (t) => lowerIfStr((t as Val[])[pos]!, caseSensitive), rev !== undefined && truthy(rev));
});
defFilter(['escape', 'e', 'forceescape'], (v) => escapeHtml(str(v)));
defFilter(['first'], (v) => {
  const items = iterate(v);
  return items.length ? items[0]! : new Undefined('No first item, sequence was empty.');
});
defFilter(['last'], (v) => {
  if (v instanceof Undefined) return new Undefined('No last item, sequence was empty.');
  if (v instanceof PyIterator && v.kind === 'generator') throw typeError("'generator' object is not reversible");
  if (!(Array.isArray(v) || typeof v === 'string' || v instanceof Map)) throw typeError(`'${typeName(v)}' object is not reversible`);
  const items = iterate(v);
  return items.length ? items[items.length - 1]! : new Undefined('No last item, sequence was empty.');
});
defFilter(['float'], (v, a, k) => {
  const [dflt] = fa('float', ['default'], a, k);
  return toFloat(v, dflt === undefined ? new PyFloat(0) : dflt);
});
defFilter(['int'], (v, a, k) => {
  const [dflt, base] = fa('int', ['default', 'base'], a, k);
  return toInt(v, dflt === undefined ? 0 : dflt, argInt(base, 10));
});
defFilter(['indent'], (v, a, k) => {
  const [w, first, blank] = fa('indent', ['width', 'first', 'blank'], a, k);
  return doIndent(v, w, first, blank);
});
defFilter(['items'], (v) =>
  new PyIterator('generator', () => {
    if (v instanceof Undefined) return [];
    if (!(v instanceof Map)) throw typeError('Can only get item pairs from a mapping.');
    return [...v].map(([key, x]) => tuple([key as Val, x]));
  }),
);
defFilter(['join'], (v, a, k) => {
  const [sep, attribute] = fa('join', ['d', 'attribute'], a, k);
  const get = attrGetter(attribute);
  const parts = iterate(v).map((x) => str(get(x)));
  return joinStrings(parts, sep === undefined ? '' : str(sep));
});
defFilter(['length', 'count'], (v) => pyLen(v));
defFilter(['list'], (v) => iterate(v).slice());
defFilter(['lower'], (v) => str(v).toLowerCase());
defFilter(['upper'], (v) => str(v).toUpperCase());
BASE_FILTERS.set('max', (v, a, k) => minMax(v, a, k, true));
BASE_FILTERS.set('min', (v, a, k) => minMax(v, a, k, false));
export function minMax(v: Val, a: Val[], k: Map<string, Val>, max: boolean): Val {
  const [cs, attribute] = fa(max ? 'max' : 'min', ['case_sensitive', 'attribute'], a, k);
  const items = iterate(v);
  if (items.length === 0) return new Undefined('No aggregated item, sequence was empty.');
  const get = attrGetter(attribute);
  const caseSensitive = cs !== undefined && truthy(cs);
  let best: Val = items[0]!;
  for (const x of items.slice(1)) {
    const cmp = pyCompare(lowerIfStr(get(x), caseSensitive), lowerIfStr(get(best), caseSensitive), max ? '>' : '<');
    if (max ? cmp > 0 : cmp < 0) best = x;
  }
  return best;
}
defFilter(['replace'], (v, a, k) => {
  const [old, rep, count] = fa('replace', ['old', 'new', 'count'], a, k);
  return pyReplace(str(v), str(old ?? null), str(rep ?? null), count === undefined || count === null ? -1 : argInt(count, -1));
});
defFilter(['reverse'], (v) => {
  if (typeof v === 'string') return cps(v).reverse().join('');
  // reversed(value) where Python can, else the reversed list of its items.
  if (Array.isArray(v) || v instanceof Map || v instanceof Undefined || v instanceof DictView) {
    const items = iterate(v).slice().reverse();
    return new PyIterator(Array.isArray(v) ? (isTuple(v) ? 'reversed' : 'list_reverseiterator') : 'reversed', () => items);
  }
  try {
    return iterate(v).slice().reverse();
  } catch {
    throw new PyError('FilterArgumentError', 'argument must be iterable');
  }
});
defFilter(['round'], (v, a, k) => {
  const [precision, how] = fa('round', ['precision', 'method'], a, k);
  const p = argInt(precision, 0);
  const m = how === undefined ? 'common' : how;
  if (m !== 'common' && m !== 'ceil' && m !== 'floor') throw new PyError('FilterArgumentError', 'method must be common, ceil or floor');
  if (v instanceof Undefined) throw v.fail();
  if (!isNumeric(v)) throw typeError(`type ${typeName(v)} doesn't define __round__ method`);
  const x = numOf(v);
  if (m === 'common') {
    if (!(v instanceof PyFloat)) return p >= 0 ? x : pyRound(x, p);
    return new PyFloat(pyRound(x, p));
  }
  const f = 10 ** p;
  return new PyFloat((m === 'ceil' ? Math.ceil(x * f) : Math.floor(x * f)) / f);
});
defFilter(['safe', 'string'], (v) => str(v));
defFilter(['sort'], (v, a, k) => {
  const [rev, cs, attribute] = fa('sort', ['reverse', 'case_sensitive', 'attribute'], a, k);
  const get = attrGetter(attribute);
  const caseSensitive = cs !== undefined && truthy(cs);
  return sortVals(iterate(v), (x) => lowerIfStr(get(x), caseSensitive), rev !== undefined && truthy(rev));
});
defFilter(['sum'], (v, a, k) => {
  const [attribute, start] = fa('sum', ['attribute', 'start'], a, k);
  const get = attrGetter(attribute);
  return iterate(v).reduce<Val>((acc, x) => arith('+', acc, get(x)), start === undefined ? 0 : start);
});
defFilter(['title'], (v) => doTitle(str(v)));
defFilter(['tojson'], (v, a, k) => tojson(v, a, k));
defFilter(['trim'], (v, a, k) => {
  const [chars] = fa('trim', ['chars'], a, k);
  return pyStrip(str(v), argStrOrNone(chars, 'strip'), true, true);
});
defFilter(['truncate'], (v, a, k) => {
  const [length, killwords, end, leeway] = fa('truncate', ['length', 'killwords', 'end', 'leeway'], a, k);
  const s = str(v);
  const n = argInt(length, 255);
  const e = end === undefined ? '...' : str(end);
  const lw = argInt(leeway, 5);
  if (n < cpLength(e)) throw new PyError('AssertionError', `expected length >= ${cpLength(e)}, got ${n}`);
  if (lw < 0) throw new PyError('AssertionError', `expected leeway >= 0, got ${lw}`);
  const c = cps(s);
  if (c.length <= n + lw) return s;
  if (killwords !== undefined && truthy(killwords)) return c.slice(0, n - cpLength(e)).join('') + e;
  const head = c.slice(0, n - cpLength(e)).join('');
  const at = head.lastIndexOf(' ');
  return (at >= 0 ? head.slice(0, at) : head) + e;
});
defFilter(['unique'], (v, a, k) => new PyIterator('generator', () => unique(v, a, k)));
export function unique(v: Val, a: Val[], k: Map<string, Val>): Val[] {
  const [cs, attribute] = fa('unique', ['case_sensitive', 'attribute'], a, k);
  const get = attrGetter(attribute);
  const caseSensitive = cs !== undefined && truthy(cs);
  // Python's set: equal keys hash alike (1 == 1.0 == True). Strings, None and
  // non-NaN numbers go through a JS Set; other keys (tuples, NaN) by equality.
  const hashed = new Set<string>();
  const seen: Val[] = [];
  const out: Val[] = [];
  for (const x of iterate(v)) {
    const key = lowerIfStr(get(x), caseSensitive);
    checkHashable(key);
    const h = typeof key === 'string' ? `s${key}` : key === null ? 'N' : isNumeric(key) && !Number.isNaN(numOf(key)) ? `n${numOf(key)}` : null;
    if (h !== null) {
      if (hashed.has(h)) continue;
      hashed.add(h);
      out.push(x);
      continue;
    }
    work(seen.length);
    if (!seen.some((s) => pyEq(s, key))) {
      seen.push(key);
      out.push(x);
    }
  }
  return out;
}
defFilter(['wordcount'], (v) => (str(v).match(/\w+/gu) ?? []).length);
defFilter(['format'], (v, a, k) => {
  if (a.length && k.size) throw new PyError('FilterArgumentError', "can't handle positional and keyword arguments at the same time");
  return pyPercent(str(v), k.size ? new Map(k) : tuple(a));
});
defFilter(['pprint'], (v) => pyRepr(v));
