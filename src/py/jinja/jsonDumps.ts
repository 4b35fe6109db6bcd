// json.dumps over template values: transformers' tojson filter.
import { PyFloat } from '../../model/json.js';
import { pyFloat } from '../float.js';
import { deeper, growChars } from './budget.js';
import { typeError, valueError } from './errors.js';
import { bind } from './call.js';
import { iterate, pyCompare, truthy } from './compare.js';
import { intStr } from './repr.js';
import { codePointCompare, joinStrings, repeatString } from './strings.js';
import { typeName, type Key, type Val } from './values.js';

export interface DumpOptions {
  ensureAscii: boolean;
  indent: string | null;
  itemSep: string;
  keySep: string;
  sortKeys: boolean;
}

export function jsonString(s: string, ensureAscii: boolean): string {
  growChars(s.length + 2);
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || (ensureAscii && c > 0x7e)) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

export function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return pyFloat(x);
}

export function jsonKey(k: Key): string {
  if (typeof k === 'string') return k;
  if (k === true) return 'true';
  if (k === false) return 'false';
  if (k === null) return 'null';
  if (typeof k === 'number') return intStr(k);
  if (k instanceof PyFloat) return jsonFloat(k.value);
  throw typeError(`keys must be str, int, float, bool or None, not ${typeName(k as Val)}`);
}

export function pyJsonDumps(v: Val, o: DumpOptions, depth = 0): string {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'number') return intStr(v);
  if (v instanceof PyFloat) return jsonFloat(v.value);
  if (typeof v === 'string') return jsonString(v, o.ensureAscii);
  if (Array.isArray(v) || v instanceof Map) {
    const isObj = v instanceof Map;
    let items: string[];
    if (isObj) {
      let entries = [...v];
      if (o.sortKeys) {
        entries = entries.slice().sort(([a], [b]) => {
          if (typeof a === 'string' && typeof b === 'string') return codePointCompare(a, b);
          return pyCompare(a as Val, b as Val, '<');
        });
      }
      items = deeper(1, () => entries.map(([k, x]) => `${jsonString(jsonKey(k), o.ensureAscii)}${o.keySep}${pyJsonDumps(x, o, depth + 1)}`));
    } else {
      items = deeper(1, () => v.map((x) => pyJsonDumps(x, o, depth + 1)));
    }
    const [open, close] = isObj ? ['{', '}'] : ['[', ']'];
    if (items.length === 0) return open + close;
    if (o.indent === null) return open + joinStrings(items, o.itemSep) + close;
    const pad = `\n${repeatString(o.indent, depth + 1)}`;
    return `${open}${pad}${joinStrings(items, o.itemSep + pad)}\n${repeatString(o.indent, depth)}${close}`;
  }
  throw typeError(`Object of type ${typeName(v)} is not JSON serializable`);
}

export function tojson(value: Val, args: Val[], kwargs: Map<string, Val>): string {
  const [ensureAscii, indent, separators, sortKeys] = bind('tojson', ['ensure_ascii', 'indent', 'separators', 'sort_keys'], args, kwargs);
  let ind: string | null = null;
  if (indent !== undefined && indent !== null) {
    if (typeof indent === 'string') ind = indent;
    else if (typeof indent === 'number' || typeof indent === 'boolean') ind = repeatString(' ', Math.max(0, Number(indent)));
    else throw typeError(`can't multiply sequence by non-int of type '${typeName(indent)}'`);
  }
  let itemSep = ind === null ? ', ' : ',';
  let keySep = ': ';
  if (separators !== undefined && separators !== null) {
    const s = iterate(separators);
    if (s.length !== 2) throw valueError(`too many values to unpack (expected 2)`);
    if (typeof s[0] !== 'string' || typeof s[1] !== 'string') throw typeError('separators must be strings');
    [itemSep, keySep] = [s[0], s[1]];
  }
  return pyJsonDumps(value, { ensureAscii: ensureAscii !== undefined && truthy(ensureAscii), indent: ind, itemSep, keySep, sortKeys: sortKeys !== undefined && truthy(sortKeys) });
}
