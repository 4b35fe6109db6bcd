// Jinja templates evaluated with Python jinja2's semantics, as transformers'
// apply_chat_template renders them (ImmutableSandboxedEnvironment,
// trim_blocks, lstrip_blocks, loopcontrols, its own tojson, raise_exception,
// strftime_now).
//
// Parsing is @huggingface/jinja's (tokenize + parse). Evaluation is ours: that
// package's interpreter follows JavaScript, not Python, in many places that
// decide what a chat template prints or whether it raises (None prints
// "None", `x | trim` stringifies any value, a loop over an undefined value is
// empty, `"a" + 1` raises, attribute lookup falls back to item lookup, ...).
// A raise switches the reference to its plain-text fallback, so raising
// exactly where Python raises matters as much as the rendered text.
//
// Values follow Python's data model: None = null, bool = boolean, int = an
// integral JS number, float = PyFloat, str = string, list = array, tuple = an
// array registered in TUPLES, dict = Map, plus the jinja2 runtime objects
// below (Undefined, Namespace, LoopContext, callables, dict views).
import { parse, tokenize } from '@huggingface/jinja';
import { PyFloat } from '../model/json.js';
import { pyFloat } from './float.js';

// --- errors ----------------------------------------------------------------

/** An exception as Python would raise it; `pyType` is the Python class name. */
export class PyError extends Error {
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(message);
  }
}

const typeError = (m: string): PyError => new PyError('TypeError', m);
const valueError = (m: string): PyError => new PyError('ValueError', m);

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

// --- values ----------------------------------------------------------------

export type Key = string | number | boolean | null | PyFloat;
export type Dict = Map<Key, Val>;
export type Val = null | boolean | number | PyFloat | string | Val[] | Dict | Undefined | Namespace | PyCallable | DictView | LoopContext | PyIterator;

/** jinja2's Undefined: prints as "", iterates empty, raises on most other uses. */
export class Undefined {
  constructor(
    readonly hint: string,
    /** An "unsafe" attribute (sandbox): raises SecurityError instead of UndefinedError. */
    readonly security = false,
  ) {}
  fail(): PyError {
    return new PyError(this.security ? 'SecurityError' : 'UndefinedError', this.hint);
  }
}

export class Namespace {
  constructor(readonly attrs: Map<string, Val>) {}
}

export class PyCallable {
  constructor(
    readonly name: string,
    readonly call: (args: Val[], kwargs: Map<string, Val>) => Val,
    readonly kind: 'builtin' | 'macro' = 'builtin',
  ) {}
}

/** dict.items() / keys() / values(): iterable, sized, not subscriptable. */
export class DictView {
  constructor(
    readonly kind: 'dict_items' | 'dict_keys' | 'dict_values',
    readonly items: Val[],
  ) {}
}

/** A generator / iterator (what jinja2's map, select, items, ... return): single use, no len, not subscriptable. */
export class PyIterator {
  private consumed = false;
  constructor(
    readonly kind: string,
    private readonly produce: () => Val[],
  ) {}
  take(): Val[] {
    if (this.consumed) return [];
    this.consumed = true;
    return this.produce();
  }
}

export class LoopContext {
  private lastChanged: Val[] | undefined = undefined;
  constructor(
    readonly items: Val[],
    readonly index0: number,
  ) {}
  attr(name: string): Val | typeof NOT_FOUND {
    const n = this.items.length;
    const i = this.index0;
    switch (name) {
      case 'index':
        return i + 1;
      case 'index0':
        return i;
      case 'revindex':
        return n - i;
      case 'revindex0':
        return n - i - 1;
      case 'first':
        return i === 0;
      case 'last':
        return i === n - 1;
      case 'length':
        return n;
      case 'depth':
        return 1;
      case 'depth0':
        return 0;
      case 'previtem':
        return i > 0 ? this.items[i - 1]! : new Undefined('there is no previous item');
      case 'nextitem':
        return i < n - 1 ? this.items[i + 1]! : new Undefined('there is no next item');
      case 'cycle':
        return new PyCallable('cycle', (args) => {
          if (args.length === 0) throw typeError('no items for cycling given');
          return args[i % args.length]!;
        });
      case 'changed':
        return new PyCallable('changed', (args) => {
          if (this.lastChanged !== undefined && seqEq(this.lastChanged, args)) return false;
          this.lastChanged = args;
          return true;
        });
      default:
        return NOT_FOUND;
    }
  }
}

const TUPLES = new WeakSet<Val[]>();
export function tuple(items: Val[]): Val[] {
  TUPLES.add(items);
  return items;
}
const isTuple = (v: Val): v is Val[] => Array.isArray(v) && TUPLES.has(v);
const isList = (v: Val): v is Val[] => Array.isArray(v) && !TUPLES.has(v);
const isInt = (v: Val): v is number => typeof v === 'number';
const isNumeric = (v: Val): v is number | boolean | PyFloat => typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
const numOf = (v: number | boolean | PyFloat): number => (v instanceof PyFloat ? v.value : Number(v));
const isStr = (v: Val): v is string => typeof v === 'string';
const isDict = (v: Val): v is Dict => v instanceof Map;

const NOT_FOUND = Symbol('not found');

function typeName(v: Val): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return 'int';
  if (v instanceof PyFloat) return 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return TUPLES.has(v) ? 'tuple' : 'list';
  if (v instanceof Map) return 'dict';
  if (v instanceof Undefined) return 'Undefined';
  if (v instanceof Namespace) return 'Namespace';
  if (v instanceof DictView) return v.kind;
  if (v instanceof LoopContext) return 'LoopContext';
  if (v instanceof PyIterator) return v.kind;
  return v.kind === 'macro' ? 'Macro' : 'builtin_function_or_method';
}

/** JSON-like data (objects as plain objects or Maps, PyFloat floats) to template values. */
export function toVal(x: unknown): Val {
  if (x === null || x === undefined) return null;
  if (typeof x === 'number') return Number.isInteger(x) ? x : new PyFloat(x);
  if (typeof x === 'string' || typeof x === 'boolean' || x instanceof PyFloat) return x;
  if (Array.isArray(x)) return x.map(toVal);
  if (x instanceof Map) {
    const m: Dict = new Map();
    for (const [k, v] of x) m.set(k as Key, toVal(v));
    return m;
  }
  if (x instanceof Undefined || x instanceof Namespace || x instanceof PyCallable || x instanceof DictView || x instanceof LoopContext || x instanceof PyIterator) return x;
  const m: Dict = new Map();
  for (const [k, v] of Object.entries(x as object)) m.set(k, toVal(v));
  return m;
}

// --- strings: code points, whitespace, casing --------------------------------

