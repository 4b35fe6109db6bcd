// The lexer: @huggingface/jinja's tokenizer with the whitespace control
// transformers enables (trim_blocks, lstrip_blocks), plus exponent floats,
// which that tokenizer splits into pieces.
import { tokenize } from '@huggingface/jinja';

export interface Tok {
  value: string;
  type: string;
}

/** Template source to tokens; throws (a SyntaxError of the package) on a lexical error. */
export function lex(source: string): Tok[] {
  return mergeExponents(tokenize(source, { lstrip_blocks: true, trim_blocks: true }) as unknown as Tok[]);
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
