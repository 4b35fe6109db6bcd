// tests (`x is name`), with and without arguments, and an unknown test: each template rendered with ours and with Python's jinja2 (the oracle).
import { describe, it } from 'vitest';
import { expectParity } from './oracle.js';

const MESSAGES = [{ role: 'system', content: 'sys  \n' }, { role: 'user', content: 'Hello World é 🙂' }, { role: 'assistant', content: null }];
const TOOLS = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: { type: 'number' } } } } }];

const TEMPLATES = [
  "{{ 1 is odd }}{{ 2 is even }}{{ none is defined }}{{ x is undefined }}{{ true is boolean }}{{ false is false }}{{ true is true }}{{ 1 is integer }}{{ 1.0 is float }}{{ \"a\" is lower }}{{ \"A\" is upper }}{{ [] is sequence }}{{ 1 is callable }}{{ range is callable }}{{ \"abs\" is filter }}{{ \"odd\" is test }}{{ 1 is escaped }}",
  "{{ 1 is ge 1 }}{{ 1 is le 0 }}{{ 1 is lt 2 }}{{ 2 is gt 1 }}{{ 1 is ne 2 }}{{ 1 is in [1] }}{{ \"a\" is in \"ab\" }}{{ 4 is divisibleby 2 }}",
  "{{ 1 is nosuchtest }}",
];

describe('tests', () => {
  it('renders as Python jinja2 renders, and raises where it raises', () => {
    expectParity(TEMPLATES, { messages: MESSAGES, tools: TOOLS });
  });
});
