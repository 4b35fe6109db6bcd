// str methods: split, strip, find, replace, casing, padding, str.format, code points: each template rendered with ours and with Python's jinja2 (the oracle).
import { describe, it } from 'vitest';
import { expectParity } from './oracle.js';

const MESSAGES = [{ role: 'system', content: 'sys  \n' }, { role: 'user', content: 'Hello World é 🙂' }, { role: 'assistant', content: null }];
const TOOLS = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: { type: 'number' } } } } }];

const TEMPLATES = [
  "{{ \"a,b,,c\".split(\",\") }}|{{ \"  a  b \".split() }}|{{ \"a b c d\".rsplit(\" \", 2) }}|{{ \"a b c\".rsplit() }}|{{ \"x\\ny\\r\\nz\".splitlines() }}|{{ \"x\\ny\\n\".splitlines(true) }}",
  "{{ \"abcabc\".find(\"c\") }}|{{ \"abcabc\".rfind(\"c\") }}|{{ \"abcabc\".find(\"c\", 3) }}|{{ \"abc\".index(\"b\") }}|{{ \"abcabc\".count(\"bc\") }}|{{ \"abc\".count(\"\") }}|{{ \"ab\".replace(\"\", \"-\") }}|{{ \"aaa\".replace(\"a\", \"b\", 2) }}",
  "{{ \"hello world-foo\".title() }}|{{ \"hello WORLD\" | title }}|{{ \"aBc\".swapcase() }}|{{ \"abc\".islower() }}|{{ \"ABC\".isupper() }}|{{ \"123\".isdigit() }}|{{ \"ab1\".isalnum() }}|{{ \"ab\".isalpha() }}|{{ \" \\t\".isspace() }}|{{ \"abc\".isascii() }}",
  "{{ \"abc\".removeprefix(\"a\") }}|{{ \"abc\".removesuffix(\"c\") }}|{{ \"a=b=c\".partition(\"=\") }}|{{ \"a=b=c\".rpartition(\"=\") }}|{{ \"42\".zfill(5) }}|{{ \"-42\".zfill(5) }}|{{ \"ab\".center(7, \"*\") }}|{{ \"ab\".ljust(5, \".\") }}|{{ \"ab\".rjust(5) }}",
  "{{ \"{} and {}\".format(1, \"b\") }}|{{ \"{0}{0}\".format(\"x\") }}|{{ \"{a}\".format(a=3) }}|{{ \"%s|%r|%d\" % (\"a\", \"b\", 3) }}|{{ \"%s\" % 5 }}|{{ \"{{}}\".format() }}",
  "{{ \"a\\u00e9🙂\" | length }}|{{ \"🙂🙂x\"[1] }}|{{ \"🙂ab\".find(\"a\") }}|{{ \"é\" | tojson }}|{{ \"\\u2028\" | pprint }}|{{ [\"\\x01\", \"\\t'\\\"\"] }}",
];

describe('strings', () => {
  it('renders as Python jinja2 renders, and raises where it raises', () => {
    expectParity(TEMPLATES, { messages: MESSAGES, tools: TOOLS });
  });
});
