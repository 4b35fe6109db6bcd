// The render budget: each bomb stops with its kind before it allocates, where
// Python's sandbox raises we raise too, and limits are exact.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, PyTemplate, RenderBudgetExceeded, toVal, type RenderLimits, type Val } from '../../../src/py/jinja/index.js';
import { pyRender } from './oracle.js';

function kindOf(src: string, vars: Record<string, unknown> = {}, limits: Partial<RenderLimits> = {}): string {
  try {
    new PyTemplate(src).render(new Map<string, Val>(Object.entries(vars).map(([k, v]) => [k, toVal(v)])), undefined, { ...DEFAULT_LIMITS, ...limits });
    return 'rendered';
  } catch (err) {
    if (err instanceof RenderBudgetExceeded) return err.kind;
    return `raised ${(err as { pyType?: string }).pyType}`;
  }
}

const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('render budget', () => {
  it.each([
    ["{{ 'a' * 10**9 }}", 'growth'],
    ["{{ ([1] * 10**8) | length }}", 'growth'],
    ["{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", 'growth'],
    ["{{ (['a' * 1000000] * 100000) | join }}", 'growth'],
    ["{{ 'a' | center(10**9) }}", 'growth'],
    ["{{ 'a'.zfill(10**9) }}", 'growth'],
    ["{{ [1] | tojson(indent=10**9) }}", 'growth'],
    ["{{ ('a' * 1000000).replace('a', 'b' * 16) }}", 'growth'],
    ["{{ [1, 2] | batch(10**9, 0) | list }}", 'growth'],
    ['{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}', 'iterations'],
    ['{% macro f(n) %}{% if n < 40 %}{{ f(n + 1) }}{{ f(n + 1) }}{% endif %}{% endmacro %}{{ f(0) }}', 'iterations'],
    ['{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}', 'depth'],
    ['{% for i in range(100000) %}{% for j in range(1000) %}xxxxxxxxxx{% endfor %}{% endfor %}', 'output'],
  ])('%s stops as %s', (src, kind) => {
    expect(kindOf(src)).toBe(kind);
  });

  it('stops deeply nested data in repr, tojson and comparisons as depth (where Python hits its recursion limit)', () => {
    const vars = { c: nested(3000), d: nested(3000) };
    for (const src of ['{{ c }}', '{{ c | tojson }}', '{{ c == d }}', '{{ c | string }}']) expect(kindOf(src, vars), src).toBe('depth');
  });

  it('raises where Python sandbox raises: MAX_RANGE and endless macro recursion', () => {
    const srcs = ['{{ range(10**9) | length }}', '{{ range(100001) | list | length }}', '{{ range(100000) | list | length }}', '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}'];
    const py = pyRender(srcs);
    expect(py.map((o) => ('error' in o ? o.error : o.text))).toEqual(['OverflowError', 'OverflowError', '100000', 'RecursionError']);
    expect(srcs.map((s) => kindOf(s))).toEqual(['raised OverflowError', 'raised OverflowError', 'rendered', 'depth']);
  });

  it('applies each limit exactly', () => {
    expect(kindOf("{{ 'a' * 100 }}", {}, { valueChars: 100 })).toBe('rendered');
    expect(kindOf("{{ 'a' * 101 }}", {}, { valueChars: 101 - 1 })).toBe('growth');
    expect(kindOf('{% for i in range(10) %}x{% endfor %}', {}, { outputChars: 10 })).toBe('rendered');
    expect(kindOf('{% for i in range(11) %}x{% endfor %}', {}, { outputChars: 10 })).toBe('output');
    expect(kindOf("{{ ([1] * 50) | length }}", {}, { listItems: 50 })).toBe('rendered');
    expect(kindOf("{{ ([1] * 51) | length }}", {}, { listItems: 50 })).toBe('growth');
    // 5 frames a macro call: 200 nested calls fit in 1000 frames, 201 do not.
    const chain = (n: number): string => `{% macro f(n) %}{% if n < ${n} %}{{ f(n + 1) }}{% endif %}{% endmacro %}{{ f(1) }}`;
    expect(kindOf(chain(200))).toBe('rendered');
    expect(kindOf(chain(201))).toBe('depth');
    expect(kindOf('{% for i in range(1000) %}{% endfor %}', {}, { iterations: 100 })).toBe('iterations');
    expect(kindOf('{% for i in range(100000) %}{% endfor %}', {}, { timeMs: -1 })).toBe('time');
  });

  it('leaves every render its own budget', () => {
    const t = new PyTemplate('{% for i in range(100) %}{{ i }}{% endfor %}');
    const limits = { ...DEFAULT_LIMITS, iterations: 1000 };
    for (let i = 0; i < 50; i++) expect(t.render(new Map(), undefined, limits).length).toBe(190);
  });
});
