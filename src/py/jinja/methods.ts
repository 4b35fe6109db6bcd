// The methods of str, list/tuple and dict a template may call (the sandbox's
// refusals of mutating methods are made in access.ts before these are reached).
import { PyError, typeError, valueError } from './errors.js';
import { argInt, argIntOrNone, argStrOrNone, method, needStr } from './call.js';
import { dictGet, dictSet, iterate, pyEq, truthy } from './compare.js';
import { pyFormat } from './format.js';
import { pyRepr } from './repr.js';
import { cpLength, cps, pad, pyCapitalize, pyCount, pyFind, pyIsLower, pyIsUpper, pyReplace, pyRsplit, pySplit, pyStrip, pyTitle, splitlines, PY_SPACE, repeatString, joinStrings, hasAstral } from './strings.js';
import { DictView, NOT_FOUND, PyCallable, isTuple, tuple, typeName, type Dict, type Val } from './values.js';

/** str.startswith / endswith with optional start, end and a tuple of affixes. */
export function affix(s: string, arg: Val | undefined, start: Val | undefined, end: Val | undefined, fn: 'startswith' | 'endswith'): boolean {
  const from = argIntOrNone(start);
  const to = argIntOrNone(end);
  let part: string | null = s;
  // Without start/end the whole string is tested: code units compare as code points
  // unless an affix holds a surrogate (tested below on the slow path).
  const whole = from === null && to === null && !(typeof arg === 'string' ? hasAstral(arg) : arg !== undefined && isTuple(arg) && arg.some((p) => typeof p === 'string' && hasAstral(p)));
  if (!whole) {
    const c = cps(s);
    const n = c.length;
    const norm = (x: number | null, dflt: number): number => (x === null ? dflt : x < 0 ? Math.max(0, n + x) : Math.min(x, n));
    const a = norm(from, 0);
    const b = norm(to, n);
    part = a > b ? null : c.slice(a, b).join('');
  }
  const test = (p: Val): boolean => {
    if (typeof p !== 'string') throw typeError(`${fn} first arg must be str or a tuple of str, not ${typeName(p)}`);
    if (part === null) return false;
    return fn === 'startswith' ? part.startsWith(p) : part.endsWith(p);
  };
  if (arg !== undefined && isTuple(arg)) return arg.some(test);
  if (arg === undefined) throw typeError(`${fn}() takes at least 1 argument (0 given)`);
  return test(arg);
}

