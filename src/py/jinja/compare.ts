// Truth, equality, ordering, dict keys, iteration, len() and `in`, as Python has them.
import { PyFloat } from '../../model/json.js';
import { deeper, work } from './budget.js';
import { typeError } from './errors.js';
import { codePointCompare, cpLength, cps } from './strings.js';
import { DictView, NOT_FOUND, PyIterator, TUPLES, Undefined, isNumeric, numOf, typeName, type Dict, type Key, type Val } from './values.js';

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

export function seqEq(a: Val[], b: Val[]): boolean {
  if (a.length !== b.length) return false;
  work(a.length);
  return deeper(1, () => a.every((x, i) => pyEq(x, b[i]!)));
}

export function pyEq(a: Val, b: Val): boolean {
  if (isNumeric(a) && isNumeric(b)) return numOf(a) === numOf(b);
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return TUPLES.has(a) === TUPLES.has(b) && seqEq(a, b);
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    work(a.size);
    return deeper(1, () => {
      for (const [k, x] of a) {
        const y = dictGet(b, k);
        if (y === NOT_FOUND || !pyEq(x, y)) return false;
      }
      return true;
    });
  }
  if (a instanceof Undefined && b instanceof Undefined) return a.security === b.security;
  return a === b;
}

export function pyCompare(a: Val, b: Val, op: string): number {
  if (a instanceof Undefined) throw a.fail();
  if (b instanceof Undefined) throw b.fail();
  if (isNumeric(a) && isNumeric(b)) {
    const x = numOf(a);
    const y = numOf(b);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
  }
  if (typeof a === 'string' && typeof b === 'string') return codePointCompare(a, b);
  if (Array.isArray(a) && Array.isArray(b) && TUPLES.has(a) === TUPLES.has(b)) {
    const n = Math.min(a.length, b.length);
    work(n);
    for (let i = 0; i < n; i++) {
      if (!pyEq(a[i]!, b[i]!)) return deeper(1, () => pyCompare(a[i]!, b[i]!, op));
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

// --- dicts -----------------------------------------------------------------

export function hashable(k: Val): k is Key {
  return k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean' || k instanceof PyFloat;
}

export function checkHashable(k: Val): Key {
  if (k instanceof Undefined) return k as unknown as Key;
  if (Array.isArray(k) && TUPLES.has(k)) return k as unknown as Key;
  if (!hashable(k)) throw typeError(`unhashable type: '${typeName(k)}'`);
  return k;
}

export function findKey(m: Dict, k: Key): Key | typeof NOT_FOUND {
  if (m.has(k)) return k;
  if (typeof k === 'string') return NOT_FOUND;
  work(m.size);
  for (const key of m.keys()) if (typeof key !== 'string' && pyEq(key as Val, k as Val)) return key;
  return NOT_FOUND;
}

export function dictGet(m: Dict, k: Val): Val | typeof NOT_FOUND {
  const key = findKey(m, checkHashable(k));
  return key === NOT_FOUND ? NOT_FOUND : m.get(key)!;
}

export function dictSet(m: Dict, k: Val, v: Val): void {
  const key = checkHashable(k);
  const found = findKey(m, key);
  m.set(found === NOT_FOUND ? key : found, v);
}

// --- iteration, length, membership -----------------------------------------

/** iter(value) as a list; TypeError for non-iterables. */
export function iterate(v: Val): Val[] {
  if (Array.isArray(v)) {
    work(v.length);
    return v;
  }
  if (typeof v === 'string') {
    work(v.length);
    return cps(v);
  }
  if (v instanceof Map) {
    work(v.size);
    return [...v.keys()] as Val[];
  }
  if (v instanceof Undefined) return [];
  if (v instanceof DictView) {
    work(v.items.length);
    return v.items;
  }
  if (v instanceof PyIterator) return v.take();
  throw typeError(`'${typeName(v)}' object is not iterable`);
}

export function pyLen(v: Val): number {
  if (typeof v === 'string') return cpLength(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  if (v instanceof Undefined) return 0;
  if (v instanceof DictView) return v.items.length;
  throw typeError(`object of type '${typeName(v)}' has no len()`);
}

export function contains(container: Val, item: Val): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (container instanceof Map) return dictGet(container, item) !== NOT_FOUND;
  if (container instanceof DictView && container.kind === 'dict_keys') return container.items.some((x) => pyEq(x, item));
  return iterate(container).some((x) => pyEq(x, item));
}
