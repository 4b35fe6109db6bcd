// Python jinja2 as transformers configures it (ImmutableSandboxedEnvironment,
// trim_blocks, lstrip_blocks, loopcontrols, json.dumps as tojson): the source
// of every expected value in these tests.
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { PyError, PyTemplate, RenderBudgetExceeded, toVal, type Val } from '../../../src/py/jinja/index.js';

const SCRIPT = String.raw`
import json, sys
from jinja2.sandbox import ImmutableSandboxedEnvironment
def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
env.filters["tojson"] = tojson
cases = json.load(sys.stdin)
out = []
for c in cases:
    try:
        out.append({"text": env.from_string(c["template"]).render(**c["vars"])})
    except Exception as e:
        out.append({"error": type(e).__name__})
json.dump(out, sys.stdout, ensure_ascii=False)
`;

export type Outcome = { text: string } | { error: string };

/** Renders each template with Python's jinja2. */
export function pyRender(templates: string[], vars: Record<string, unknown> = {}): Outcome[] {
  const r = spawnSync('python3', ['-c', SCRIPT], { input: JSON.stringify(templates.map((template) => ({ template, vars }))), encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(r.status, `python3 with jinja2 is the oracle: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as Outcome[];
}

/** Renders each template with ours: the text, the Python exception's name, or `budget:<kind>`. */
export function ourRender(templates: string[], vars: Record<string, unknown> = {}): Outcome[] {
  const v = new Map<string, Val>(Object.entries(vars).map(([k, x]) => [k, toVal(x)]));
  return templates.map((t) => {
    try {
      return { text: new PyTemplate(t).render(v) };
    } catch (err) {
      if (err instanceof RenderBudgetExceeded) return { error: `budget:${err.kind}` };
      if (err instanceof PyError) return { error: err.pyType };
      throw err;
    }
  });
}

/** Ours must print what Python prints and raise where it raises (exception names compared where both raise). */
export function expectParity(templates: string[], vars: Record<string, unknown> = {}): void {
  const py = pyRender(templates, vars);
  const ours = ourRender(templates, vars);
  const diffs = templates.flatMap((t, i) => {
    const a = py[i]!;
    const b = ours[i]!;
    const same = 'text' in a ? 'text' in b && a.text === b.text : 'error' in b;
    return same ? [] : [`${t}\n  python: ${JSON.stringify(a)}\n  ours:   ${JSON.stringify(b)}`];
  });
  expect(diffs).toEqual([]);
}
