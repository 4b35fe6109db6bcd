// Attribute and item access (`obj.name`, `obj[key]`, slices) as jinja2's
// sandboxed environment resolves them.
import { PyFloat } from '../../model/json.js';
import { typeError, valueError } from './errors.js';
import { seqEq, dictGet, hashable } from './compare.js';
import { dictMethod, seqMethod, strMethod } from './methods.js';
import { pyRepr } from './repr.js';
import { DICT_METHODS, LIST_METHODS, MUTATING, isDunder, isPrivate, unsafe } from './sandbox.js';
import { cps } from './strings.js';
import { LoopContext, NOT_FOUND, Namespace, PyCallable, PyIterator, TUPLES, Undefined, isTuple, tuple, typeName, type Val } from './values.js';

/** getattr(obj, name) as the sandbox sees it: a value, an unsafe marker, or NOT_FOUND (AttributeError). */
export function pyAttribute(obj: Val, name: string): Val | typeof NOT_FOUND {
  if (obj instanceof Undefined) throw obj.fail();
  if (isDunder(name)) return unsafe(obj, name);
  if (isPrivate(name)) return NOT_FOUND;
  if (typeof obj === 'string') return strMethod(obj, name);
  if (Array.isArray(obj)) {
    const tupleMethod = name === 'count' || name === 'index';
    if (TUPLES.has(obj) ? !tupleMethod : !LIST_METHODS.has(name)) return NOT_FOUND;
    if (MUTATING.list.has(name)) return unsafe(obj, name);
    return seqMethod(obj, name);
  }
  if (obj instanceof Map) {
    if (!DICT_METHODS.has(name)) return NOT_FOUND;
    if (MUTATING.dict.has(name)) return unsafe(obj, name);
    return dictMethod(obj, name);
  }
  if (obj instanceof Namespace) return obj.attrs.has(name) ? obj.attrs.get(name)! : NOT_FOUND;
  if (obj instanceof LoopContext) return loopAttr(obj, name);
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
export function rawItem(obj: Val, key: Val): Val | typeof NOT_FOUND {
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

export function sliceIndex(v: Val): number | null {
  if (v === null) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
  throw typeError('slice indices must be integers or None or have an __index__ method');
}

/** obj[start:stop:step]: jinja2 compiles slices to plain Python subscripts (errors propagate). */
export function pySlice(obj: Val, start: Val, stop: Val, step: Val): Val {
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

/** The attributes of `loop` in a for block. */
export function loopAttr(loop: LoopContext, name: string): Val | typeof NOT_FOUND {
  const n = loop.items.length;
  const i = loop.index0;
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
      return i > 0 ? loop.items[i - 1]! : new Undefined('there is no previous item');
    case 'nextitem':
      return i < n - 1 ? loop.items[i + 1]! : new Undefined('there is no next item');
    case 'cycle':
      return new PyCallable('cycle', (args) => {
        if (args.length === 0) throw typeError('no items for cycling given');
        return args[i % args.length]!;
      });
    case 'changed':
      return new PyCallable('changed', (args) => {
        if (loop.changed.last !== undefined && seqEq(loop.changed.last, args)) return false;
        loop.changed.last = args;
        return true;
      });
    default:
      return NOT_FOUND;
  }
}