export function strMethod(s: string, name: string): Val | typeof NOT_FOUND {
  switch (name) {
    case 'strip':
    case 'lstrip':
    case 'rstrip':
      return method(name, ['chars'], ([c]) => pyStrip(s, argStrOrNone(c, name), name !== 'rstrip', name !== 'lstrip'));
    case 'split':
    case 'rsplit':
      return method(name, ['sep', 'maxsplit'], ([sep, max]) => (name === 'split' ? pySplit : pyRsplit)(s, argStrOrNone(sep, name), argInt(max, -1)));
    case 'splitlines':
      return method(name, ['keepends'], ([k]) => splitlines(s, k !== undefined && truthy(k)));
    case 'startswith':
    case 'endswith':
      return method(name, ['prefix', 'start', 'end'], ([p, a, b]) => affix(s, p, a, b, name));
    case 'replace':
      return method(name, ['old', 'new', 'count'], ([o, n, c]) => pyReplace(s, needStr(o, name), needStr(n, name), argInt(c, -1)));
    case 'upper':
      return method(name, [], () => s.toUpperCase());
    case 'lower':
    case 'casefold':
      return method(name, [], () => s.toLowerCase());
    case 'title':
      return method(name, [], () => pyTitle(s));
    case 'capitalize':
      return method(name, [], () => pyCapitalize(s));
    case 'swapcase':
      return method(name, [], () => cps(s).map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join(''));
    case 'find':
    case 'rfind':
    case 'index':
    case 'rindex':
      return method(name, ['sub', 'start', 'end'], ([sub, a, b]) => {
        const at = pyFind(s, needStr(sub, name), argIntOrNone(a), argIntOrNone(b), name.startsWith('r'));
        if (at < 0 && name.endsWith('index')) throw valueError('substring not found');
        return at;
      });
    case 'count':
      return method(name, ['sub'], ([sub]) => pyCount(s, needStr(sub, name)));
    case 'join':
      return method(name, ['iterable'], ([it]) =>
        joinStrings(
          iterate(it ?? null).map((x, i) => {
            if (typeof x !== 'string') throw typeError(`sequence item ${i}: expected str instance, ${typeName(x)} found`);
            return x;
          }),
          s,
        ),
      );
    case 'removeprefix':
      return method(name, ['prefix'], ([p]) => (s.startsWith(needStr(p, name)) ? s.slice((p as string).length) : s));
    case 'removesuffix':
      return method(name, ['suffix'], ([p]) => (needStr(p, name) && s.endsWith(p as string) ? s.slice(0, s.length - (p as string).length) : s));
    case 'partition':
    case 'rpartition':
      return method(name, ['sep'], ([sep]) => {
        const p = needStr(sep, name);
        if (p === '') throw valueError('empty separator');
        const at = name === 'partition' ? s.indexOf(p) : s.lastIndexOf(p);
        if (at < 0) return tuple(name === 'partition' ? [s, '', ''] : ['', '', s]);
        return tuple([s.slice(0, at), p, s.slice(at + p.length)]);
      });
    case 'zfill':
      return method(name, ['width'], ([w]) => {
        const width = argInt(w, 0);
        const n = cpLength(s);
        if (n >= width) return s;
        const sign = s[0] === '+' || s[0] === '-' ? s[0] : '';
        return sign + repeatString('0', width - n) + s.slice(sign.length);
      });
    case 'center':
    case 'ljust':
    case 'rjust':
      return method(name, ['width', 'fillchar'], ([w, f]) => pad(s, argInt(w, 0), f === undefined ? ' ' : needStr(f, name), name));
    case 'isdigit':
    case 'isdecimal':
    case 'isnumeric':
      return method(name, [], () => s.length > 0 && /^\p{Nd}+$/u.test(s));
    case 'isalpha':
      return method(name, [], () => s.length > 0 && /^\p{L}+$/u.test(s));
    case 'isalnum':
      return method(name, [], () => s.length > 0 && /^[\p{L}\p{Nd}]+$/u.test(s));
    case 'isspace':
      return method(name, [], () => s.length > 0 && cps(s).every((c) => PY_SPACE.has(c)));
    case 'islower':
      return method(name, [], () => pyIsLower(s));
    case 'isupper':
      return method(name, [], () => pyIsUpper(s));
    case 'isascii':
      return method(name, [], () => /^[\x00-\x7f]*$/.test(s));
    case 'format':
      return new PyCallable(name, (args, kwargs) => pyFormat(s, args, kwargs));
    case 'encode':
    case 'expandtabs':
    case 'format_map':
    case 'isidentifier':
    case 'isprintable':
    case 'istitle':
    case 'maketrans':
    case 'translate':
      return new PyCallable(name, () => {
        throw new PyError('NotImplementedError', `str.${name} is not supported by this renderer`);
      });
    default:
      return NOT_FOUND;
  }
}


export function seqMethod(list: Val[], name: string): Val {
  switch (name) {
    case 'index':
      return method(name, ['value'], ([v]) => {
        const i = list.findIndex((x) => pyEq(x, v ?? null));
        if (i < 0) throw valueError(`${pyRepr(v ?? null)} is not in list`);
        return i;
      });
    case 'count':
      return method(name, ['value'], ([v]) => list.filter((x) => pyEq(x, v ?? null)).length);
    default:
      return method(name, [], () => list.slice());
  }
}

export function dictMethod(d: Dict, name: string): Val {
  switch (name) {
    case 'get':
      return method(name, ['key', 'default'], ([k, dflt]) => {
        if (k === undefined) throw typeError('get expected at least 1 argument, got 0');
        const v = dictGet(d, k);
        return v === NOT_FOUND ? (dflt ?? null) : v;
      });
    case 'items':
      return method(name, [], () => new DictView('dict_items', [...d].map(([k, v]) => tuple([k as Val, v]))));
    case 'keys':
      return method(name, [], () => new DictView('dict_keys', [...d.keys()] as Val[]));
    case 'values':
      return method(name, [], () => new DictView('dict_values', [...d.values()]));
    case 'copy':
      return method(name, [], () => new Map(d));
    default:
      return method(name, ['iterable', 'value'], ([keys, v]) => {
        const m: Dict = new Map();
        for (const k of iterate(keys ?? null)) dictSet(m, k, v ?? null);
        return m;
      });
  }
}
