// Python's json.loads to template values (the reference parses tool-call
// arguments with it before rendering).
import { PyFloat } from '../../model/json.js';
import { valueError } from './errors.js';
import type { Dict, Val } from './values.js';

/**
 * json.loads as Python does it: objects keep their key order (as Maps: even
 * integer-like keys), NaN / Infinity / -Infinity are accepted, numbers with a
 * fraction or exponent are floats.
 */
export function pyJsonLoads(text: string): Val {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (): never => {
    throw valueError(`Expecting value: char ${i}`);
  };
  const value = (): Val => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m: Dict = new Map();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const k = string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        m.set(k, value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return m;
        }
        fail();
      }
    }
    if (c === '[') {
      i++;
      const a: Val[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        fail();
      }
    }
    if (c === '"') return string();
    for (const [lit, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
      ['NaN', new PyFloat(NaN)],
      ['Infinity', new PyFloat(Infinity)],
      ['-Infinity', new PyFloat(-Infinity)],
    ] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return v;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail();
    i += m[0].length;
    if (m[1] || m[2]) return new PyFloat(Number(m[0]));
    return Number(m[0]);
  };
  const string = (): string => {
    const start = i;
    i++;
    let simple = true;
    while (i < text.length && text[i] !== '"') {
      const code = text.charCodeAt(i);
      if (code < 0x20) fail();
      if (text[i] === '\\') {
        simple = false;
        i++;
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
    const raw = text.slice(start, i);
    return simple ? raw.slice(1, -1) : (JSON.parse(raw) as string);
  };
  const v = value();
  ws();
  if (i !== text.length) throw valueError('Extra data');
  return v;
}
