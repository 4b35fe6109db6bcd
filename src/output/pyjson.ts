// JSON text as the reference writes it (msgspec encode + format(indent=2)):
// bigint -> integer, number -> Python float repr (always a fraction or an
// exponent), non-finite -> null, empty containers as {} / [].

/** Python repr() of a float: shortest round-trip digits, exponent when exp < -4 or >= 16. */
export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) return 'null';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${out}` : out;
}

export type PyJson = null | boolean | string | number | bigint | PyJson[] | { [key: string]: PyJson | undefined };

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
