// arithmetic, comparison and truth as Python has them: each template rendered with ours and with Python's jinja2 (the oracle).
import { describe, it } from 'vitest';
import { expectParity } from './oracle.js';

const MESSAGES = [{ role: 'system', content: 'sys  \n' }, { role: 'user', content: 'Hello World é 🙂' }, { role: 'assistant', content: null }];
const TOOLS = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: { type: 'number' } } } } }];

const TEMPLATES = [
  "{{ 3 - 1.5 }}|{{ 2 * 3.0 }}|{{ 10 / 4 }}|{{ 10 // 4 }}|{{ 10.5 // 4 }}|{{ -10 % 3 }}|{{ 10 % -3 }}|{{ 2 ** -1 }}|{{ 2 ** 0.5 }}|{{ 1e300 * 1e300 }}|{{ -(1e300 * 1e300) }}|{{ 5 % 2.5 }}|{{ 0.1 * 3 }}|{{ 1/3 * 3 }}|{{ 2 ** 70 }}",
  "{{ [1, 2] + [3] }}|{{ [0] * 3 }}|{{ 3 * \"ab\" }}|{{ \"a\" ~ 1 ~ none ~ 1.0 }}|{{ -(3) }}|{{ +3.5 }}|{{ not 1 }}|{{ 1 and 2 }}|{{ 0 or \"x\" }}|{{ none or [] }}",
  "{{ \"b\" > \"a\" }}|{{ [1, 2] < [1, 3] }}|{{ (1, 2) == (1, 2) }}|{{ [1] == (1, 2) }}|{{ 1 == true }}|{{ {\"a\": 1} == {\"a\": 1.0} }}|{{ 1 != 1.0 }}|{{ \"a\" < \"B\" }}",
  "{{ \"a\" < 1 }}",
  "{{ 5.0 | int }}|{{ 1.0.is_integer() }}|{{ (5).real }}|{{ 3.5.real }}|{{ true + 1 }}|{{ 1 + 1.0 }}|{{ \"abc\" * 0 }}|{{ [1] * -1 }}",
];

describe('compare', () => {
  it('renders as Python jinja2 renders, and raises where it raises', () => {
    expectParity(TEMPLATES, { messages: MESSAGES, tools: TOOLS });
  });
});
