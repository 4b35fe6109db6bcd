// The rules of jinja2's ImmutableSandboxedEnvironment, the environment
// transformers renders chat templates in: what a template may touch.
import { Undefined, typeName, type Val } from './values.js';

/** Methods that modify their object: the immutable sandbox refuses them (SecurityError when called). */
export const MUTATING: Record<'list' | 'dict', Set<string>> = {
  list: new Set(['append', 'clear', 'extend', 'insert', 'pop', 'remove', 'reverse', 'sort']),
  dict: new Set(['clear', 'pop', 'popitem', 'setdefault', 'update']),
};
export const LIST_METHODS = new Set(['append', 'clear', 'copy', 'count', 'extend', 'index', 'insert', 'pop', 'remove', 'reverse', 'sort']);
export const DICT_METHODS = new Set(['clear', 'copy', 'fromkeys', 'get', 'items', 'keys', 'pop', 'popitem', 'setdefault', 'update', 'values']);

/** range() longer than this raises OverflowError in the sandbox (jinja2.sandbox.MAX_RANGE). */
export const MAX_RANGE = 100000;

/** `__dunder__` attributes are unsafe; other `_private` ones are simply absent. */
export const isDunder = (name: string): boolean => name.startsWith('__') && name.endsWith('__');
export const isPrivate = (name: string): boolean => name.startsWith('_');

/** The value an unsafe attribute reads as: an Undefined that raises SecurityError when used. */
export function unsafe(obj: Val, name: string): Undefined {
  return new Undefined(`access to attribute '${name}' of '${typeName(obj)}' object is unsafe.`, true);
}
