// statements: set and unpacking, loops and loop variables, macros, call blocks, filter and set blocks, globals, whitespace control: each template rendered with ours and with Python's jinja2 (the oracle).
import { describe, it } from 'vitest';
import { expectParity } from './oracle.js';

const MESSAGES = [{ role: 'system', content: 'sys  \n' }, { role: 'user', content: 'Hello World é 🙂' }, { role: 'assistant', content: null }];
const TOOLS = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: { type: 'number' } } } } }];

const TEMPLATES = [
  "{% set a, b = 1, 2 %}{{ a }}{{ b }}|{% set x = {\"k\": [1, 2]} %}{{ x.k[1] }}{{ x[\"k\"][0] }}|{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }}{% endfor %}|{% for x in \"ab\" %}{{ x }}{% endfor %}",
  "{% set j = joiner(\"|\") %}{% for x in [1, 2, 3] %}{{ j() }}{{ x }}{% endfor %}|{% for x in [1, 2, 3] %}{{ loop.cycle(\"a\", \"b\") }}{% endfor %}|{% for x in [1, 1, 2] %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}",
  "{% set d = dict(a=1, b=2) %}{{ d }}|{{ dict([[\"x\", 1]]) }}|{{ namespace(a=1).a }}|{% set ns = namespace(items=[]) %}{{ ns.items }}|{{ range(5, 0, -2) | list }}|{{ range(0) | list }}",
  "{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, k=3) }}|{% macro c() %}[{{ caller() }}]{% endmacro %}{% call c() %}inner{% endcall %}|{% macro c2(x) %}{{ caller(x * 2) }}{% endmacro %}{% call(y) c2(3) %}y={{ y }}{% endcall %}",
  "{% macro rec(n) %}{% if n > 0 %}{{ n }}{{ rec(n - 1) }}{% endif %}{% endmacro %}{{ rec(5) }}|{{ rec }}",
  "{% for x in 5 %}{% endfor %}",
  "{%- for m in messages -%}\n  {{- m.role | upper }}: {{ m.content if m.content is string else m.content | tojson }}\n{% endfor -%}\n{% if add_generation_prompt %}ASSISTANT:{% endif %}",
  "{% filter upper %}{% for m in messages %}{{ m.role }}{% endfor %}{% endfilter %}|{% set s %}{% for i in range(3) %}{{ i }}{% endfor %}{% endset %}{{ s | length }}",
  "{{ messages[::-1] | map(attribute=\"role\") | list }}|{% for m in messages | reverse %}{{ loop.index }}{{ m.role[0] }}{% endfor %}\n",
];

describe('interpreter', () => {
  it('renders as Python jinja2 renders, and raises where it raises', () => {
    expectParity(TEMPLATES, { messages: MESSAGES, tools: TOOLS });
  });
});
