// The globals transformers' environment gives a template: jinja2's defaults
// (range, dict, namespace, joiner) plus raise_exception and strftime_now.
import { PyError, typeError, valueError } from './errors.js';
import { bind } from './call.js';
import { dictSet, iterate } from './compare.js';
import { pyStr } from './repr.js';
import { MAX_RANGE } from './sandbox.js';
import { strftime } from './strftime.js';
import { Namespace, PyCallable, typeName, type Dict, type Val } from './values.js';

export function rangeFn(args: Val[]): Val {
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
  if (n > MAX_RANGE) throw new PyError('OverflowError', `Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`);
  return Array.from({ length: n }, (_, i) => start + i * step);
}

export function namespaceFn(args: Val[], kwargs: Map<string, Val>): Val {
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

export function dictFn(args: Val[], kwargs: Map<string, Val>): Val {
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

export function joinerFn(args: Val[], kwargs: Map<string, Val>): Val {
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
