// Python's str() and repr() of template values (what {{ value }} prints).
import { PyFloat } from '../../model/json.js';
import { pyFloat } from '../float.js';
import { deeper, growChars } from './budget.js';
import { joinStrings } from './strings.js';
import { DictView, LoopContext, Namespace, PyCallable, PyIterator, TUPLES, Undefined, type Val } from './values.js';

export function intStr(n: number): string {
  return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
}

export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return pyFloat(x);
}

export const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

export function reprStr(s: string): string {
  growChars(s.length + 2);
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
    const items = deeper(1, () => v.map(pyRepr));
    if (TUPLES.has(v)) return items.length === 1 ? `(${items[0]},)` : `(${joinStrings(items, ', ')})`;
    return `[${joinStrings(items, ', ')}]`;
  }
  if (v instanceof Map) return `{${joinStrings(deeper(1, () => [...v].map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)), ', ')}}`;
  if (v instanceof Undefined) return 'Undefined';
  if (v instanceof Namespace) return `<Namespace ${pyRepr(new Map(v.attrs))}>`;
  if (v instanceof DictView) return `${v.kind}(${pyRepr(v.items)})`;
  if (v instanceof LoopContext) return `<LoopContext ${v.index0 + 1}/${v.items.length}>`;
  if (v instanceof PyIterator) return `<${v.kind} object>`;
  if (v instanceof PyCallable) return v.kind === 'macro' ? `<Macro '${v.name}'>` : `<built-in method ${v.name}>`;
  return pyStr(v);
}