const cps = (s: string): string[] => Array.from(s);
const hasAstral = (s: string): boolean => /[\uD800-\uDFFF]/.test(s);
function cpLength(s: string): number {
  if (!hasAstral(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** str.isspace() characters (JS's \s differs: it has U+FEFF, lacks U+001C-U+001F and U+0085). */
const PY_SPACE = new Set([...'\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000']);
/** str.splitlines() boundaries. */
const LINE_BREAKS = new Set([...'\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029']);

/** Python's str.strip / lstrip / rstrip: `chars` null strips whitespace, else exactly those characters. */
export function pyStrip(s: string, chars: string | null, left: boolean, right: boolean): string {
  const set = chars === null ? PY_SPACE : new Set(cps(chars));
  const c = cps(s);
  let a = 0;
  let b = c.length;
  if (left) while (a < b && set.has(c[a]!)) a++;
  if (right) while (b > a && set.has(c[b - 1]!)) b--;
  return c.slice(a, b).join('');
}

function pySplit(s: string, sep: string | null, maxsplit: number): string[] {
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

function pyRsplit(s: string, sep: string | null, maxsplit: number): string[] {
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

function splitlines(s: string, keepends: boolean): string[] {
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

const CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;
const isCased = (ch: string): boolean => CASED.test(ch);

/** str.title(): a cased character after an uncased one is title-cased, the rest lower-cased. */
function pyTitle(s: string): string {
  let prevCased = false;
  let out = '';
  for (const ch of s) {
    out += prevCased ? ch.toLowerCase() : ch.toUpperCase();
    prevCased = isCased(ch);
  }
  return out;
}

function pyCapitalize(s: string): string {
  const c = cps(s);
  if (c.length === 0) return '';
  return c[0]!.toUpperCase() + c.slice(1).join('').toLowerCase();
}

function pyIsLower(s: string): boolean {
  let cased = false;
  for (const ch of s) {
    if (!isCased(ch)) continue;
    if (ch !== ch.toLowerCase() || /\p{Lt}/u.test(ch)) return false;
    cased = true;
  }
  return cased;
}

function pyIsUpper(s: string): boolean {
  let cased = false;
  for (const ch of s) {
    if (!isCased(ch)) continue;
    if (ch !== ch.toUpperCase() || /\p{Lt}/u.test(ch)) return false;
    cased = true;
  }
  return cased;
}

/** Code point index of `sub` in `s` (str.find semantics with start/end), or -1. */
function pyFind(s: string, sub: string, start: number | null, end: number | null, reverse: boolean): number {
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

function pyCount(s: string, sub: string): number {
  if (sub === '') return cpLength(s) + 1;
  let n = 0;
  let i = s.indexOf(sub);
  while (i >= 0) {
    n++;
    i = s.indexOf(sub, i + sub.length);
  }
  return n;
}

function pyReplace(s: string, old: string, rep: string, count: number): string {
  if (count === 0) return s;
  if (old === '') {
    const c = cps(s);
    const limit = count < 0 ? c.length + 1 : count;
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
  if (count < 0 || parts.length - 1 <= count) return parts.join(rep);
  return parts.slice(0, count + 1).join(rep) + old + parts.slice(count + 1).join(old);
}

function codePointCompare(a: string, b: string): number {
  if (!hasAstral(a) && !hasAstral(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = cps(a);
  const y = cps(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
}

// --- str() and repr() --------------------------------------------------------

function intStr(n: number): string {
  return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
}

export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return pyFloat(x);
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

export function reprStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x7f) out += ch;
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      out += cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
    } else out += ch;
  }
  return out + quote;
}

/** Python's str(value), which jinja2 uses to print `{{ value }}`. */
export function pyStr(v: Val): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return intStr(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v instanceof Undefined) return '';
  return pyRepr(v);
}

export function pyRepr(v: Val): string {
  if (typeof v === 'string') return reprStr(v);
  if (Array.isArray(v)) {
    const items = v.map(pyRepr);
    if (TUPLES.has(v)) return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    return `[${items.join(', ')}]`;
  }
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  if (v instanceof Undefined) return 'Undefined';
  if (v instanceof Namespace) return `<Namespace ${pyRepr(new Map(v.attrs))}>`;
  if (v instanceof DictView) return `${v.kind}(${pyRepr(v.items)})`;
  if (v instanceof LoopContext) return `<LoopContext ${v.index0 + 1}/${v.items.length}>`;
  if (v instanceof PyIterator) return `<${v.kind} object>`;
  if (v instanceof PyCallable) return v.kind === 'macro' ? `<Macro '${v.name}'>` : `<built-in method ${v.name}>`;
  return pyStr(v);
}

// --- truth, equality, ordering -------------------------------------------------

export function truthy(v: Val): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (v instanceof Undefined) return false;
  if (v instanceof DictView) return v.items.length > 0;
  return true;
}

function seqEq(a: Val[], b: Val[]): boolean {
  return a.length === b.length && a.every((x, i) => pyEq(x, b[i]!));
}

export function pyEq(a: Val, b: Val): boolean {
  if (isNumeric(a) && isNumeric(b)) return numOf(a) === numOf(b);
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return TUPLES.has(a) === TUPLES.has(b) && seqEq(a, b);
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, x] of a) {
      const y = dictGet(b, k);
      if (y === NOT_FOUND || !pyEq(x, y)) return false;
    }
    return true;
  }
  if (a instanceof Undefined && b instanceof Undefined) return a.security === b.security;
  return a === b;
}

function pyCompare(a: Val, b: Val, op: string): number {
  if (a instanceof Undefined) throw a.fail();
  if (b instanceof Undefined) throw b.fail();
  if (isNumeric(a) && isNumeric(b)) {
    const x = numOf(a);
    const y = numOf(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
  }
  if (typeof a === 'string' && typeof b === 'string') return codePointCompare(a, b);
  if (Array.isArray(a) && Array.isArray(b) && TUPLES.has(a) === TUPLES.has(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEq(a[i]!, b[i]!)) return pyCompare(a[i]!, b[i]!, op);
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

// --- dicts -----------------------------------------------------------------

function hashable(k: Val): k is Key {
  return k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean' || k instanceof PyFloat;
}

function checkHashable(k: Val): Key {
  if (k instanceof Undefined) return k as unknown as Key;
  if (Array.isArray(k) && TUPLES.has(k)) return k as unknown as Key;
  if (!hashable(k)) throw typeError(`unhashable type: '${typeName(k)}'`);
  return k;
}

function findKey(m: Dict, k: Key): Key | typeof NOT_FOUND {
  if (m.has(k)) return k;
  if (typeof k === 'string') return NOT_FOUND;
  for (const key of m.keys()) if (typeof key !== 'string' && pyEq(key as Val, k as Val)) return key;
  return NOT_FOUND;
}

function dictGet(m: Dict, k: Val): Val | typeof NOT_FOUND {
  const key = findKey(m, checkHashable(k));
  return key === NOT_FOUND ? NOT_FOUND : m.get(key)!;
}

function dictSet(m: Dict, k: Val, v: Val): void {
  const key = checkHashable(k);
  const found = findKey(m, key);
  m.set(found === NOT_FOUND ? key : found, v);
}

// --- iteration, length, membership -----------------------------------------

/** iter(value) as a list; TypeError for non-iterables. */
export function iterate(v: Val): Val[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return cps(v);
  if (v instanceof Map) return [...v.keys()] as Val[];
  if (v instanceof Undefined) return [];
  if (v instanceof DictView) return v.items;
  if (v instanceof PyIterator) return v.take();
  throw typeError(`'${typeName(v)}' object is not iterable`);
}

function pyLen(v: Val): number {
  if (typeof v === 'string') return cpLength(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (v instanceof Undefined) return 0;
  if (v instanceof DictView) return v.items.length;
  throw typeError(`object of type '${typeName(v)}' has no len()`);
}

function contains(container: Val, item: Val): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (container instanceof Map) return dictGet(container, item) !== NOT_FOUND;
  if (container instanceof DictView && container.kind === 'dict_keys') return container.items.some((x) => pyEq(x, item));
  return iterate(container).some((x) => pyEq(x, item));
}

// --- attribute and item access (sandboxed) -------------------------------------

const MUTATING: Record<string, Set<string>> = {
  list: new Set(['append', 'clear', 'extend', 'insert', 'pop', 'remove', 'reverse', 'sort']),
  dict: new Set(['clear', 'pop', 'popitem', 'setdefault', 'update']),
};
const LIST_METHODS = new Set(['append', 'clear', 'copy', 'count', 'extend', 'index', 'insert', 'pop', 'remove', 'reverse', 'sort']);
const DICT_METHODS = new Set(['clear', 'copy', 'fromkeys', 'get', 'items', 'keys', 'pop', 'popitem', 'setdefault', 'update', 'values']);

function unsafe(obj: Val, name: string): Undefined {
  return new Undefined(`access to attribute '${name}' of '${typeName(obj)}' object is unsafe.`, true);
}

/** getattr(obj, name) as the sandbox sees it: a value, an unsafe marker, or NOT_FOUND (AttributeError). */
function pyAttribute(obj: Val, name: string): Val | typeof NOT_FOUND {
  if (obj instanceof Undefined) throw obj.fail();
  if (name.startsWith('__') && name.endsWith('__')) return unsafe(obj, name);
  if (name.startsWith('_')) return NOT_FOUND;
  if (typeof obj === 'string') return strMethod(obj, name);
  if (Array.isArray(obj)) {
    const tupleMethod = name === 'count' || name === 'index';
    if (TUPLES.has(obj) ? !tupleMethod : !LIST_METHODS.has(name)) return NOT_FOUND;
    if (MUTATING['list']!.has(name)) return unsafe(obj, name);
    return seqMethod(obj, name);
  }
  if (obj instanceof Map) {
    if (!DICT_METHODS.has(name)) return NOT_FOUND;
    if (MUTATING['dict']!.has(name)) return unsafe(obj, name);
    return dictMethod(obj, name);
  }
  if (obj instanceof Namespace) return obj.attrs.has(name) ? obj.attrs.get(name)! : NOT_FOUND;
  if (obj instanceof LoopContext) return obj.attr(name);
  if (typeof obj === 'number' || typeof obj === 'boolean') {
    if (name === 'real' || name === 'numerator') return Number(obj);
    if (name === 'imag') return 0;
    if (name === 'denominator') return 1;
    return NOT_FOUND;
  }
  if (obj instanceof PyFloat) {
    if (name === 'real') return obj;
    if (name === 'imag') return new PyFloat(0);
    if (name === 'is_integer') return new PyCallable('is_integer', () => Number.isInteger(obj.value));
    return NOT_FOUND;
  }
  return NOT_FOUND;
}

/** obj[key] in Python; NOT_FOUND for the TypeError / LookupError jinja2 catches. */
function rawItem(obj: Val, key: Val): Val | typeof NOT_FOUND {
  if (obj instanceof Undefined) throw obj.fail();
  if (Array.isArray(obj) || typeof obj === 'string') {
    if (typeof key !== 'number' && typeof key !== 'boolean') return NOT_FOUND;
    const seq = typeof obj === 'string' ? cps(obj) : obj;
    let i = Number(key);
    if (i < 0) i += seq.length;
    return i >= 0 && i < seq.length ? seq[i]! : NOT_FOUND;
  }
  if (obj instanceof Map) {
    if (!hashable(key) && !(key instanceof Undefined) && !isTuple(key)) return NOT_FOUND;
    return dictGet(obj, key);
  }
  return NOT_FOUND;
}

/** `obj.name` (environment.getattr): attribute first, then item. */
export function getAttr(obj: Val, name: string): Val {
  const a = pyAttribute(obj, name);
  if (a !== NOT_FOUND) return a;
  const item = rawItem(obj, name);
  return item === NOT_FOUND ? new Undefined(`${pyRepr(obj).slice(0, 60)} has no attribute '${name}'`) : item;
}

/** `obj[key]` (environment.getitem): item first, then attribute for string keys. */
export function getItem(obj: Val, key: Val): Val {
  const item = rawItem(obj, key);
  if (item !== NOT_FOUND) return item;
  if (typeof key === 'string') {
    const a = pyAttribute(obj, key);
    if (a !== NOT_FOUND) return a;
  }
  return new Undefined(`${pyRepr(obj).slice(0, 60)} has no element ${pyRepr(key)}`);
}

function sliceIndex(v: Val): number | null {
  if (v === null) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
  throw typeError('slice indices must be integers or None or have an __index__ method');
}

/** obj[start:stop:step]: jinja2 compiles slices to plain Python subscripts (errors propagate). */
function pySlice(obj: Val, start: Val, stop: Val, step: Val): Val {
  if (obj instanceof Undefined) throw obj.fail();
  const a = sliceIndex(start);
  const b = sliceIndex(stop);
  const s = sliceIndex(step) ?? 1;
  if (!(Array.isArray(obj) || typeof obj === 'string')) {
    if (obj instanceof Map) throw typeError("unhashable type: 'slice'");
    if (obj instanceof PyIterator) throw typeError(`'${obj.kind}' object is not subscriptable`);
    throw typeError(`'${typeName(obj)}' object is not subscriptable`);
  }
  if (s === 0) throw valueError('slice step cannot be zero');
  const seq = typeof obj === 'string' ? cps(obj) : obj;
  const n = seq.length;
  const clamp = (x: number | null, dflt: number, lo: number, hi: number): number => {
    if (x === null) return dflt;
    if (x < 0) x += n;
    return Math.min(Math.max(x, lo), hi);
  };
  const out: Val[] = [];
  if (s > 0) {
    const from = clamp(a, 0, 0, n);
    const to = clamp(b, n, 0, n);
    for (let i = from; i < to; i += s) out.push(seq[i]!);
  } else {
    const from = clamp(a, n - 1, -1, n - 1);
    const to = clamp(b, -1, -1, n - 1);
    for (let i = from; i > to; i += s) out.push(seq[i]!);
  }
  if (typeof obj === 'string') return (out as string[]).join('');
  return TUPLES.has(obj) ? tuple(out) : out;
}

// --- methods of str, list, dict ----------------------------------------------

function argStrOrNone(v: Val | undefined, what: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  throw typeError(`${what} arg must be None or str`);
}

function argInt(v: Val | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
  throw typeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
}

function argIntOrNone(v: Val | undefined): number | null {
  if (v === undefined || v === null) return null;
  return argInt(v, 0);
}

/** Positional and keyword arguments bound to parameter names (Python call semantics, simplified). */
function bind(name: string, params: string[], args: Val[], kwargs: Map<string, Val>): (Val | undefined)[] {
  if (args.length > params.length) throw typeError(`${name}() takes at most ${params.length} arguments (${args.length} given)`);
  const out: (Val | undefined)[] = params.map((_, i) => args[i]);
  for (const [k, v] of kwargs) {
    const i = params.indexOf(k);
    if (i < 0) throw typeError(`${name}() got an unexpected keyword argument '${k}'`);
    if (out[i] !== undefined) throw typeError(`${name}() got multiple values for argument '${k}'`);
    out[i] = v;
  }
  return out;
}

function method(name: string, params: string[], fn: (a: (Val | undefined)[]) => Val): PyCallable {
  return new PyCallable(name, (args, kwargs) => fn(bind(name, params, args, kwargs)));
}

function needStr(v: Val | undefined, fn: string): string {
  if (typeof v !== 'string') throw typeError(`${fn}() argument must be str, not ${v === undefined ? 'nothing' : typeName(v)}`);
  return v;
}

function affix(s: string, arg: Val | undefined, start: Val | undefined, end: Val | undefined, fn: 'startswith' | 'endswith'): boolean {
  const c = cps(s);
  const n = c.length;
  const norm = (x: number | null, dflt: number): number => (x === null ? dflt : x < 0 ? Math.max(0, n + x) : Math.min(x, n));
  const a = norm(argIntOrNone(start), 0);
  const b = norm(argIntOrNone(end), n);
  const part = a > b ? null : c.slice(a, b).join('');
  const test = (p: Val): boolean => {
    if (typeof p !== 'string') throw typeError(`${fn} first arg must be str or a tuple of str, not ${typeName(p)}`);
    if (part === null) return false;
    return fn === 'startswith' ? part.startsWith(p) : part.endsWith(p);
  };
  if (arg !== undefined && isTuple(arg)) return arg.some(test);
  if (arg === undefined) throw typeError(`${fn}() takes at least 1 argument (0 given)`);
  return test(arg);
}

function strMethod(s: string, name: string): Val | typeof NOT_FOUND {
  switch (name) {
    case 'strip':
    case 'lstrip':
    case 'rstrip':
      return method(name, ['chars'], ([c]) => pyStrip(s, argStrOrNone(c, name), name !== 'rstrip', name !== 'lstrip'));
    case 'split':
    case 'rsplit':
      return method(name, ['sep', 'maxsplit'], ([sep, max]) => (name === 'split' ? pySplit : pyRsplit)(s, argStrOrNone(sep, name), argInt(max, -1)));
    case 'splitlines':
      return method(name, ['keepends'], ([k]) => splitlines(s, k !== undefined && truthy(k)));
    case 'startswith':
    case 'endswith':
      return method(name, ['prefix', 'start', 'end'], ([p, a, b]) => affix(s, p, a, b, name));
    case 'replace':
      return method(name, ['old', 'new', 'count'], ([o, n, c]) => pyReplace(s, needStr(o, name), needStr(n, name), argInt(c, -1)));
    case 'upper':
      return method(name, [], () => s.toUpperCase());
    case 'lower':
    case 'casefold':
      return method(name, [], () => s.toLowerCase());
    case 'title':
      return method(name, [], () => pyTitle(s));
    case 'capitalize':
      return method(name, [], () => pyCapitalize(s));
    case 'swapcase':
      return method(name, [], () => cps(s).map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join(''));
    case 'find':
    case 'rfind':
    case 'index':
    case 'rindex':
      return method(name, ['sub', 'start', 'end'], ([sub, a, b]) => {
        const at = pyFind(s, needStr(sub, name), argIntOrNone(a), argIntOrNone(b), name.startsWith('r'));
        if (at < 0 && name.endsWith('index')) throw valueError('substring not found');
        return at;
      });
    case 'count':
      return method(name, ['sub'], ([sub]) => pyCount(s, needStr(sub, name)));
    case 'join':
      return method(name, ['iterable'], ([it]) =>
        iterate(it ?? null)
          .map((x, i) => {
            if (typeof x !== 'string') throw typeError(`sequence item ${i}: expected str instance, ${typeName(x)} found`);
            return x;
          })
          .join(s),
      );
    case 'removeprefix':
      return method(name, ['prefix'], ([p]) => (s.startsWith(needStr(p, name)) ? s.slice((p as string).length) : s));
    case 'removesuffix':
      return method(name, ['suffix'], ([p]) => (needStr(p, name) && s.endsWith(p as string) ? s.slice(0, s.length - (p as string).length) : s));
    case 'partition':
    case 'rpartition':
      return method(name, ['sep'], ([sep]) => {
        const p = needStr(sep, name);
        if (p === '') throw valueError('empty separator');
        const at = name === 'partition' ? s.indexOf(p) : s.lastIndexOf(p);
        if (at < 0) return tuple(name === 'partition' ? [s, '', ''] : ['', '', s]);
        return tuple([s.slice(0, at), p, s.slice(at + p.length)]);
      });
    case 'zfill':
      return method(name, ['width'], ([w]) => {
        const width = argInt(w, 0);
        const n = cpLength(s);
        if (n >= width) return s;
        const sign = s[0] === '+' || s[0] === '-' ? s[0] : '';
        return sign + '0'.repeat(width - n) + s.slice(sign.length);
      });
    case 'center':
    case 'ljust':
    case 'rjust':
      return method(name, ['width', 'fillchar'], ([w, f]) => pad(s, argInt(w, 0), f === undefined ? ' ' : needStr(f, name), name));
    case 'isdigit':
    case 'isdecimal':
    case 'isnumeric':
      return method(name, [], () => s.length > 0 && /^\p{Nd}+$/u.test(s));
    case 'isalpha':
      return method(name, [], () => s.length > 0 && /^\p{L}+$/u.test(s));
    case 'isalnum':
      return method(name, [], () => s.length > 0 && /^[\p{L}\p{Nd}]+$/u.test(s));
    case 'isspace':
      return method(name, [], () => s.length > 0 && cps(s).every((c) => PY_SPACE.has(c)));
    case 'islower':
      return method(name, [], () => pyIsLower(s));
    case 'isupper':
      return method(name, [], () => pyIsUpper(s));
    case 'isascii':
      return method(name, [], () => /^[\x00-\x7f]*$/.test(s));
    case 'format':
      return new PyCallable(name, (args, kwargs) => pyFormat(s, args, kwargs));
    case 'encode':
    case 'expandtabs':
    case 'format_map':
    case 'isidentifier':
    case 'isprintable':
    case 'istitle':
    case 'maketrans':
    case 'translate':
      return new PyCallable(name, () => {
        throw new PyError('NotImplementedError', `str.${name} is not supported by this renderer`);
      });
    default:
      return NOT_FOUND;
  }
}

function pad(s: string, width: number, fill: string, how: string): string {
  if (cpLength(fill) !== 1) throw typeError('The fill character must be exactly one character long');
  const n = cpLength(s);
  if (width <= n) return s;
  const total = width - n;
  if (how === 'ljust') return s + fill.repeat(total);
  if (how === 'rjust') return fill.repeat(total) + s;
  // str.center puts the extra character on the left when the string's length is odd... CPython: left = total/2 + (total & width & 1)
  const left = Math.floor(total / 2) + (total & width & 1);
  return fill.repeat(left) + s + fill.repeat(total - left);
}

/** str.format for plain replacement fields ({}, {0}, {name}) without format specs. */
function pyFormat(s: string, args: Val[], kwargs: Map<string, Val>): string {
  let auto = 0;
  return s.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const [ref, spec] = (field ?? '').split(':', 2) as [string, string | undefined];
    if (spec !== undefined && spec !== '') throw new PyError('NotImplementedError', 'format specs are not supported');
    if (ref.includes('!')) throw new PyError('NotImplementedError', 'format conversions are not supported');
    let v: Val | undefined;
    if (ref === '') v = args[auto++];
    else if (/^\d+$/.test(ref)) v = args[Number(ref)];
    else v = kwargs.get(ref);
    if (v === undefined) throw new PyError(ref === '' || /^\d+$/.test(ref) ? 'IndexError' : 'KeyError', `Replacement index ${ref} out of range`);
    return pyStr(v);
  });
}

/** printf-style `str % args` for %s %r %d %i %%. */
function pyPercent(s: string, arg: Val): string {
  const args = isTuple(arg) ? arg : [arg];
  let i = 0;
  const out = s.replace(/%([%srdi])/g, (_m, c: string) => {
    if (c === '%') return '%';
    if (i >= args.length) throw typeError('not enough arguments for format string');
    const v = args[i++]!;
    if (c === 's') return pyStr(v);
    if (c === 'r') return pyRepr(v);
    if (!isNumeric(v)) throw typeError(`%${c} format: a real number is required, not ${typeName(v)}`);
    return intStr(Math.trunc(numOf(v)));
  });
  if (/%/.test(s.replace(/%[%srdi]/g, ''))) throw new PyError('NotImplementedError', 'format directive not supported');
  if (i < args.length && !(arg instanceof Map && i === 0)) throw typeError('not all arguments converted during string formatting');
  return out;
}

function seqMethod(list: Val[], name: string): Val {
  switch (name) {
    case 'index':
      return method(name, ['value'], ([v]) => {
        const i = list.findIndex((x) => pyEq(x, v ?? null));
        if (i < 0) throw valueError(`${pyRepr(v ?? null)} is not in list`);
        return i;
      });
    case 'count':
      return method(name, ['value'], ([v]) => list.filter((x) => pyEq(x, v ?? null)).length);
    default:
      return method(name, [], () => list.slice());
  }
}

function dictMethod(d: Dict, name: string): Val {
  switch (name) {
    case 'get':
      return method(name, ['key', 'default'], ([k, dflt]) => {
        if (k === undefined) throw typeError('get expected at least 1 argument, got 0');
        const v = dictGet(d, k);
        return v === NOT_FOUND ? (dflt ?? null) : v;
      });
    case 'items':
      return method(name, [], () => new DictView('dict_items', [...d].map(([k, v]) => tuple([k as Val, v]))));
    case 'keys':
      return method(name, [], () => new DictView('dict_keys', [...d.keys()] as Val[]));
    case 'values':
      return method(name, [], () => new DictView('dict_values', [...d.values()]));
    case 'copy':
      return method(name, [], () => new Map(d));
    default:
      return method(name, ['iterable', 'value'], ([keys, v]) => {
        const m: Dict = new Map();
        for (const k of iterate(keys ?? null)) dictSet(m, k, v ?? null);
        return m;
      });
  }
}

// --- operators -------------------------------------------------------------

function arith(op: string, a: Val, b: Val): Val {
  if (a instanceof Undefined) throw a.fail();
  if (b instanceof Undefined) throw b.fail();
  if (isNumeric(a) && isNumeric(b)) {
    const x = numOf(a);
    const y = numOf(b);
    const float = a instanceof PyFloat || b instanceof PyFloat;
    const wrap = (r: number): Val => (float ? new PyFloat(r) : r);
    switch (op) {
      case '+':
        return wrap(x + y);
      case '-':
        return wrap(x - y);
      case '*':
        return wrap(x * y);
      case '/':
        if (y === 0) throw new PyError('ZeroDivisionError', 'division by zero');
        return new PyFloat(x / y);
      case '//':
        if (y === 0) throw new PyError('ZeroDivisionError', 'integer division or modulo by zero');
        return wrap(Math.floor(x / y));
      case '%': {
        if (y === 0) throw new PyError('ZeroDivisionError', 'integer modulo by zero');
        const r = x % y;
        return wrap(r !== 0 && r < 0 !== y < 0 ? r + y : r);
      }
      case '**':
        if (x === 0 && y < 0) throw new PyError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
        return float || y < 0 ? new PyFloat(x ** y) : x ** y;
    }
  }
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (Array.isArray(a) && Array.isArray(b) && TUPLES.has(a) === TUPLES.has(b)) return TUPLES.has(a) ? tuple([...a, ...b]) : [...a, ...b];
  }
  if (op === '*') {
    const rep = (seq: Val, n: Val): Val | null => {
      if (!(typeof n === 'number' || typeof n === 'boolean')) return null;
      const k = Math.max(0, Number(n));
      if (typeof seq === 'string') return seq.repeat(k);
      if (Array.isArray(seq)) {
        const out: Val[] = [];
        for (let i = 0; i < k; i++) out.push(...seq);
        return TUPLES.has(seq) ? tuple(out) : out;
      }
      return null;
    };
    const r = rep(a, b) ?? rep(b, a);
    if (r !== null) return r;
  }
  if (op === '%' && typeof a === 'string') return pyPercent(a, b);
  throw typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

// --- json.dumps (transformers' tojson filter) -----------------------------------

interface DumpOptions {
  ensureAscii: boolean;
  indent: string | null;
  itemSep: string;
  keySep: string;
  sortKeys: boolean;
}

function jsonString(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || (ensureAscii && c > 0x7e)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pyFloat(x);
}

function jsonKey(k: Key): string {
  if (typeof k === 'string') return k;
  if (k === true) return 'true';
  if (k === false) return 'false';
  if (k === null) return 'null';
  if (typeof k === 'number') return intStr(k);
  if (k instanceof PyFloat) return jsonFloat(k.value);
  throw typeError(`keys must be str, int, float, bool or None, not ${typeName(k as Val)}`);
}

export function pyJsonDumps(v: Val, o: DumpOptions, depth = 0): string {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'number') return intStr(v);
  if (v instanceof PyFloat) return jsonFloat(v.value);
  if (typeof v === 'string') return jsonString(v, o.ensureAscii);
  if (Array.isArray(v) || v instanceof Map) {
    const isObj = v instanceof Map;
    let items: string[];
    if (isObj) {
      let entries = [...v];
      if (o.sortKeys) {
        entries = entries.slice().sort(([a], [b]) => {
          if (typeof a === 'string' && typeof b === 'string') return codePointCompare(a, b);
          return pyCompare(a as Val, b as Val, '<');
        });
      }
      items = entries.map(([k, x]) => `${jsonString(jsonKey(k), o.ensureAscii)}${o.keySep}${pyJsonDumps(x, o, depth + 1)}`);
    } else {
      items = v.map((x) => pyJsonDumps(x, o, depth + 1));
    }
    const [open, close] = isObj ? ['{', '}'] : ['[', ']'];
    if (items.length === 0) return open + close;
    if (o.indent === null) return open + items.join(o.itemSep) + close;
    const pad = `\n${o.indent.repeat(depth + 1)}`;
    return `${open}${pad}${items.join(o.itemSep + pad)}\n${o.indent.repeat(depth)}${close}`;
  }
  throw typeError(`Object of type ${typeName(v)} is not JSON serializable`);
}

function tojson(value: Val, args: Val[], kwargs: Map<string, Val>): string {
  const [ensureAscii, indent, separators, sortKeys] = bind('tojson', ['ensure_ascii', 'indent', 'separators', 'sort_keys'], args, kwargs);
  let ind: string | null = null;
  if (indent !== undefined && indent !== null) {
    if (typeof indent === 'string') ind = indent;
    else if (typeof indent === 'number' || typeof indent === 'boolean') ind = ' '.repeat(Math.max(0, Number(indent)));
    else throw typeError(`can't multiply sequence by non-int of type '${typeName(indent)}'`);
  }
  let itemSep = ind === null ? ', ' : ',';
  let keySep = ': ';
  if (separators !== undefined && separators !== null) {
    const s = iterate(separators);
    if (s.length !== 2) throw valueError(`too many values to unpack (expected 2)`);
    if (typeof s[0] !== 'string' || typeof s[1] !== 'string') throw typeError('separators must be strings');
    [itemSep, keySep] = [s[0], s[1]];
  }
  return pyJsonDumps(value, { ensureAscii: ensureAscii !== undefined && truthy(ensureAscii), indent: ind, itemSep, keySep, sortKeys: sortKeys !== undefined && truthy(sortKeys) });
}

// --- filters ---------------------------------------------------------------

interface Ctx {
  interp: Interpreter;
}
type Filter = (ctx: Ctx, value: Val, args: Val[], kwargs: Map<string, Val>) => Val;

const str = (v: Val): string => pyStr(v);

function attrGetter(ctx: Ctx, attribute: Val | undefined): (x: Val) => Val {
  if (attribute === undefined || attribute === null) return (x) => x;
  const parts = typeof attribute === 'string' ? attribute.split('.') : [attribute];
  return (x) => {
    let v = x;
    for (const p of parts) v = getItem(v, typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : p);
    return v;
  };
}

function lowerIfStr(v: Val, caseSensitive: boolean): Val {
  return !caseSensitive && typeof v === 'string' ? v.toLowerCase() : v;
}

function sortVals(items: Val[], key: (x: Val) => Val, reverse: boolean): Val[] {
  const keyed = items.map((x) => [key(x), x] as const);
  keyed.sort((a, b) => {
    const c = pyCompare(a[0], b[0], '<');
    return reverse ? -c : c;
  });
  return keyed.map(([, x]) => x);
}

/** Python's round(x, n) for a float: round half to even on the exact binary value. */
function pyRound(x: number, n: number): number {
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

function doIndent(s: Val, width: Val | undefined, first: Val | undefined, blank: Val | undefined): Val {
  const indention = typeof width === 'string' ? width : ' '.repeat(Math.max(0, argInt(width, 4)));
  const text = arith('+', s, '\n') as string;
  let rv: string;
  const lines = splitlines(text, false);
  if (blank !== undefined && truthy(blank)) rv = lines.join('\n' + indention);
  else {
    rv = lines.shift() ?? '';
    if (lines.length) rv += '\n' + lines.map((l) => (l ? indention + l : l)).join('\n');
  }
  if (first !== undefined && truthy(first)) rv = indention + rv;
  return rv;
}

function toInt(v: Val, dflt: Val, base: number): Val {
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

function toFloat(v: Val, dflt: Val): Val {
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

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&#39;').replace(/"/g, '&#34;');
}

function doTitle(s: string): string {
  return s
    .split(/([-\s({[<]+)/u)
    .filter((x) => x)
    .map((item) => {
      const c = cps(item);
      return c[0]!.toUpperCase() + c.slice(1).join('').toLowerCase();
    })
    .join('');
}

function selectOrReject(ctx: Ctx, value: Val, args: Val[], kwargs: Map<string, Val>, select: boolean, byAttr: boolean): Val[] {
  const items = iterate(value);
  let getter: (x: Val) => Val = (x) => x;
  let rest = args;
  if (byAttr) {
    if (rest.length === 0) throw typeError('Missing parameter for attribute name');
    getter = attrGetter(ctx, rest[0]);
    rest = rest.slice(1);
  }
  let test: (x: Val) => boolean;
  if (rest.length === 0) test = truthy;
  else {
    const name = rest[0];
    if (typeof name !== 'string') throw typeError('test name must be a string');
    const t = TESTS.get(name);
    if (!t) throw new PyError('TemplateRuntimeError', `No test named '${name}'.`);
    const targs = rest.slice(1);
    test = (x) => t(x, targs, kwargs);
  }
  return items.filter((x) => test(getter(x)) === select);
}

const FILTERS = new Map<string, Filter>();
const defFilter = (names: string[], f: Filter): void => names.forEach((n) => FILTERS.set(n, f));
const fa = (name: string, params: string[], args: Val[], kwargs: Map<string, Val>): (Val | undefined)[] => bind(name, params, args, kwargs);

defFilter(['abs'], (_c, v) => {
  if (v instanceof Undefined || !isNumeric(v)) throw typeError(`bad operand type for abs(): '${typeName(v)}'`);
  return v instanceof PyFloat ? new PyFloat(Math.abs(v.value)) : Math.abs(Number(v));
});
defFilter(['attr'], (_c, v, a, k) => {
  const [name] = fa('attr', ['name'], a, k);
  const r = pyAttribute(v, needStr(name, 'attr'));
  return r === NOT_FOUND ? new Undefined(`no attribute ${String(name)}`) : r;
});
defFilter(['batch'], (_c, v, a, k) => new PyIterator('generator', () => batch(v, a, k)));
function batch(v: Val, a: Val[], k: Map<string, Val>): Val[] {
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
    if (fill !== undefined && fill !== null) while (cur.length < n) cur.push(fill);
    out.push(cur);
  }
  return out;
}
defFilter(['capitalize'], (_c, v) => pyCapitalize(str(v)));
defFilter(['center'], (_c, v, a, k) => {
  const [w] = fa('center', ['width'], a, k);
  return pad(str(v), argInt(w, 80), ' ', 'center');
});
defFilter(['default', 'd'], (_c, v, a, k) => {
  const [dflt, boolean] = fa('default', ['default_value', 'boolean'], a, k);
  if (v instanceof Undefined || (boolean !== undefined && truthy(boolean) && !truthy(v))) return dflt === undefined ? '' : dflt;
  return v;
});
defFilter(['dictsort'], (_c, v, a, k) => {
  const [cs, by, rev] = fa('dictsort', ['case_sensitive', 'by', 'reverse'], a, k);
  if (!(v instanceof Map)) throw typeError('You can only sort by either "key" or "value"');
  const pos = by === undefined || by === 'key' ? 0 : by === 'value' ? 1 : -1;
  if (pos < 0) throw new PyError('FilterArgumentError', 'You can only sort by either "key" or "value"');
  const items = [...v].map(([key, x]) => tuple([key as Val, x]));
  const caseSensitive = cs !== undefined && truthy(cs);
  return sortVals(items, (t) => lowerIfStr((t as Val[])[pos]!, caseSensitive), rev !== undefined && truthy(rev));
});
defFilter(['escape', 'e', 'forceescape'], (_c, v) => escapeHtml(str(v)));
defFilter(['first'], (_c, v) => {
  const items = iterate(v);
  return items.length ? items[0]! : new Undefined('No first item, sequence was empty.');
});
defFilter(['last'], (_c, v) => {
  if (v instanceof Undefined) return new Undefined('No last item, sequence was empty.');
  if (v instanceof PyIterator && v.kind === 'generator') throw typeError("'generator' object is not reversible");
  if (!(Array.isArray(v) || typeof v === 'string' || v instanceof Map)) throw typeError(`'${typeName(v)}' object is not reversible`);
  const items = iterate(v);
  return items.length ? items[items.length - 1]! : new Undefined('No last item, sequence was empty.');
});
defFilter(['float'], (_c, v, a, k) => {
  const [dflt] = fa('float', ['default'], a, k);
  return toFloat(v, dflt === undefined ? new PyFloat(0) : dflt);
});
defFilter(['int'], (_c, v, a, k) => {
  const [dflt, base] = fa('int', ['default', 'base'], a, k);
  return toInt(v, dflt === undefined ? 0 : dflt, argInt(base, 10));
});
defFilter(['indent'], (_c, v, a, k) => {
  const [w, first, blank] = fa('indent', ['width', 'first', 'blank'], a, k);
  return doIndent(v, w, first, blank);
});
defFilter(['items'], (_c, v) =>
  new PyIterator('generator', () => {
    if (v instanceof Undefined) return [];
    if (!(v instanceof Map)) throw typeError('Can only get item pairs from a mapping.');
    return [...v].map(([key, x]) => tuple([key as Val, x]));
  }),
);
defFilter(['join'], (c, v, a, k) => {
  const [sep, attribute] = fa('join', ['d', 'attribute'], a, k);
  const get = attrGetter(c, attribute);
  return iterate(v)
    .map((x) => str(get(x)))
    .join(sep === undefined ? '' : str(sep));
});
defFilter(['length', 'count'], (_c, v) => pyLen(v));
defFilter(['list'], (_c, v) => iterate(v).slice());
defFilter(['lower'], (_c, v) => str(v).toLowerCase());
defFilter(['upper'], (_c, v) => str(v).toUpperCase());
defFilter(['map'], (c, v, a, k) => new PyIterator('generator', () => doMap(c, v, a, k)));
function doMap(c: Ctx, v: Val, a: Val[], k: Map<string, Val>): Val[] {
  const items = iterate(v);
  if (a.length === 0 && k.has('attribute')) {
    const get = attrGetter(c, k.get('attribute'));
    const dflt = k.get('default');
    return items.map((x) => {
      const r = get(x);
      return r instanceof Undefined && dflt !== undefined ? dflt : r;
    });
  }
  const name = a[0];
  if (typeof name !== 'string') throw typeError('map requires a filter name');
  const f = FILTERS.get(name);
  if (!f) throw new PyError('TemplateRuntimeError', `No filter named '${name}'.`);
  return items.map((x) => f(c, x, a.slice(1), k));
}
FILTERS.set('max', (c, v, a, k) => minMax(c, v, a, k, true));
FILTERS.set('min', (c, v, a, k) => minMax(c, v, a, k, false));
function minMax(c: Ctx, v: Val, a: Val[], k: Map<string, Val>, max: boolean): Val {
  const [cs, attribute] = fa(max ? 'max' : 'min', ['case_sensitive', 'attribute'], a, k);
  const items = iterate(v);
  if (items.length === 0) return new Undefined('No aggregated item, sequence was empty.');
  const get = attrGetter(c, attribute);
  const caseSensitive = cs !== undefined && truthy(cs);
  let best: Val = items[0]!;
  for (const x of items.slice(1)) {
    const cmp = pyCompare(lowerIfStr(get(x), caseSensitive), lowerIfStr(get(best), caseSensitive), max ? '>' : '<');
    if (max ? cmp > 0 : cmp < 0) best = x;
  }
  return best;
}
defFilter(['reject'], (c, v, a, k) => new PyIterator('generator', () => selectOrReject(c, v, a, k, false, false)));
defFilter(['select'], (c, v, a, k) => new PyIterator('generator', () => selectOrReject(c, v, a, k, true, false)));
defFilter(['rejectattr'], (c, v, a, k) => new PyIterator('generator', () => selectOrReject(c, v, a, k, false, true)));
defFilter(['selectattr'], (c, v, a, k) => new PyIterator('generator', () => selectOrReject(c, v, a, k, true, true)));
defFilter(['replace'], (_c, v, a, k) => {
  const [old, rep, count] = fa('replace', ['old', 'new', 'count'], a, k);
  return pyReplace(str(v), str(old ?? null), str(rep ?? null), count === undefined || count === null ? -1 : argInt(count, -1));
});
defFilter(['reverse'], (_c, v) => {
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
defFilter(['round'], (_c, v, a, k) => {
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
defFilter(['safe', 'string'], (_c, v) => str(v));
defFilter(['sort'], (c, v, a, k) => {
  const [rev, cs, attribute] = fa('sort', ['reverse', 'case_sensitive', 'attribute'], a, k);
  const get = attrGetter(c, attribute);
  const caseSensitive = cs !== undefined && truthy(cs);
  return sortVals(iterate(v), (x) => lowerIfStr(get(x), caseSensitive), rev !== undefined && truthy(rev));
});
defFilter(['sum'], (c, v, a, k) => {
  const [attribute, start] = fa('sum', ['attribute', 'start'], a, k);
  const get = attrGetter(c, attribute);
  return iterate(v).reduce<Val>((acc, x) => arith('+', acc, get(x)), start === undefined ? 0 : start);
});
defFilter(['title'], (_c, v) => doTitle(str(v)));
defFilter(['tojson'], (_c, v, a, k) => tojson(v, a, k));
defFilter(['trim'], (_c, v, a, k) => {
  const [chars] = fa('trim', ['chars'], a, k);
  return pyStrip(str(v), argStrOrNone(chars, 'strip'), true, true);
});
defFilter(['truncate'], (_c, v, a, k) => {
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
defFilter(['unique'], (c, v, a, k) => new PyIterator('generator', () => unique(c, v, a, k)));
function unique(c: Ctx, v: Val, a: Val[], k: Map<string, Val>): Val[] {
  const [cs, attribute] = fa('unique', ['case_sensitive', 'attribute'], a, k);
  const get = attrGetter(c, attribute);
  const caseSensitive = cs !== undefined && truthy(cs);
  const seen: Val[] = [];
  const out: Val[] = [];
  for (const x of iterate(v)) {
    const key = lowerIfStr(get(x), caseSensitive);
    checkHashable(key);
    if (!seen.some((s) => pyEq(s, key))) {
      seen.push(key);
      out.push(x);
    }
  }
  return out;
}
defFilter(['wordcount'], (_c, v) => (str(v).match(/\w+/gu) ?? []).length);
defFilter(['format'], (_c, v, a, k) => {
  if (a.length && k.size) throw new PyError('FilterArgumentError', "can't handle positional and keyword arguments at the same time");
  return pyPercent(str(v), k.size ? new Map(k) : tuple(a));
});
defFilter(['pprint'], (_c, v) => pyRepr(v));

// --- tests -----------------------------------------------------------------

type Test = (v: Val, args: Val[], kwargs: Map<string, Val>) => boolean;
const TESTS = new Map<string, Test>();
const defTest = (names: string[], t: Test): void => names.forEach((n) => TESTS.set(n, t));
const arg1 = (name: string, args: Val[], kwargs: Map<string, Val>): Val => {
  const [x] = bind(name, ['other'], args, kwargs);
  if (x === undefined) throw typeError(`${name}() missing 1 required positional argument`);
  return x;
};

defTest(['odd'], (v) => truthy(arith('%', v, 2)));
defTest(['even'], (v) => !truthy(arith('%', v, 2)));
defTest(['divisibleby'], (v, a, k) => !truthy(arith('%', v, arg1('divisibleby', a, k))));
defTest(['defined'], (v) => !(v instanceof Undefined));
defTest(['undefined'], (v) => v instanceof Undefined);
defTest(['none'], (v) => v === null);
defTest(['boolean'], (v) => typeof v === 'boolean');
defTest(['false'], (v) => v === false);
defTest(['true'], (v) => v === true);
defTest(['integer'], (v) => typeof v === 'number');
defTest(['float'], (v) => v instanceof PyFloat);
defTest(['number'], (v) => isNumeric(v));
defTest(['string'], (v) => typeof v === 'string');
defTest(['mapping'], (v) => v instanceof Map);
defTest(['lower'], (v) => pyIsLower(str(v)));
defTest(['upper'], (v) => pyIsUpper(str(v)));
defTest(['sequence'], (v) => typeof v === 'string' || Array.isArray(v) || v instanceof Map || v instanceof Undefined);
defTest(['iterable'], (v) => typeof v === 'string' || Array.isArray(v) || v instanceof Map || v instanceof Undefined || v instanceof DictView || v instanceof LoopContext || v instanceof PyIterator);
defTest(['callable'], (v) => v instanceof PyCallable || v instanceof Undefined || v instanceof LoopContext);
defTest(['sameas'], (v, a, k) => {
  const o = arg1('sameas', a, k);
  return v === o || (v === null && o === null) || (typeof v !== 'object' && v === o);
});
defTest(['escaped'], () => false);
defTest(['in'], (v, a, k) => contains(arg1('in', a, k), v));
defTest(['==', 'eq', 'equalto'], (v, a, k) => pyEq(v, arg1('eq', a, k)));
defTest(['!=', 'ne'], (v, a, k) => !pyEq(v, arg1('ne', a, k)));
defTest(['>', 'gt', 'greaterthan'], (v, a, k) => pyCompare(v, arg1('gt', a, k), '>') > 0);
defTest(['>=', 'ge'], (v, a, k) => pyCompare(v, arg1('ge', a, k), '>=') >= 0);
defTest(['<', 'lt', 'lessthan'], (v, a, k) => pyCompare(v, arg1('lt', a, k), '<') < 0);
defTest(['<=', 'le'], (v, a, k) => pyCompare(v, arg1('le', a, k), '<=') <= 0);
defTest(['filter'], (v) => typeof v === 'string' && FILTERS.has(v));
defTest(['test'], (v) => typeof v === 'string' && TESTS.has(v));

// --- strftime --------------------------------------------------------------

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export function strftime(d: Date, fmt: string): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const start = new Date(d.getFullYear(), 0, 1);
  const yday = Math.floor((d.getTime() - start.getTime() + (start.getTimezoneOffset() - d.getTimezoneOffset()) * 60000) / 86400000) + 1;
  return fmt.replace(/%(-?)([a-zA-Z%])/g, (m, noPad: string, c: string) => {
    const num = (n: number, w = 2): string => (noPad ? String(n) : String(n).padStart(w, '0'));
    switch (c) {
      case 'Y':
        return String(d.getFullYear());
      case 'y':
        return p2(d.getFullYear() % 100);
      case 'm':
        return num(d.getMonth() + 1);
      case 'd':
        return num(d.getDate());
      case 'e':
        return String(d.getDate()).padStart(2, ' ');
      case 'H':
        return num(d.getHours());
      case 'I':
        return num(d.getHours() % 12 || 12);
      case 'M':
        return num(d.getMinutes());
      case 'S':
        return num(d.getSeconds());
      case 'p':
        return d.getHours() < 12 ? 'AM' : 'PM';
      case 'j':
        return num(yday, 3);
      case 'a':
        return DAYS[d.getDay()]!.slice(0, 3);
      case 'A':
        return DAYS[d.getDay()]!;
      case 'b':
      case 'h':
        return MONTHS[d.getMonth()]!.slice(0, 3);
      case 'B':
        return MONTHS[d.getMonth()]!;
      case 'w':
        return String(d.getDay());
      case '%':
        return '%';
      default:
        return m;
    }
  });
}

// --- the interpreter -------------------------------------------------------

interface Node {
  type: string;
  [k: string]: unknown;
}

class Scope {
  readonly vars = new Map<string, Val>();
  constructor(readonly parent: Scope | null) {}
  lookup(name: string): Val | typeof NOT_FOUND {
    for (let s: Scope | null = this; s; s = s.parent) if (s.vars.has(name)) return s.vars.get(name)!;
    return NOT_FOUND;
  }
}

const CONSTANTS = new Map<string, Val>([
  ['true', true],
  ['True', true],
  ['false', false],
  ['False', false],
  ['none', null],
  ['None', null],
]);

/** Visit every AST node below `root` (through arrays and Map literals); `visit` returning false skips a node's children. */
function walkNodes(root: unknown, visit: (node: Node) => boolean | void): void {
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n instanceof Map) {
      for (const [k, v] of n) {
        walk(k);
        walk(v);
      }
      return;
    }
    if (!n || typeof n !== 'object') return;
    const node = n as Node;
    if (visit(node) === false) return;
    for (const v of Object.values(node)) if (v && typeof v === 'object') walk(v);
  };
  walk(root);
}

/** Names a macro body reads without declaring (jinja2 decides varargs/kwargs/caller support from these). */
function referencedNames(body: unknown, out = new Set<string>()): Set<string> {
  walkNodes(body, (node) => {
    if (node.type === 'Identifier') out.add(node['value'] as string);
    return node.type !== 'Macro'; // nested macros have their own arguments
  });
  return out;
}

/** Filters and tests a template names must exist: jinja2 rejects the template at compile time otherwise. */
function checkNames(program: unknown): void {
  walkNodes(program, (node) => {
    if (node.type === 'FilterExpression' || node.type === 'FilterStatement') {
      const f = node['filter'] as Node;
      const callee = f.type === 'CallExpression' ? (f['callee'] as Node) : null;
      if (!(f.type === 'Identifier' || callee?.type === 'Identifier')) throw new PyError('TemplateSyntaxError', 'expected token \'end of print statement\'');
      const name = f.type === 'Identifier' ? (f['value'] as string) : (callee!['value'] as string);
      if (!FILTERS.has(name)) throw new PyError('TemplateAssertionError', `No filter named '${name}'.`);
    }
    if (node.type === 'TestExpression') {
      const name = (node['test'] as Node)['value'] as string;
      if (!TESTS.has(name)) throw new PyError('TemplateAssertionError', `No test named '${name}'.`);
    }
  });
}

export class Interpreter {
  readonly ctx: Ctx = { interp: this };
  constructor(readonly globals: Map<string, Val>) {}

  render(program: Node, vars: Map<string, Val>): string {
    const root = new Scope(null);
    for (const [k, v] of vars) root.vars.set(k, v);
    return this.block(program['body'] as Node[], root);
  }

  block(nodes: Node[], scope: Scope): string {
    let out = '';
    for (const n of nodes) out += this.statement(n, scope);
    return out;
  }

  statement(n: Node, scope: Scope): string {
    switch (n.type) {
      case 'Comment':
        return '';
      case 'Set':
        this.set(n, scope);
        return '';
      case 'If':
        return truthy(this.eval(n['test'] as Node, scope)) ? this.block(n['body'] as Node[], scope) : this.block(n['alternate'] as Node[], scope);
      case 'For':
        return this.forLoop(n, scope);
      case 'Macro': {
        const name = (n['name'] as Node)['value'] as string;
        scope.vars.set(name, this.macro(name, n['args'] as Node[], n['body'] as Node[], scope));
        return '';
      }
      case 'CallStatement':
        return this.callBlock(n, scope);
      case 'FilterStatement': {
        const body = this.block(n['body'] as Node[], new Scope(scope));
        return pyStr(this.applyFilter(body, n['filter'] as Node, scope));
      }
      case 'Break':
        throw BREAK;
      case 'Continue':
        throw CONTINUE;
      default:
        return pyStr(this.eval(n, scope));
    }
  }

  private assign(target: Node, value: Val, scope: Scope): void {
    if (target.type === 'Identifier') {
      scope.vars.set(target['value'] as string, value);
      return;
    }
    if (target.type === 'TupleLiteral') {
      const names = target['value'] as Node[];
      if (!(Array.isArray(value) || typeof value === 'string' || value instanceof Map || value instanceof Undefined || value instanceof DictView)) {
        throw typeError(`cannot unpack non-iterable ${typeName(value)} object`);
      }
      const items = iterate(value);
      if (items.length !== names.length) {
        throw valueError(items.length > names.length ? `too many values to unpack (expected ${names.length})` : `not enough values to unpack (expected ${names.length}, got ${items.length})`);
      }
      names.forEach((t, i) => this.assign(t, items[i]!, scope));
      return;
    }
    throw new PyError('TemplateSyntaxError', `cannot assign to ${target.type}`);
  }

  private set(n: Node, scope: Scope): void {
    const target = n['assignee'] as Node;
    const value = n['value'] ? this.eval(n['value'] as Node, scope) : this.block(n['body'] as Node[], new Scope(scope));
    if (target.type === 'MemberExpression' && !target['computed']) {
      const obj = this.eval(target['object'] as Node, scope);
      if (!(obj instanceof Namespace)) throw new PyError('TemplateRuntimeError', 'cannot assign attribute on non-namespace object');
      obj.attrs.set((target['property'] as Node)['value'] as string, value);
      return;
    }
    this.assign(target, value, scope);
  }

  private forLoop(n: Node, scope: Scope): string {
    let iterNode = n['iterable'] as Node;
    let test: Node | null = null;
    if (iterNode.type === 'SelectExpression') {
      test = iterNode['test'] as Node;
      iterNode = iterNode['lhs'] as Node;
    }
    let items = iterate(this.eval(iterNode, scope));
    const loopvar = n['loopvar'] as Node;
    if (test) {
      const t = test;
      items = items.filter((item) => {
        const s = new Scope(scope);
        this.assign(loopvar, item, s);
        return truthy(this.eval(t, s));
      });
    }
    if (items.length === 0) return this.block((n['defaultBlock'] as Node[]) ?? [], new Scope(scope));
    let out = '';
    for (let i = 0; i < items.length; i++) {
      const s = new Scope(scope);
      s.vars.set('loop', new LoopContext(items, i));
      this.assign(loopvar, items[i]!, s);
      const body = n['body'] as Node[];
      let chunk = '';
      try {
        for (const st of body) chunk += this.statement(st, s);
      } catch (e) {
        if (e === CONTINUE) {
          out += chunk;
          continue;
        }
        if (e === BREAK) {
          out += chunk;
          break;
        }
        throw e;
      }
      out += chunk;
    }
    return out;
  }

  private macro(name: string, params: Node[], body: Node[], defScope: Scope, callerName = name): PyCallable {
    const refs = referencedNames(body);
    const names = params.map((p) => (p.type === 'Identifier' ? (p['value'] as string) : ((p['key'] as Node)['value'] as string)));
    const defaults = params.map((p) => (p.type === 'KeywordArgumentExpression' ? (p['value'] as Node) : null));
    return new PyCallable(
      name,
      (args, kwargs) => {
        const s = new Scope(defScope);
        const kw = new Map(kwargs);
        names.forEach((pname, i) => {
          if (i < args.length) {
            if (kw.has(pname)) throw typeError(`macro '${callerName}' got multiple values for argument '${pname}'`);
            s.vars.set(pname, args[i]!);
          } else if (kw.has(pname)) {
            s.vars.set(pname, kw.get(pname)!);
            kw.delete(pname);
          } else if (defaults[i]) {
            s.vars.set(pname, this.eval(defaults[i]!, s));
          } else {
            s.vars.set(pname, new Undefined(`parameter '${pname}' was not provided`));
          }
        });
        if (refs.has('caller') && !names.includes('caller')) {
          s.vars.set('caller', kw.has('caller') ? kw.get('caller')! : new Undefined("No caller defined"));
          kw.delete('caller');
        }
        if (refs.has('varargs')) s.vars.set('varargs', tuple(args.slice(names.length)));
        else if (args.length > names.length) throw typeError(`macro '${callerName}' takes not more than ${names.length} argument(s)`);
        if (refs.has('kwargs')) s.vars.set('kwargs', new Map(kw));
        else if (kw.size > 0) throw typeError(`macro '${callerName}' takes no keyword argument '${kw.keys().next().value}'`);
        return this.block(body, s);
      },
      'macro',
    );
  }

  private callBlock(n: Node, scope: Scope): string {
    const call = n['call'] as Node;
    const caller = this.macro('caller', (n['callerArgs'] as Node[] | null) ?? [], n['body'] as Node[], scope);
    const fn = this.eval(call['callee'] as Node, scope);
    const [args, kwargs] = this.args(call['args'] as Node[], scope);
    kwargs.set('caller', caller);
    return pyStr(this.call(fn, args, kwargs));
  }

  private args(nodes: Node[], scope: Scope): [Val[], Map<string, Val>] {
    const args: Val[] = [];
    const kwargs = new Map<string, Val>();
    for (const a of nodes) {
      if (a.type === 'KeywordArgumentExpression') kwargs.set((a['key'] as Node)['value'] as string, this.eval(a['value'] as Node, scope));
      else if (a.type === 'SpreadExpression') args.push(...iterate(this.eval(a['argument'] as Node, scope)));
      else if (a.type === 'KeywordSpreadExpression') {
        const m = this.eval(a['argument'] as Node, scope);
        if (!(m instanceof Map)) throw typeError(`argument after ** must be a mapping, not ${typeName(m)}`);
        for (const [k, v] of m) kwargs.set(String(k), v);
      } else args.push(this.eval(a, scope));
    }
    return [args, kwargs];
  }

  call(fn: Val, args: Val[], kwargs: Map<string, Val>): Val {
    if (fn instanceof Undefined) throw fn.fail();
    if (fn instanceof PyCallable) return fn.call(args, kwargs);
    throw typeError(`'${typeName(fn)}' object is not callable`);
  }

  applyFilter(value: Val, f: Node, scope: Scope): Val {
    let name: string;
    let args: Val[] = [];
    let kwargs = new Map<string, Val>();
    if (f.type === 'Identifier') name = f['value'] as string;
    else {
      name = (f['callee'] as Node)['value'] as string;
      [args, kwargs] = this.args(f['args'] as Node[], scope);
    }
    const filter = FILTERS.get(name);
    if (!filter) throw new PyError('TemplateAssertionError', `No filter named '${name}'.`);
    return filter(this.ctx, value, args, kwargs);
  }

  eval(n: Node, scope: Scope): Val {
    switch (n.type) {
      case 'StringLiteral':
        return n['value'] as string;
      case 'IntegerLiteral':
        return n['value'] as number;
      case 'FloatLiteral':
        return new PyFloat(n['value'] as number);
      case 'ArrayLiteral':
        return (n['value'] as Node[]).map((x) => this.eval(x, scope));
      case 'TupleLiteral':
        return tuple((n['value'] as Node[]).map((x) => this.eval(x, scope)));
      case 'ObjectLiteral': {
        const m: Dict = new Map();
        for (const [k, v] of n['value'] as Map<Node, Node>) dictSet(m, this.eval(k, scope), this.eval(v, scope));
        return m;
      }
      case 'Identifier': {
        const name = n['value'] as string;
        if (CONSTANTS.has(name)) return CONSTANTS.get(name)!;
        const v = scope.lookup(name);
        if (v !== NOT_FOUND) return v;
        return this.globals.get(name) ?? new Undefined(`'${name}' is undefined`);
      }
      case 'MemberExpression': {
        const obj = this.eval(n['object'] as Node, scope);
        const prop = n['property'] as Node;
        if (!n['computed']) {
          if (prop.type === 'Identifier') return getAttr(obj, prop['value'] as string);
          return getItem(obj, prop['value'] as number);
        }
        if (prop.type === 'SliceExpression') {
          const part = (k: string): Val => (prop[k] ? this.eval(prop[k] as Node, scope) : null);
          return pySlice(obj, part('start'), part('stop'), part('step'));
        }
        return getItem(obj, this.eval(prop, scope));
      }
      case 'CallExpression': {
        const fn = this.eval(n['callee'] as Node, scope);
        const [args, kwargs] = this.args(n['args'] as Node[], scope);
        return this.call(fn, args, kwargs);
      }
      case 'UnaryExpression': {
        const op = (n['operator'] as { value: string }).value;
        const v = this.eval(n['argument'] as Node, scope);
        if (op === 'not') return !truthy(v);
        if (v instanceof Undefined) throw v.fail();
        if (!isNumeric(v)) throw typeError(`bad operand type for unary ${op}: '${typeName(v)}'`);
        if (op === '+') return v instanceof PyFloat ? v : Number(v);
        return v instanceof PyFloat ? new PyFloat(-v.value) : -Number(v) || 0;
      }
      case 'BinaryExpression':
        return this.binary(n, scope);
      case 'FilterExpression':
        return this.applyFilter(this.eval(n['operand'] as Node, scope), n['filter'] as Node, scope);
      case 'TestExpression': {
        const v = this.eval(n['operand'] as Node, scope);
        const name = (n['test'] as Node)['value'] as string;
        const t = TESTS.get(name);
        if (!t) throw new PyError('TemplateAssertionError', `No test named '${name}'.`);
        const [args, kwargs] = this.args((n['args'] as Node[] | undefined) ?? [], scope);
        const r = t(v, args, kwargs);
        return n['negate'] ? !r : r;
      }
      case 'SelectExpression':
        return truthy(this.eval(n['test'] as Node, scope)) ? this.eval(n['lhs'] as Node, scope) : new Undefined('the inline if-expression evaluated to false and no else section was defined.');
      case 'Ternary':
        return truthy(this.eval(n['condition'] as Node, scope)) ? this.eval(n['trueExpr'] as Node, scope) : this.eval(n['falseExpr'] as Node, scope);
      default:
        throw new PyError('TemplateSyntaxError', `unsupported expression: ${n.type}`);
    }
  }

  private binary(n: Node, scope: Scope): Val {
    const op = (n['operator'] as { value: string }).value;
    const left = this.eval(n['left'] as Node, scope);
    if (op === 'and') return truthy(left) ? this.eval(n['right'] as Node, scope) : left;
    if (op === 'or') return truthy(left) ? left : this.eval(n['right'] as Node, scope);
    const right = this.eval(n['right'] as Node, scope);
    switch (op) {
      case '==':
        return pyEq(left, right);
      case '!=':
        return !pyEq(left, right);
      case '<':
        return pyCompare(left, right, op) < 0;
      case '>':
        return pyCompare(left, right, op) > 0;
      case '<=':
        return pyCompare(left, right, op) <= 0;
      case '>=':
        return pyCompare(left, right, op) >= 0;
      case 'in':
        return contains(right, left);
      case 'not in':
        return !contains(right, left);
      case '~':
        return pyStr(left) + pyStr(right);
      default:
        return arith(op, left, right);
    }
  }
}

// --- compiled templates ----------------------------------------------------

function rangeFn(args: Val[]): Val {
  const ints = args.map((a) => {
    if (typeof a !== 'number' && typeof a !== 'boolean') throw typeError(`'${typeName(a)}' object cannot be interpreted as an integer`);
    return Number(a);
  });
  let [start, stop, step] = [0, 0, 1];
  if (ints.length === 1) stop = ints[0]!;
  else if (ints.length === 2) [start, stop] = [ints[0]!, ints[1]!];
  else if (ints.length === 3) [start, stop, step] = [ints[0]!, ints[1]!, ints[2]!];
  else throw typeError(`range expected at most 3 arguments, got ${ints.length}`);
  if (step === 0) throw valueError('range() arg 3 must not be zero');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (n > 100000) throw new PyError('OverflowError', 'Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).');
  return Array.from({ length: n }, (_, i) => start + i * step);
}

function namespaceFn(args: Val[], kwargs: Map<string, Val>): Val {
  const attrs = new Map<string, Val>();
  if (args.length > 1) throw typeError(`Namespace expected at most 1 argument, got ${args.length}`);
  if (args.length === 1) {
    const src = args[0]!;
    if (src instanceof Map) for (const [k, v] of src) attrs.set(String(k), v);
    else
      for (const pair of iterate(src)) {
        const kv = iterate(pair);
        if (kv.length !== 2) throw valueError('dictionary update sequence element has wrong length');
        attrs.set(String(kv[0]), kv[1]!);
      }
  }
  for (const [k, v] of kwargs) attrs.set(k, v);
  return new Namespace(attrs);
}

function dictFn(args: Val[], kwargs: Map<string, Val>): Val {
  const m: Dict = new Map();
  if (args.length > 1) throw typeError(`dict expected at most 1 argument, got ${args.length}`);
  if (args.length === 1) {
    const src = args[0]!;
    if (src instanceof Map) for (const [k, v] of src) dictSet(m, k as Val, v);
    else
      for (const pair of iterate(src)) {
        const kv = iterate(pair);
        if (kv.length !== 2) throw valueError('dictionary update sequence element has wrong length');
        dictSet(m, kv[0]!, kv[1]!);
      }
  }
  for (const [k, v] of kwargs) dictSet(m, k, v);
  return m;
}

function joinerFn(args: Val[], kwargs: Map<string, Val>): Val {
  const [sep] = bind('joiner', ['sep'], args, kwargs);
  let used = false;
  return new PyCallable('joiner', () => {
    if (!used) {
      used = true;
      return '';
    }
    return sep === undefined ? ', ' : sep;
  });
}

/** The globals transformers' environment provides (jinja2 defaults plus raise_exception and strftime_now). */
export function defaultGlobals(now: () => Date = () => new Date()): Map<string, Val> {
  return new Map<string, Val>([
    ['range', new PyCallable('range', (a) => rangeFn(a))],
    ['dict', new PyCallable('dict', dictFn)],
    ['namespace', new PyCallable('namespace', namespaceFn)],
    ['joiner', new PyCallable('joiner', joinerFn)],
    [
      'raise_exception',
      new PyCallable('raise_exception', (a) => {
        throw new PyError('TemplateError', a.length ? pyStr(a[0]!) : '');
      }),
    ],
    [
      'strftime_now',
      new PyCallable('strftime_now', (a) => {
        const fmt = a[0];
        if (typeof fmt !== 'string') throw typeError('strftime() argument 1 must be str');
        return strftime(now(), fmt);
      }),
    ],
  ]);
}

// --- parsing: @huggingface/jinja's parser, plus two forms of jinja2's grammar it lacks ---

interface Tok {
  value: string;
  type: string;
}

const TEST_ARG_SEP = '\u0000';

/**
 * Parse a token stream. Rewritten first, for what the parser does not know:
 * - tests with arguments, `x is divisibleby(3)`, `x is sameas y`: the argument
 *   tokens are taken out, parsed on their own and put back as the test node's
 *   `args` (the test name carries their index until then);
 * - exponent floats, `1e20`, `2.5E-3`, which the lexer splits into number, name
 *   (and sign, number). (It cannot tell `1 e20` apart, a syntax error in Python.)
 */
function parseTokens(tokens: Tok[]): Node {
  const testArgs: Node[][] = [];
  const program = parse(rewriteTokens(tokens, testArgs) as never) as unknown as Node;
  attachTestArgs(program, testArgs);
  return program;
}

function rewriteTokens(tokens: Tok[], testArgs: Node[][]): Tok[] {
  const out: Tok[] = [];
  const at = (i: number): Tok | undefined => tokens[i];
  /** Index after the bracket group opening at i. */
  const closeOf = (i: number): number => {
    let depth = 0;
    for (let j = i; j < tokens.length; j++) {
      const t = tokens[j]!.type;
      if (t === 'OpenParen' || t === 'OpenSquareBracket' || t === 'OpenCurlyBracket') depth++;
      else if (t === 'CloseParen' || t === 'CloseSquareBracket' || t === 'CloseCurlyBracket') depth--;
      if (depth === 0) return j + 1;
    }
    throw new SyntaxError('unbalanced brackets');
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'NumericLiteral' && at(i + 1)?.type === 'Identifier') {
      const e = at(i + 1)!.value;
      const mantissa = t.value.includes('.') ? t.value : `${t.value}.`; // the "." makes the parser build a float
      if (/^[eE]\d+$/.test(e)) {
        out.push({ type: 'NumericLiteral', value: `${mantissa}e${e.slice(1)}` });
        i += 1;
        continue;
      }
      if (/^[eE]$/.test(e) && at(i + 2)?.type === 'AdditiveBinaryOperator' && /^\d+$/.test(at(i + 3)?.value ?? '') && at(i + 3)?.type === 'NumericLiteral') {
        out.push({ type: 'NumericLiteral', value: `${mantissa}e${at(i + 2)!.value}${at(i + 3)!.value}` });
        i += 3;
        continue;
      }
    }
    out.push(t);
    if (!(t.type === 'Identifier' && t.value === 'is')) continue;
    let j = i + 1;
    if (at(j)?.type === 'Identifier' && at(j)!.value === 'not') out.push(tokens[j++]!);
    const name = at(j);
    if (name?.type !== 'Identifier') {
      i = j - 1;
      continue;
    }
    // jinja2: `(` opens an argument list; a name, literal, `[` or `{` (not else/or/and) is one argument.
    let argTokens: Tok[] | null = null;
    let end = j + 1;
    const next = at(end);
    if (next?.type === 'OpenParen') {
      const close = closeOf(end);
      argTokens = tokens.slice(end + 1, close - 1);
      end = close;
    } else if (next && ['NumericLiteral', 'StringLiteral', 'OpenSquareBracket', 'OpenCurlyBracket'].includes(next.type) || (next?.type === 'Identifier' && !['else', 'or', 'and'].includes(next.value))) {
      // One primary with its postfixes: .attr, [index], (call).
      let k = next.type === 'OpenSquareBracket' || next.type === 'OpenCurlyBracket' ? closeOf(end) : end + 1;
      for (;;) {
        const p = at(k);
        if (p?.type === 'Dot' && at(k + 1)?.type === 'Identifier') k += 2;
        else if (p?.type === 'OpenSquareBracket' || p?.type === 'OpenParen') k = closeOf(k);
        else break;
      }
      argTokens = tokens.slice(end, k);
      end = k;
    }
    if (argTokens === null) {
      out.push(name);
      i = j;
      continue;
    }
    const call = parse(rewriteTokens([{ type: 'OpenExpression', value: '{{' }, { type: 'Identifier', value: 'test' }, { type: 'OpenParen', value: '(' }, ...argTokens, { type: 'CloseParen', value: ')' }, { type: 'CloseExpression', value: '}}' }], testArgs) as never) as unknown as Node;
    const args = ((call['body'] as Node[])[0]!['args'] as Node[]) ?? [];
    out.push({ type: 'Identifier', value: `${name.value}${TEST_ARG_SEP}${testArgs.length}` });
    testArgs.push(args);
    i = end - 1;
  }
  return out;
}

function attachTestArgs(program: Node, testArgs: Node[][]): void {
  walkNodes(program, (node) => {
    if (node.type !== 'TestExpression') return;
    const test = node['test'] as Node;
    const [name, index] = String(test['value']).split(TEST_ARG_SEP);
    if (index === undefined) return;
    test['value'] = name;
    node['args'] = testArgs[Number(index)]!;
  });
}

/** A template compiled once and rendered with Python jinja2 semantics. */
export class PyTemplate {
  private readonly program: Node;
  constructor(source: string) {
    let program: Node;
    try {
      program = parseTokens(tokenize(source, { lstrip_blocks: true, trim_blocks: true }) as unknown as Tok[]);
    } catch (err) {
      throw new PyError('TemplateSyntaxError', err instanceof Error ? err.message : String(err));
    }
    checkNames(program);
    this.program = program;
  }

  render(vars: Map<string, Val>, globals: Map<string, Val> = defaultGlobals()): string {
    try {
      return new Interpreter(globals).render(this.program, vars);
    } catch (err) {
      if (err === BREAK || err === CONTINUE) throw new PyError('TemplateSyntaxError', 'break/continue outside of a loop');
      if (err instanceof RangeError) throw new PyError('RecursionError', err.message);
      throw err;
    }
  }
}

// --- Python's json.loads ----------------------------------------------------

/**
 * json.loads as Python does it: objects keep their key order (as Maps: even
 * integer-like keys), NaN / Infinity / -Infinity are accepted, numbers with a
 * fraction or exponent are floats.
 */
export function pyJsonLoads(text: string): Val {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (): never => {
    throw valueError(`Expecting value: char ${i}`);
  };
  const value = (): Val => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m: Dict = new Map();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const k = string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        m.set(k, value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return m;
        }
        fail();
      }
    }
    if (c === '[') {
      i++;
      const a: Val[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        fail();
      }
    }
    if (c === '"') return string();
    for (const [lit, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', new PyFloat(NaN)],
      ['Infinity', new PyFloat(Infinity)],
      ['-Infinity', new PyFloat(-Infinity)],
    ] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return v;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail();
    i += m[0].length;
    if (m[1] || m[2]) return new PyFloat(Number(m[0]));
    return Number(m[0]);
  };
  const string = (): string => {
    const start = i;
    i++;
    let simple = true;
    while (i < text.length && text[i] !== '"') {
      const code = text.charCodeAt(i);
      if (code < 0x20) fail();
      if (text[i] === '\\') {
        simple = false;
        i++;
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
    const raw = text.slice(start, i);
    return simple ? raw.slice(1, -1) : (JSON.parse(raw) as string);
  };
  const v = value();
  ws();
  if (i !== text.length) throw valueError('Extra data');
  return v;
}
