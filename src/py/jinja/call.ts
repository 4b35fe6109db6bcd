// Python call semantics for builtins: positional and keyword arguments bound
// to parameter names, and the argument checks str/list/dict methods make.
import { typeError } from './errors.js';
import { PyCallable, typeName, type Val } from './values.js';

export function argStrOrNone(v: Val | undefined, what: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  throw typeError(`${what} arg must be None or str`);
}

export function argInt(v: Val | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
  throw typeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
}

export function argIntOrNone(v: Val | undefined): number | null {
  if (v === undefined || v === null) return null;
  return argInt(v, 0);
}

/** Positional and keyword arguments bound to parameter names (Python call semantics, simplified). */
export function bind(name: string, params: string[], args: Val[], kwargs: Map<string, Val>): (Val | undefined)[] {
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

export function method(name: string, params: string[], fn: (a: (Val | undefined)[]) => Val): PyCallable {
  return new PyCallable(name, (args, kwargs) => fn(bind(name, params, args, kwargs)));
}

export function needStr(v: Val | undefined, fn: string): string {
  if (typeof v !== 'string') throw typeError(`${fn}() argument must be str, not ${v === undefined ? 'nothing' : typeName(v)}`);
  return v;
}
