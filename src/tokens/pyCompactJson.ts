// Compact JSON as msgspec.json.encode writes it (the reference's fallback text
// for templates that fail): no spaces, keys in order, non-ASCII kept as is,
// non-integral numbers in Python's float repr.
import { pyFloat } from '../output/pyjson.js';
import { PyFloat } from '../decode/pyFloat.js';
import type { Json } from './inputs.js';

export function pyCompactJson(value: Json | readonly Json[]): string {
  if (value === null) return 'null';
  if (value instanceof PyFloat) return pyFloat(value.value);
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : pyFloat(value);
  if (typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v: Json) => pyCompactJson(v)).join(',')}]`;
  return `{${Object.entries(value as Record<string, Json>).map(([k, v]) => `${JSON.stringify(k)}:${pyCompactJson(v)}`).join(',')}}`;
}
