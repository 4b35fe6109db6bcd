// The filter and test tables a template sees: the base ones plus those that
// look other filters or tests up by name (map, select, reject, selectattr,
// rejectattr; the `filter` and `test` tests).
import { PyError, typeError } from './errors.js';
import { iterate, truthy } from './compare.js';
import { BASE_FILTERS, attrGetter, type Filter } from './filters.js';
import { BASE_TESTS, type Test } from './tests.js';
import { PyIterator, Undefined, type Val } from './values.js';

export const FILTERS = new Map<string, Filter>(BASE_FILTERS);
export const TESTS = new Map<string, Test>(BASE_TESTS);

TESTS.set('filter', (v) => typeof v === 'string' && FILTERS.has(v));
TESTS.set('test', (v) => typeof v === 'string' && TESTS.has(v));

function selectOrReject(value: Val, args: Val[], kwargs: Map<string, Val>, select: boolean, byAttr: boolean): Val[] {
  const items = iterate(value);
  let getter: (x: Val) => Val = (x) => x;
  let rest = args;
  if (byAttr) {
    if (rest.length === 0) throw typeError('Missing parameter for attribute name');
    getter = attrGetter(rest[0]);
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

function doMap(v: Val, a: Val[], k: Map<string, Val>): Val[] {
  const items = iterate(v);
  if (a.length === 0 && k.has('attribute')) {
    const get = attrGetter(k.get('attribute'));
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
  return items.map((x) => f(x, a.slice(1), k));
}

FILTERS.set('map', (v, a, k) => new PyIterator('generator', () => doMap(v, a, k)));
FILTERS.set('reject', (v, a, k) => new PyIterator('generator', () => selectOrReject(v, a, k, false, false)));
FILTERS.set('select', (v, a, k) => new PyIterator('generator', () => selectOrReject(v, a, k, true, false)));
FILTERS.set('rejectattr', (v, a, k) => new PyIterator('generator', () => selectOrReject(v, a, k, false, true)));
FILTERS.set('selectattr', (v, a, k) => new PyIterator('generator', () => selectOrReject(v, a, k, true, true)));
