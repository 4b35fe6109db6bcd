// The parser: @huggingface/jinja's, plus jinja2's tests with arguments, which
// it lacks, and jinja2's compile-time check that every filter and test exists.
import { parse } from '@huggingface/jinja';
import { PyError } from './errors.js';
import { walkNodes, type Node } from './ast.js';
import type { Tok } from './lexer.js';
import { FILTERS, TESTS } from './registry.js';

const TEST_ARG_SEP = '\u0000';

/**
 * Parse a token stream (lexer.ts). Tests with arguments, `x is divisibleby(3)`,
 * `x is sameas y`, are rewritten first: the argument tokens are taken out,
 * parsed on their own and put back as the test node's `args` (the test name
 * carries their index until then). Throws the package's errors on bad syntax.
 */
export function parseTokens(tokens: Tok[]): Node {
  const testArgs: Node[][] = [];
  const program = parse(rewriteTokens(tokens, testArgs) as never) as unknown as Node;
  attachTestArgs(program, testArgs);
  return program;
}

function rewriteTokens(tokens: Tok[], testArgs: Node[][]): Tok[] {
  const out: Tok[] = [];
  const at = (i: number): Tok | undefined => tokens[i];
  /** Index after the bracket group opening at i. */
  const closeOf = (i: number): number => {
    let depth = 0;
    for (let j = i; j < tokens.length; j++) {
      const t = tokens[j]!.type;
      if (t === 'OpenParen' || t === 'OpenSquareBracket' || t === 'OpenCurlyBracket') depth++;
      else if (t === 'CloseParen' || t === 'CloseSquareBracket' || t === 'CloseCurlyBracket') depth--;
      if (depth === 0) return j + 1;
    }
    throw new SyntaxError('unbalanced brackets');
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    out.push(t);
    if (!(t.type === 'Identifier' && t.value === 'is')) continue;
    let j = i + 1;
    if (at(j)?.type === 'Identifier' && at(j)!.value === 'not') out.push(tokens[j++]!);
    const name = at(j);
    if (name?.type !== 'Identifier') {
      i = j - 1;
      continue;
    }
    // jinja2: `(` opens an argument list; a name, literal, `[` or `{` (not else/or/and) is one argument.
    let argTokens: Tok[] | null = null;
    let end = j + 1;
    const next = at(end);
    if (next?.type === 'OpenParen') {
      const close = closeOf(end);
      argTokens = tokens.slice(end + 1, close - 1);
      end = close;
    } else if (next && ['NumericLiteral', 'StringLiteral', 'OpenSquareBracket', 'OpenCurlyBracket'].includes(next.type) || (next?.type === 'Identifier' && !['else', 'or', 'and'].includes(next.value))) {
      // One primary with its postfixes: .attr, [index], (call).
      let k = next.type === 'OpenSquareBracket' || next.type === 'OpenCurlyBracket' ? closeOf(end) : end + 1;
      for (;;) {
        const p = at(k);
        if (p?.type === 'Dot' && at(k + 1)?.type === 'Identifier') k += 2;
        else if (p?.type === 'OpenSquareBracket' || p?.type === 'OpenParen') k = closeOf(k);
        else break;
      }
      argTokens = tokens.slice(end, k);
      end = k;
    }
    if (argTokens === null) {
      out.push(name);
      i = j;
      continue;
    }
    const call = parse(rewriteTokens([{ type: 'OpenExpression', value: '{{' }, { type: 'Identifier', value: 'test' }, { type: 'OpenParen', value: '(' }, ...argTokens, { type: 'CloseParen', value: ')' }, { type: 'CloseExpression', value: '}}' }], testArgs) as never) as unknown as Node;
    const args = ((call['body'] as Node[])[0]!['args'] as Node[]) ?? [];
    out.push({ type: 'Identifier', value: `${name.value}${TEST_ARG_SEP}${testArgs.length}` });
    testArgs.push(args);
    i = end - 1;
  }
  return out;
}

function attachTestArgs(program: Node, testArgs: Node[][]): void {
  walkNodes(program, (node) => {
    if (node.type !== 'TestExpression') return;
    const test = node['test'] as Node;
    const [name, index] = String(test['value']).split(TEST_ARG_SEP);
    if (index === undefined) return;
    test['value'] = name;
    node['args'] = testArgs[Number(index)]!;
  });
}

/** Filters and tests a template names must exist: jinja2 rejects the template at compile time otherwise. */
export function checkNames(program: unknown): void {
  walkNodes(program, (node) => {
    if (node.type === 'FilterExpression' || node.type === 'FilterStatement') {
      const f = node['filter'] as Node;
      const callee = f.type === 'CallExpression' ? (f['callee'] as Node) : null;
      if (!(f.type === 'Identifier' || callee?.type === 'Identifier')) throw new PyError('TemplateSyntaxError', 'expected token \'end of print statement\'');
      const name = f.type === 'Identifier' ? (f['value'] as string) : (callee!['value'] as string);
      if (!FILTERS.has(name)) throw new PyError('TemplateAssertionError', `No filter named '${name}'.`);
    }
    if (node.type === 'TestExpression') {
      const name = (node['test'] as Node)['value'] as string;
      if (!TESTS.has(name)) throw new PyError('TemplateAssertionError', `No test named '${name}'.`);
    }
  });
}
