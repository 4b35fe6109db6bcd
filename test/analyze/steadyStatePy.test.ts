// The Python numerics the port reproduces, checked against python3 itself on
// seeded random inputs and the edge cases: statistics.pstdev / median /
// NormalDist.inv_cdf, math.erf, format(x, '.Nf'), repr(float), int()/float()
// parsing, and CPython 3.12's float sum (transcribed from bltinmodule.c into
// scripts/steady_state_reference.py). Doubles are compared through repr(),
// which round-trips, so equal strings mean equal bits.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { erf, median, normalInvCdf, pstdev, pyRepr, pySum } from '../../src/analyze/steadyState/py.js';
import { fixed } from '../../src/analyze/steadyState/pyFormat.js';
import { parseFloatList, parseIntList } from '../../src/commands/steadyState.js';
import { rng } from '../../scripts/gen-log.mjs';

const ROOT = join(__dirname, '..', '..');

/** Runs `code` with `data` (JSON) bound to DATA; returns its printed JSON. Doubles travel as repr strings (JSON has no -0.0 or inf). */
function python<T>(code: string, data: unknown): T {
  const prelude = `import json, math, statistics, sys\nsys.path.insert(0, ${JSON.stringify(join(ROOT, 'scripts'))})\nDATA = json.loads(sys.stdin.read())\n`;
  const r = spawnSync('python3', ['-c', prelude + code], { input: JSON.stringify(data), encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status, `python3 is the oracle here: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
}

const r = rng(20260101);
/** Series shaped like the analysis's: ns-scale latencies, per-token ratios, tiny and huge spreads. */
function randomSeries(count: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(r() * 60);
    const scale = [1, 1e6, 3.3e8, 1e-3, 1e15][i % 5]!;
    out.push(Array.from({ length: n }, () => (i % 7 === 0 ? Math.round(r() * 10) : (r() - (i % 3 === 0 ? 0.5 : 0)) * scale) / (1 + Math.floor(r() * 3))));
  }
  out.push([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], [1e16, 1, -1e16], [-0.0], [5, 5, 5], [1e300, 1e300], [2 ** -1074, 3 * 2 ** -1074]);
  return out;
}

describe('Python numerics, against python3', () => {
  const series = randomSeries(400);

  it('statistics.pstdev and statistics.median, bit for bit', () => {
    const py = python<{ sd: string[]; med: string[] }>(
      'S = [[float(x) for x in s] for s in DATA]\nprint(json.dumps({"sd": [repr(statistics.pstdev(s)) for s in S], "med": [repr(float(statistics.median(s))) for s in S]}))',
      series.map((s) => s.map(pyRepr)),
    );
    expect(series.map((s) => pyRepr(pstdev(s)))).toEqual(py.sd);
    expect(series.map((s) => pyRepr(median(s)))).toEqual(py.med);
  });

  it('builtin sum() as CPython 3.12 adds floats', () => {
    const floats = series.map((s) => s.map((x) => x + 0.5));
    const py = python<string[]>('from steady_state_reference import sum_312\nprint(json.dumps([repr(float(sum_312(float(x) for x in s))) for s in DATA]))', floats.map((s) => s.map(pyRepr)));
    expect(floats.map((s) => pyRepr(pySum(s)))).toEqual(py);
  });

  it('math.erf on every branch', () => {
    const xs: number[] = [0, -0, 1e-310, 2 ** -29, 0.84374, 0.84375, 1.2499, 1.25, 2.857, 2.8572, 5.999, 6, 27.9, 30, Infinity, -Infinity];
    for (let i = 0; i < 20000; i++) xs.push((r() - 0.5) * 14 * r());
    const py = python<string[]>('print(json.dumps([repr(math.erf(float(x))) for x in DATA]))', xs.map(pyRepr));
    const ours = xs.map((x) => pyRepr(erf(x)));
    const mismatches = ours.filter((v, i) => v !== py[i]).length;
    // erf's tails go through exp(), where V8 and glibc may differ in the last bit.
    expect(mismatches / xs.length).toBeLessThan(0.001);
    for (let i = 0; i < xs.length; i++) expect(Math.abs(erf(xs[i]!) - Number(py[i]))).toBeLessThanOrEqual(2 * Number.EPSILON);
  });

  it('NormalDist().inv_cdf', () => {
    const ps = [1e-300, 1e-20, 0.001, 0.025, 0.075, 0.5, 0.924, 0.925, 0.975, 0.999, 1 - 1e-16];
    for (let i = 0; i < 5000; i++) ps.push(r() ** (1 + 20 * r()));
    const py = python<string[]>('print(json.dumps([repr(statistics.NormalDist().inv_cdf(float(p))) for p in DATA]))', ps.map(pyRepr));
    const ours = ps.map((p) => pyRepr(normalInvCdf(p)));
    // sqrt(-log(p)) in the tails: V8's log and glibc's may differ in the last bit.
    expect(ours.filter((v, i) => v !== py[i]).length / ps.length).toBeLessThan(0.01);
    for (let i = 0; i < ps.length; i++) expect(Math.abs(normalInvCdf(ps[i]!) - Number(py[i]))).toBeLessThanOrEqual(4.5e-16 * Math.max(1, Math.abs(Number(py[i]))));
  });

  it("format(x, '.Nf'), signs and widths, ties to even on the exact binary value", () => {
    const xs = [0.125, 0.375, 2.5, 0.5, 1.5, -0.0, -0.04, 0.05, 1e22, 123456789.125, 5e-324, -2.675, 2.675, 1.005, 0.045];
    for (let i = 0; i < 3000; i++) xs.push(Math.round((r() - 0.3) * 1e6) / [8, 16, 1000, 3, 1][i % 5]!);
    const specs: [number, number, '-' | '+'][] = [
      [1, 8, '-'],
      [1, 0, '-'],
      [2, 0, '-'],
      [4, 0, '-'],
      [1, 0, '+'],
    ];
    const py = python<string[][]>('print(json.dumps([[format(x, ("+" if s == "+" else "") + str(w) + "." + str(d) + "f") for (d, w, s) in SPECS] for x in map(float, DATA)]))'.replace('SPECS', JSON.stringify(specs)), xs.map(pyRepr));
    expect(xs.map((x) => specs.map(([d, w, s]) => fixed(x, d, w, s)))).toEqual(py);
  });

  it('repr(float)', () => {
    const xs = [0.03, 0.05, 0.08, 1e-5, 1e16, 1e22, 123.0, -0.0, 5e-324, 0.1 + 0.2];
    for (let i = 0; i < 2000; i++) xs.push((r() - 0.5) * 10 ** Math.floor(r() * 40 - 20));
    expect(xs.map(pyRepr)).toEqual(python<string[]>('print(json.dumps([repr(float(x)) for x in DATA]))', xs.map((x) => (Object.is(x, -0) ? '-0.0' : x.toPrecision(17)))));
  });

  it("the script's --window-sizes / --cov-bounds parsing (int() / float())", () => {
    const items = ['4', ' 5 ', '+6', '-2', '1_0', '0', '1__0', '4.0', '', 'x', '1e3', '_1', '1_'];
    const floats = ['0.03', ' .5', '5.', '1e-5', '1_000.5', 'inf', '-Infinity', 'NaN', '+1E+2', '1_e5', '.', 'e5', '0x10', '1.5.2', '--1'];
    const py = python<{ i: (string | null)[]; f: (string | null)[] }>(
      `def try_(f, s):
    try:
        return repr(f(s))
    except ValueError:
        return None
print(json.dumps({"i": [try_(int, s) for s in DATA["i"]], "f": [try_(float, s) for s in DATA["f"]]}))`,
      { i: items, f: floats },
    );
    const tryParse = (f: () => number[], show: (x: number) => string): string | null => {
      try {
        const v = f();
        return v.length === 1 ? show(v[0]!) : null;
      } catch {
        return null;
      }
    };
    // Empty items are dropped by the list parsers, as by the script's `if x.strip()`.
    expect(items.map((s) => (s.trim() === '' ? null : tryParse(() => parseIntList(s), String)))).toEqual(py.i);
    expect(floats.map((s) => tryParse(() => parseFloatList(s), pyRepr))).toEqual(py.f);
  });
});
