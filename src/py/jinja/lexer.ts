// The lexer: @huggingface/jinja's tokenizer with the whitespace control
// transformers enables (trim_blocks, lstrip_blocks), plus exponent floats,
// which that tokenizer splits into pieces.
//
// The package's preprocessing removes {% generation %} tags with a regex that
// starts with (\s*): quadratic in every run of whitespace (a template of 100k
// spaces took ~8 s, 1M would take ~15 min). We preprocess here, linearly and
// with the same result, and hand the tokenizer a string whose preprocessing
// is the identity (see Preprocessed).
import { tokenize } from '@huggingface/jinja';

export interface Tok {
  value: string;
  type: string;
}

/** Template source to tokens; throws (a SyntaxError of the package) on a lexical error. */
export function lex(source: string): Tok[] {
  return mergeExponents(tokenize(new Preprocessed(preprocess(source)) as unknown as string) as unknown as Tok[]);
}

/**
 * A source already preprocessed: the package's preprocess (endsWith("\n"),
 * then replace() of the generation tags; no lstrip/trim options passed) leaves
 * it as it is. test/py/jinja/lexer.test.ts checks the tokens equal the package's own.
 */
class Preprocessed extends String {
  constructor(private readonly text: string) {
    super(text);
  }
  override endsWith(): boolean {
    return false;
  }
  override replace(): string {
    return this.text;
  }
}

const isJsSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
const GENERATION_TAG = /\{%(-?)\s*(?:end)?generation\s*(-?)%\}/y;

/** The package's preprocess with lstrip_blocks and trim_blocks, in linear time. */
export function preprocess(template: string): string {
  let t = template.endsWith('\n') ? template.slice(0, -1) : template;
  t = t.replace(/^[ \t]*(\{[#%-])/gm, '$1').replace(/([#%-]\})\n/g, '$1');
  if (!t.includes('generation')) return t;
  // (\s*){%(-?)\s*(?:end)?generation\s*(-?)%}(\s*), global: matches left to right, each
  // taking the whitespace before its tag (back to the previous match) and all after it.
  let out = '';
  let done = 0;
  for (let at = t.indexOf('{%'); at >= 0; at = t.indexOf('{%', at + 1)) {
    if (at < done) continue;
    GENERATION_TAG.lastIndex = at;
    const m = GENERATION_TAG.exec(t);
    if (!m) continue;
    let start = at;
    while (start > done && isJsSpace(t[start - 1])) start--;
    let end = at + m[0].length;
    while (end < t.length && isJsSpace(t[end])) end++;
    const before = t.slice(start, at);
    const after = t.slice(at + m[0].length, end);
    out += t.slice(done, start) + (m[1] ? '' : before) + (m[2] ? '' : after);
    done = end;
    at = end - 1;
  }
  return out + t.slice(done);
}

const EXPONENT = /^[eE]\d+$/;
const DIGITS = /^\d+$/;

/**
 * Exponent floats, `1e20`, `2.5E-3`, come out of the tokenizer as number, name
 * (and sign, number): merged back into one float literal. (`1 e20` cannot be
 * told apart; Python rejects it as a syntax error.)
 */
export function mergeExponents(tokens: Tok[]): Tok[] {
  const out: Tok[] = [];
  const at = (i: number): Tok | undefined => tokens[i];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'NumericLiteral' && at(i + 1)?.type === 'Identifier') {
      const e = at(i + 1)!.value;
      const mantissa = t.value.includes('.') ? t.value : `${t.value}.`; // the "." makes the parser build a float
      if (EXPONENT.test(e)) {
        out.push({ type: 'NumericLiteral', value: `${mantissa}e${e.slice(1)}` });
        i += 1;
        continue;
      }
      if ((e === 'e' || e === 'E') && at(i + 2)?.type === 'AdditiveBinaryOperator' && at(i + 3)?.type === 'NumericLiteral' && DIGITS.test(at(i + 3)!.value)) {
        out.push({ type: 'NumericLiteral', value: `${mantissa}e${at(i + 2)!.value}${at(i + 3)!.value}` });
        i += 3;
        continue;
      }
    }
    out.push(t);
  }
  return out;
}
