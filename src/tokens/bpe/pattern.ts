// A tokenizer.json Split pattern (Oniguruma syntax, as the Rust tokenizers
// library compiles it) rewritten as a JS RegExp that matches the same strings.
// Only the constructs pre-tokenizer patterns use are translated; anything else
// throws Unsupported, and the caller counts with the native binding instead.
//
// Where the two engines differ, the Oniguruma meaning is spelled out:
//   \s \S  Unicode White_Space (JS \s adds U+FEFF and lacks U+0085)
//   \d \D  Unicode decimal digits (JS: ASCII only)
//   \w \W  letters, marks, decimal digits, connector punctuation
//   .      any character but \n (JS also stops at \r, U+2028, U+2029)
//   (?i:…) each letter becomes the class of its case variants
// Each class is then checked against the binding, character by character
// (unicodeCheck.ts): where they still differ (Unicode versions; Oniguruma's \w
// also takes a few other numbers, like ²), texts holding those characters are
// counted natively.

export class Unsupported extends Error {}

export const GENERAL_CATEGORIES: ReadonlySet<string> = new Set(
  'L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Co Cn'.split(' '),
);
/** Characters that must stay escaped in a JS `u` pattern, outside and inside a class. */
const SYNTAX = new Set('^$\\.*+?()[]{}|/');
const CLASS_SYNTAX = new Set('\\]-^[');

/** How CLASSES names the letters of a (?i:…) group. */
const CASELESS = '(?i:[a-z])';
const WORD = '\\p{L}\\p{M}\\p{Nd}\\p{Pc}';

/** A compiled pattern, and the character classes (as CLASSES names them) its meaning depends on. */
export interface CompiledPattern {
  regex: RegExp;
  classes: ReadonlySet<string>;
}

/** Compiles `source` (Oniguruma) to a global, Unicode JS RegExp. */
export function compilePattern(source: string): CompiledPattern {
  const { js, classes } = translate(source);
  try {
    return { regex: new RegExp(js, 'gu'), classes };
  } catch (err) {
    throw new Unsupported(`pattern ${JSON.stringify(source)} does not compile as ${JSON.stringify(js)}: ${(err as Error).message}`);
  }
}

/** A literal string pattern (Split with {"String": …}). */
export function literalPattern(text: string): CompiledPattern {
  if (text === '') throw new Unsupported('empty Split string');
  return { regex: new RegExp(Array.from(text, (c) => escapeChar(c, false)).join(''), 'gu'), classes: new Set() };
}

/**
 * Every class translate() can emit, by the Oniguruma text it stands for: the
 * native binding is asked how it reads each one (unicodeCheck.ts).
 */
export const CLASSES: readonly string[] = [
  ...[...GENERAL_CATEGORIES].map((c) => `\\p{${c}}`),
  '\\s',
  '\\d',
  '\\w',
  CASELESS,
  '.',
];

