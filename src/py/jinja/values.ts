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
  /** The arguments of the last loop.changed() call. */
  lastChanged: Val[] | undefined = undefined;
  constructor(
    readonly items: Val[],
    readonly index0: number,
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
