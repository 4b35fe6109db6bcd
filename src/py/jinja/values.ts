// Template values, as Python's data model has them: None = null, bool =
// boolean, int = an integral JS number, float = PyFloat, str = string, list =
// array, tuple = an array registered in TUPLES, dict = Map, plus the jinja2
// runtime objects (Undefined, Namespace, LoopContext, callables, dict views,
// iterators).
import { PyFloat } from '../../model/json.js';
import { PyError } from './errors.js';

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

/** `loop` inside a for block; its attributes are read by access.ts (loopAttr). */
export class LoopContext {
  constructor(
    readonly items: Val[],
    readonly index0: number,
    /** The arguments of the last loop.changed() call, shared by every iteration of one loop. */
    readonly changed: { last: Val[] | undefined } = { last: undefined },
  ) {}
}

export const TUPLES = new WeakSet<Val[]>();
export function tuple(items: Val[]): Val[] {
  TUPLES.add(items);
  return items;
}
export const isTuple = (v: Val): v is Val[] => Array.isArray(v) && TUPLES.has(v);
export const isList = (v: Val): v is Val[] => Array.isArray(v) && !TUPLES.has(v);
export const isInt = (v: Val): v is number => typeof v === 'number';
export const isNumeric = (v: Val): v is number | boolean | PyFloat => typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
export const numOf = (v: number | boolean | PyFloat): number => (v instanceof PyFloat ? v.value : Number(v));
export const isStr = (v: Val): v is string => typeof v === 'string';
export const isDict = (v: Val): v is Dict => v instanceof Map;

export const NOT_FOUND = Symbol('not found');

export function typeName(v: Val): string {
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

/**
 * JSON-like data (objects as plain objects or Maps, PyFloat floats) to
 * template values. Iterative: nesting of any depth converts (the render's
 * depth budget decides what a template may do with it).
 */
export function toVal(x: unknown): Val {
  const root: Val[] = [null];
  const todo: Array<[unknown, (v: Val) => void]> = [[x, (v) => (root[0] = v)]];
  while (todo.length > 0) {
    const [src, put] = todo.pop()!;
    if (src === null || src === undefined) put(null);
    else if (typeof src === 'number') put(Number.isInteger(src) ? src : new PyFloat(src));
    else if (typeof src === 'string' || typeof src === 'boolean' || src instanceof PyFloat) put(src);
    else if (Array.isArray(src)) {
      const out: Val[] = new Array<Val>(src.length).fill(null);
      put(out);
      for (let i = src.length - 1; i >= 0; i--) todo.push([src[i], (v) => (out[i] = v)]);
    } else if (src instanceof Undefined || src instanceof Namespace || src instanceof PyCallable || src instanceof DictView || src instanceof LoopContext || src instanceof PyIterator) put(src);
    else {
      const m: Dict = new Map();
      put(m);
      const entries: Array<[unknown, unknown]> = src instanceof Map ? [...src] : Object.entries(src as object);
      for (const [k] of entries) m.set(k as Key, null);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        todo.push([v, (val) => m.set(k as Key, val)]);
      }
    }
  }
  return root[0]!;
}
