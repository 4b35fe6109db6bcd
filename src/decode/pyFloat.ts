// Python keeps 1.0 a float; JSON.parse makes it the integer 1. Chat templates
// print numbers back (tojson, fallback JSON), where "1.0" and "1" tokenize
// differently, so structured data keeps its integral floats as PyFloat.
import type { Json } from '../tokens/inputs.js';

/** A float whose value is integral (1.0, 2e5): printed the Python way, never as an int. */
export class PyFloat {
  constructor(readonly value: number) {}
}

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
