// JSON text the way the Python programs replay mirrors read and write it:
// - the summary: msgspec encode + format(indent=2) (toPyJson): bigint -> integer,
//   number -> Python float repr (always a fraction or an exponent), non-finite ->
//   null, empty containers as {} / []; read back with its types (parsePyJson);
// - the log's structured fields: integral floats kept as PyFloat (parseJsonKeepFloats);
// - msgspec.json.encode, compact (pyCompactJson): the reference's fallback text
//   for chat templates that fail.
import { PyFloat, type Json, type PyJson } from '../model/json.js';
import { pyFloat } from './float.js';

/** A backslash or a raw control character: one character class, linear. */
const NEEDS_PARSE = /[\u0000-\u001f\\]/;

/** Index just past the string literal opening at `from` (a quote); text.length + 1 when it never closes. */
function stringEnd(text: string, from: number): number {
  for (let q = text.indexOf('"', from + 1); q !== -1; q = text.indexOf('"', q + 1)) {
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return q + 1;
  }
  return text.length + 1;
}

/**
 * JSON.parse's grammar, read without recursion (any nesting depth) and without
 * rewriting the text: each number literal is handed to `num` as written, so a
 * caller decides its type (5 vs 5.0, integers beyond 2^53). Strings are exactly
 * what JSON.parse makes of them, whatever they contain. Throws SyntaxError.
 */
function parseWithNumbers(text: string, num: (raw: string) => unknown): unknown {
  const n = text.length;
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} in JSON at position ${i}`);
  };
  const ws = (): void => {
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
    }
  };
  const string = (): string => {
    const from = i;
    i = stringEnd(text, i);
    if (i > n) fail('Unterminated string');
    // Escapes and raw control characters: JSON.parse decodes the one and rejects the other.
    return NEEDS_PARSE.test(text.slice(from + 1, i - 1)) ? (JSON.parse(text.slice(from, i)) as string) : text.slice(from + 1, i - 1);
  };
  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  type Frame = { arr: unknown[] } | { obj: Record<string, unknown>; key: string };
  const stack: Frame[] = [];
  const OPENED = Symbol('opened');
  /** A primitive, or OPENED after pushing a new container. */
  const valueStart = (): unknown => {
    ws();
    const c = text.charCodeAt(i);
    if (c === 0x22) return string();
    if (c === 0x7b) {
      i++;
      stack.push({ obj: {}, key: '' });
      return OPENED;
    }
    if (c === 0x5b) {
      i++;
      stack.push({ arr: [] });
      return OPENED;
    }
    if (text.startsWith('true', i)) return (i += 4), true;
    if (text.startsWith('false', i)) return (i += 5), false;
    if (text.startsWith('null', i)) return (i += 4), null;
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail(i >= n ? 'Unexpected end of JSON input' : `Unexpected token '${text[i]}'`);
    i += m[0].length;
    return num(m[0]);
  };
  const key = (f: { key: string }): void => {
    ws();
    if (text.charCodeAt(i) !== 0x22) fail('Expected property name');
    f.key = string();
    ws();
    if (text.charCodeAt(i) !== 0x3a) fail("Expected ':' after property name");
    i++;
  };
  let value = valueStart();
  for (;;) {
    const top = stack[stack.length - 1];
    if (value === OPENED) {
      // A container just opened: empty, or its first member.
      ws();
      const close = 'arr' in top! ? 0x5d : 0x7d;
      if (text.charCodeAt(i) === close) {
        i++;
        stack.pop();
        value = 'arr' in top! ? top.arr : top!.obj;
        continue;
      }
      if ('obj' in top!) key(top);
      value = valueStart();
      continue;
    }
    if (top === undefined) {
      ws();
      if (i < n) fail(`Unexpected non-whitespace character after JSON`);
      return value;
    }
    if ('arr' in top) top.arr.push(value);
    // Own property even for "__proto__", as JSON.parse makes it.
    else if (top.key === '__proto__') Object.defineProperty(top.obj, '__proto__', { value, writable: true, enumerable: true, configurable: true });
    else top.obj[top.key] = value;
    ws();
    const c = text.charCodeAt(i);
    if (c === 0x2c) {
      i++;
      if ('obj' in top) key(top);
      value = valueStart();
      continue;
    }
    if (c === ('arr' in top ? 0x5d : 0x7d)) {
      i++;
      stack.pop();
      value = 'arr' in top ? top.arr : top.obj;
      continue;
    }
    fail(i >= n ? 'Unexpected end of JSON input' : `Unexpected token '${text[i]}'`);
  }
}

/** A number literal written with a fraction or an exponent. */
const looksFloat = (raw: string): boolean => raw.includes('.') || raw.includes('e') || raw.includes('E');

/** JSON.parse, except integral numbers written as floats come back as PyFloat. */
export function parseJsonKeepFloats(text: string): Json {
  return parseWithNumbers(text, (raw) => {
    const v = Number(raw);
    return looksFloat(raw) && Number.isInteger(v) ? new PyFloat(v) : v;
  }) as Json;
}

/**
 * Whether a raw JSON text holds an integral float anywhere (outside strings) — the cheap
 * pre-check. One linear pass, no regular expression over strings (a message may be megabytes).
 */
export function hasIntegralFloat(text: string): boolean {
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = stringEnd(text, i);
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const from = i;
      let float = false;
      for (; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x2e || d === 0x65 || d === 0x45) float = true;
        else if (!(d === 0x2b || d === 0x2d || (d >= 0x30 && d <= 0x39))) break;
      }
      if (float && Number.isInteger(Number(text.slice(from, i)))) return true;
      continue;
    }
    i++;
  }
  return false;
}

export function toPyJson(value: PyJson, indent = 2): string {
  return write(value, 0, indent);
}

function write(v: PyJson | undefined, level: number, indent: number): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return pyFloat(v);
  if (typeof v === 'string') return JSON.stringify(v);
  const pad = ' '.repeat((level + 1) * indent);
  const close = ' '.repeat(level * indent);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => pad + write(x, level + 1, indent)).join(',\n')}\n${close}]`;
  }
  const entries = Object.entries(v).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${pad}${JSON.stringify(k)}: ${write(x, level + 1, indent)}`).join(',\n')}\n${close}}`;
}

/** Parse JSON keeping integers as bigint and floats as number, so a summary round-trips with its types. */
export function parsePyJson(text: string): PyJson {
  return parseWithNumbers(text, (raw) => (looksFloat(raw) ? Number(raw) : BigInt(raw))) as PyJson;
}

// msgspec.json.encode: no spaces, keys in order, non-ASCII kept as is,
// non-integral numbers in Python's float repr.
export function pyCompactJson(value: Json | readonly Json[]): string {
  if (value === null) return 'null';
  if (value instanceof PyFloat) return pyFloat(value.value);
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : pyFloat(value);
  if (typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v: Json) => pyCompactJson(v)).join(',')}]`;
  return `{${Object.entries(value as Record<string, Json>).map(([k, v]) => `${JSON.stringify(k)}:${pyCompactJson(v)}`).join(',')}}`;
}
