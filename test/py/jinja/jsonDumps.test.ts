// tojson (json.dumps with its options): each template rendered with ours and with Python's jinja2 (the oracle).
import { describe, it } from 'vitest';
import { expectParity } from './oracle.js';

const MESSAGES = [{ role: 'system', content: 'sys  \n' }, { role: 'user', content: 'Hello World é 🙂' }, { role: 'assistant', content: null }];
const TOOLS = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: { type: 'number' } } } } }];

const TEMPLATES = [
  "{{ tools | tojson(indent=4) }}|{{ tools | tojson(separators=(\",\", \":\")) }}|{{ {\"é\": \"ü\"} | tojson(ensure_ascii=true) }}|{{ {\"b\": 1, \"a\": {\"d\": 1, \"c\": 2}} | tojson(sort_keys=true, indent=1) }}|{{ [1.0, 1.5, 1e20, 1e-7] | tojson }}",
];

describe('jsonDumps', () => {
  it('renders as Python jinja2 renders, and raises where it raises', () => {
    expectParity(TEMPLATES, { messages: MESSAGES, tools: TOOLS });
  });
});
