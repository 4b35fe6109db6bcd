// filters: batch, center, dictsort, escape, indent, items, join, sort, select/reject, round, sum, trim, truncate, unique, abs, first/last, default, attr: each template rendered with ours and with Python's jinja2 (the oracle).
import { describe, it } from 'vitest';
import { expectParity } from './oracle.js';

const MESSAGES = [{ role: 'system', content: 'sys  \n' }, { role: 'user', content: 'Hello World é 🙂' }, { role: 'assistant', content: null }];
const TOOLS = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: { type: 'number' } } } } }];

const TEMPLATES = [
  "{{ [1, 2, 3] | batch(2) | list }}|{{ [1, 2, 3] | batch(2, 0) | list }}|{{ \"hello\" | center(11) }}|{{ {\"b\": 2, \"a\": 1} | dictsort(by=\"value\") }}|{{ \"<a>&'\\\"\" | escape }}|{{ \"x\" | e }}",
  "{{ \"a\\nb\\n\\nc\" | indent }}|{{ \"a\\nb\" | indent(2, true) }}|{{ \"a\\n\\nb\" | indent(width=\"--\", blank=true) }}",
  "{% for k, v in {\"a\": 1, \"b\": 2} | items %}{{ k }}{{ v }}{% endfor %}|{{ [1, 2, 3] | join(\"-\") }}|{{ [{\"a\": \"x\"}, {\"a\": \"y\"}] | join(\",\", attribute=\"a\") }}|{{ [1, 2] | length }}|{{ {\"a\": 1} | count }}",
  "{{ [\"b\", \"A\", \"c\"] | sort }}|{{ [\"b\", \"A\", \"c\"] | sort(case_sensitive=true) }}|{{ [3, 1, 2] | sort(reverse=true) }}|{{ [{\"n\": 2}, {\"n\": 1}] | sort(attribute=\"n\") | map(attribute=\"n\") | list }}|{{ [\"B\", \"a\"] | max }}|{{ [\"B\", \"a\"] | min(case_sensitive=true) }}",
  "{{ [1, 2, 3, 4] | select(\"odd\") | list }}|{{ [1, 2, 3, 4] | reject(\"even\") | list }}|{{ [1, 2, 3] | select(\"gt\", 1) | list }}|{{ [1, none, 2] | select | list }}|{{ [{\"a\": 1}, {\"a\": 0}] | selectattr(\"a\") | list }}|{{ [{\"a\": 1}, {}] | map(attribute=\"a\", default=\"d\") | list }}",
  "{{ 2.675 | round(2) }}|{{ 2.5 | round }}|{{ 3.5 | round }}|{{ 1.23456 | round(3, \"floor\") }}|{{ 1.2 | round(0, \"ceil\") }}|{{ 15 | round(-1) }}|{{ 1234.5 | round(-2) }}|{{ -0.5 | round }}",
  "{{ [1, 2] | sum }}|{{ [1.5, 2] | sum }}|{{ [{\"x\": 1}, {\"x\": 2}] | sum(attribute=\"x\") }}|{{ [[1], [2]] | sum(start=[]) }}|{{ \"  a b  \" | trim }}|{{ \"xxaxx\" | trim(\"x\") }}",
  "{{ \"Hello beautiful world\" | truncate(10) }}|{{ \"Hello beautiful world\" | truncate(10, true) }}|{{ \"Hello beautiful world\" | truncate(10, false, \"..\", 0) }}|{{ \"short\" | truncate(10) }}",
  "{{ [1, 2, 1, \"a\", \"A\"] | unique | list }}|{{ [\"a\", \"A\"] | unique(case_sensitive=true) | list }}|{{ \"one two, three\" | wordcount }}|{{ \"%s=%s\" | format(\"a\", 1) }}|{{ [1, \"a\", {\"b\": none}] | pprint }}",
  "{{ -3 | abs }}|{{ -2.5 | abs }}|{{ none | string }}|{{ [1] | string }}|{{ \"abc\" | list }}|{{ \"abc\" | reverse }}|{{ [1, 2] | reverse | list }}|{{ \"x\" | upper }}{{ \"X\" | lower }}|{{ \"hi there\" | capitalize }}",
  "{{ [1, 2, 3] | first }}|{{ [] | first }}|{{ \"ab\" | last }}|{{ [] | last }}|{{ [3, 2] | list | last }}",
  "{{ \"a\" | attr(\"nope\") }}|{{ {} | default(\"z\") }}|{{ none | default(\"n\") }}",
  "{{ messages | selectattr(\"role\", \"in\", [\"user\", \"system\"]) | map(attribute=\"content\") | join(\" / \") }}",
];

describe('filters', () => {
  it('renders as Python jinja2 renders, and raises where it raises', () => {
    expectParity(TEMPLATES, { messages: MESSAGES, tools: TOOLS });
  });
});
