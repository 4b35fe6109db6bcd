// String formatting: str.format and printf-style `%`.
import { growChars } from './budget.js';
import { PyError, typeError } from './errors.js';
import { intStr, pyRepr, pyStr } from './repr.js';
import { isNumeric, isTuple, numOf, typeName, type Val } from './values.js';

/** str.format for plain replacement fields ({}, {0}, {name}) without format specs. */
export function pyFormat(s: string, args: Val[], kwargs: Map<string, Val>): string {
  let auto = 0;
  let size = s.length;
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
    const text = pyStr(v);
    size += text.length;
    growChars(size, text.length);
    return text;
  });
}

/** printf-style `str % args` for %s %r %d %i %%. */
export function pyPercent(s: string, arg: Val): string {
  const args = isTuple(arg) ? arg : [arg];
  let i = 0;
  let size = s.length;
  const grown = (text: string): string => {
    size += text.length;
    growChars(size, text.length);
    return text;
  };
  const out = s.replace(/%([%srdi])/g, (_m, c: string) => {
    if (c === '%') return '%';
    if (i >= args.length) throw typeError('not enough arguments for format string');
    const v = args[i++]!;
    if (c === 's') return grown(pyStr(v));
    if (c === 'r') return grown(pyRepr(v));
    if (!isNumeric(v)) throw typeError(`%${c} format: a real number is required, not ${typeName(v)}`);
    return intStr(Math.trunc(numOf(v)));
  });
  if (/%/.test(s.replace(/%[%srdi]/g, ''))) throw new PyError('NotImplementedError', 'format directive not supported');
  if (i < args.length && !(arg instanceof Map && i === 0)) throw typeError('not all arguments converted during string formatting');
  return out;
}
