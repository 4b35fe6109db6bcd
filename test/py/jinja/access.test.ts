// attribute and item access, slices, and the sandbox's refusals: each template rendered with ours and with Python's jinja2 (the oracle).
import { describe, it } from 'vitest';
import { expectParity } from './oracle.js';

const MESSAGES = [{ role: 'system', content: 'sys  \n' }, { role: 'user', content: 'Hello World é 🙂' }, { role: 'assistant', content: null }];
const TOOLS = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: { type: 'number' } } } } }];

const TEMPLATES = [
  "{{ messages[0].content.upper() }}|{{ messages | map(attribute=\"role\") | list }}|{{ messages | length }}|{{ messages[0] | tojson }}|{{ messages[0].keys() | list }}|{{ messages[0].items() | list }}|{{ messages[0].get(\"nope\", 1) }}",
  "{{ \"x\".__class__ }}",
  "{{ [].append }}",
  "{{ {}.update }}",
  "{{ messages._private }}",
  "{{ x.y }}",
  "{{ [1, 2][5] }}|{{ {\"a\": 1}[\"b\"] }}|{{ {\"a\": 1}.b }}|{{ [1][0:5:2] }}|{{ \"abc\"[5:] }}",
];

describe('access', () => {
  it('renders as Python jinja2 renders, and raises where it raises', () => {
    expectParity(TEMPLATES, { messages: MESSAGES, tools: TOOLS });
  });
});
