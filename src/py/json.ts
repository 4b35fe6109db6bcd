// JSON text the way the Python programs replay mirrors read and write it:
// - the summary: msgspec encode + format(indent=2) (toPyJson): bigint -> integer,
//   number -> Python float repr (always a fraction or an exponent), non-finite ->
//   null, empty containers as {} / []; read back with its types (parsePyJson);
// - the log's structured fields: integral floats kept as PyFloat (parseJsonKeepFloats);
// - msgspec.json.encode, compact (pyCompactJson): the reference's fallback text
//   for chat templates that fail.
import { PyFloat, type Json, type PyJson } from '../model/json.js';
import { pyFloat } from './float.js';

const NUMBER_OR_STRING = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const MARK = '\u0000pyfloat:';

/** JSON.parse, except integral numbers written as floats come back as PyFloat. */
export function parseJsonKeepFloats(text: string): Json {
  let marked = false;
  const rewritten = text.replace(NUMBER_OR_STRING, (m) => {
    if (m.charCodeAt(0) === 0x22 || !/[.eE]/.test(m) || !Number.isInteger(Number(m))) return m;
    marked = true;
    return `"\\u0000pyfloat:${m}"`;
  });
  if (!marked) return JSON.parse(text) as Json;
  return JSON.parse(rewritten, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(MARK) ? new PyFloat(Number(v.slice(MARK.length))) : v)) as Json;
}

/** Whether a raw JSON text holds an integral float anywhere (outside strings) — the cheap pre-check. */
export function hasIntegralFloat(text: string): boolean {
  for (const m of text.matchAll(NUMBER_OR_STRING)) {
    const s = m[0];
    if (s.charCodeAt(0) !== 0x22 && /[.eE]/.test(s) && Number.isInteger(Number(s))) return true;
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
  // Mark integer literals outside strings, then revive them as bigint.
  const marked = text.replace(/"(?:[^"\\]|\\.)*"|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, (m, num: string | undefined) => {
    if (num === undefined || /[.eE]/.test(num)) return m;
    return `"\\u0000int:${num}"`;
  });
  return JSON.parse(marked, (_k, val: unknown) => {
    if (typeof val === 'string' && val.startsWith('\u0000int:')) return BigInt(val.slice(5));
    return val;
  }) as PyJson;
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