export function translate(source: string): { js: string; classes: Set<string> } {
  const cps = Array.from(source);
  const classes = new Set<string>();
  let i = 0;
  let out = '';
  /** Depth of (?i: groups still open, and the group depth each opened at. */
  const caseless: number[] = [];
  let depth = 0;
  const fail = (what: string): never => {
    throw new Unsupported(`pattern ${JSON.stringify(source)} uses ${what}`);
  };

  const escape = (inClass: boolean): string => {
    const c = cps[++i];
    if (c === undefined) return fail('a trailing backslash');
    i++;
    switch (c) {
      case 's':
      case 'S':
        classes.add('\\s');
        return c === 's' ? '\\p{White_Space}' : '\\P{White_Space}';
      case 'd':
      case 'D':
        classes.add('\\d');
        return c === 'd' ? '\\p{Nd}' : '\\P{Nd}';
      case 'w':
        classes.add('\\w');
        return inClass ? WORD : `[${WORD}]`;
      case 'W':
        classes.add('\\w');
        return inClass ? fail('\\W inside a class') : `[^${WORD}]`;
      case 'r':
      case 'n':
      case 't':
      case 'f':
      case 'v':
        return `\\${c}`;
      case 'p':
      case 'P': {
        let name = '';
        if (cps[i] !== '{') return fail(`\\${c} without braces`);
        for (i++; i < cps.length && cps[i] !== '}'; i++) name += cps[i];
        i++;
        const negated = name.startsWith('^');
        if (negated) name = name.slice(1);
        if (!GENERAL_CATEGORIES.has(name)) fail(`the property \\${c}{${name}}`);
        classes.add(`\\p{${name}}`);
        return `\\${(c === 'P') !== negated ? 'P' : 'p'}{${name}}`;
      }
      case 'x': {
        let hex = '';
        if (cps[i] === '{') {
          for (i++; i < cps.length && cps[i] !== '}'; i++) hex += cps[i];
          i++;
        } else {
          hex = (cps[i] ?? '') + (cps[i + 1] ?? '');
          i += 2;
        }
        if (!/^[0-9A-Fa-f]{1,6}$/.test(hex)) fail(`the escape \\x${hex}`);
        return escapeChar(String.fromCodePoint(parseInt(hex, 16)), inClass);
      }
      case 'u': {
        const hex = cps.slice(i, i + 4).join('');
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) fail(`the escape \\u${hex}`);
        i += 4;
        return escapeChar(String.fromCodePoint(parseInt(hex, 16)), inClass);
      }
      default:
        // An escaped punctuation character is itself; escaped letters and digits are engine features.
        if (/[\p{L}\p{N}]/u.test(c)) fail(`the escape \\${c}`);
        return escapeChar(c, inClass);
    }
  };

  const charClass = (): string => {
    let body = '[';
    i++;
    if (cps[i] === '^') {
      body += '^';
      i++;
    }
    // A ] first in the class is a literal in Oniguruma.
    if (cps[i] === ']') {
      body += '\\]';
      i++;
    }
    for (;;) {
      const c = cps[i];
      if (c === undefined) return fail('an unterminated class');
      if (c === ']') {
        i++;
        return `${body}]`;
      }
      if (c === '[') fail('a nested class');
      if (c === '&' && cps[i + 1] === '&') fail('class intersection');
      if (c === '\\') body += escape(true);
      else if (caseless.length > 0 && cps[i + 1] === '-' && cps[i + 2] !== ']' && cps[i + 2] !== undefined) {
        // A caseless range: the variants of each letter in it (ranges of letters of one case only).
        const from = c.charCodeAt(0);
        const to = cps[i + 2]!.charCodeAt(0);
        const letters = /[a-z]/.test(c) && /[a-z]/.test(cps[i + 2]!) ? 'a' : /[A-Z]/.test(c) && /[A-Z]/.test(cps[i + 2]!) ? 'A' : null;
        if (letters === null || to < from) fail('a caseless range other than letters of one case');
        for (let code = from; code <= to; code++) body += caseVariants(String.fromCharCode(code)).join('');
        classes.add(CASELESS);
        i += 3;
      } else if (c === '-') {
        body += '-';
        i++;
      } else {
        body += caseless.length > 0 && /[A-Za-z]/.test(c) ? caseVariants(c, classes).join('') : escapeChar(c, true);
        i++;
      }
    }
  };

  while (i < cps.length) {
    const c = cps[i]!;
    if (c === '\\') {
      out += escape(false);
    } else if (c === '[') {
      out += charClass();
    } else if (c === '(') {
      depth++;
      if (cps[i + 1] !== '?') {
        out += '(?:';
        i++;
      } else {
        const head = cps.slice(i, i + 4).join('');
        if (head.startsWith('(?:') || head.startsWith('(?=') || head.startsWith('(?!')) {
          out += head.slice(0, 3);
          i += 3;
        } else if (head === '(?<=' || head === '(?<!') {
          out += head;
          i += 4;
        } else if (head === '(?i:') {
          caseless.push(depth);
          out += '(?:';
          i += 4;
        } else {
          fail(`the group ${head}`);
        }
      }
    } else if (c === ')') {
      if (caseless.at(-1) === depth) caseless.pop();
      depth--;
      out += ')';
      i++;
    } else if (c === '*' || c === '+' || c === '?') {
      out += c;
      i++;
      if (cps[i] === '+') fail('a possessive quantifier');
      if (cps[i] === '?' && c !== '?') {
        out += '?';
        i++;
      }
    } else if (c === '{') {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(cps.slice(i, i + 24).join(''));
      if (m && (m[1] !== '' || (m[2] === ',' && m[3] !== ''))) {
        out += `{${m[1] || '0'}${m[2]}${m[3]}}`;
        i += m[0].length;
        if (cps[i] === '+') fail('a possessive quantifier');
      } else {
        out += '\\{';
        i++;
      }
    } else if (c === '|') {
      out += '|';
      i++;
    } else if (c === '.') {
      classes.add('.');
      out += '[^\\n]';
      i++;
    } else if (c === '^' || c === '$') {
      fail(`the anchor ${c}`);
    } else if (caseless.length > 0 && /[A-Za-z]/.test(c)) {
      out += `[${caseVariants(c, classes).join('')}]`;
      i++;
    } else {
      out += escapeChar(c, false);
      i++;
    }
  }
  return { js: out, classes };
}

function escapeChar(c: string, inClass: boolean): string {
  return (inClass ? CLASS_SYNTAX : SYNTAX).has(c) ? `\\${c}` : c;
}

const variants = new Map<string, string[]>();

/** Every character a case-insensitive match of ASCII letter `c` accepts (e.g. s: s S ſ). */
function caseVariants(c: string, classes?: Set<string>): string[] {
  classes?.add(CASELESS);
  const lower = c.toLowerCase();
  let v = variants.get(lower);
  if (!v) {
    const upper = c.toUpperCase();
    const re = new RegExp(`^${lower}$`, 'iu');
    v = [];
    // Candidates by case mapping, kept if a caseless JS match accepts them (Unicode simple folding).
    for (let cp = 0; cp <= 0xffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCharCode(cp);
      if ((ch.toLowerCase() === lower || ch.toUpperCase() === upper) && re.test(ch)) v.push(ch);
    }
    variants.set(lower, v);
  }
  return v;
}
