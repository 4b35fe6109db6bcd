// The normalizer and pre-tokenizer steps replay's counter implements, compiled
// from tokenizer.json, with the Rust library's meaning; anything else throws
// Unsupported (the caller then counts with the native binding).
//   normalizers:     NFC, Prepend, Replace (a literal string), Sequence of these;
//   pre-tokenizers:  Split by a regex (Isolated) or by a literal string
//                    (Isolated, MergedWithPrevious, MergedWithNext, Removed),
//                    Sequence of these; ByteLevel last (byte-level form).
import { compilePattern, literalPattern, Unsupported, type CompiledPattern } from './pattern.js';

export interface Step {
  type: string;
  [key: string]: unknown;
}

const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

/** A compiled normalizer: the text transform, and whether it puts text in NFC (which the Unicode check must cover). */
export interface Normalizer {
  apply: ((text: string) => string) | null;
  nfc: boolean;
}

/** none | NFC | Prepend | Replace(String) | Sequence of those, applied in order. */
export function compileNormalizer(n: Step | null | undefined): Normalizer {
  const steps: Array<(text: string) => string> = [];
  let nfc = false;
  const add = (s: Step | null | undefined): void => {
    if (s == null) return;
    switch (s.type) {
      case 'Sequence':
        if (!Array.isArray(s['normalizers'])) unsupported('a normalizer Sequence without normalizers');
        for (const p of s['normalizers'] as Step[]) add(p);
        return;
      case 'NFC':
        nfc = true;
        steps.push((t) => t.normalize('NFC'));
        return;
      case 'Prepend': {
        const prefix = s['prepend'];
        if (typeof prefix !== 'string') return unsupported('Prepend without a string');
        // The library prepends only to a non-empty string.
        steps.push((t) => (t.length > 0 ? prefix + t : t));
        return;
      }
      case 'Replace': {
        const from = (s['pattern'] as { String?: unknown } | undefined)?.String;
        const to = s['content'];
        if (typeof from !== 'string' || from === '' || typeof to !== 'string') return unsupported(`the normalizer ${JSON.stringify(s).slice(0, 120)}`);
        steps.push((t) => t.replaceAll(from, to));
        return;
      }
      default:
        unsupported(`the normalizer ${JSON.stringify(s).slice(0, 120)}`);
    }
  };
  add(n);
  if (steps.length === 0) return { apply: null, nfc: false };
  return { apply: steps.length === 1 ? steps[0]! : (t) => steps.reduce((x, f) => f(x), t), nfc };
}

export type Behavior = 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Removed';

/** One Split pre-tokenizer: where it cuts, and what it does with the matches. */
export interface SplitStage {
  pattern: CompiledPattern;
  behavior: Behavior;
}

/**
 * The Split steps of a pre-tokenizer, in order. `byteLevel`: the form whose last
 * step is ByteLevel (returned as such); otherwise there must be no ByteLevel.
 */
export function splitStages(pre: Step | null | undefined): { stages: SplitStage[]; byteLevel: Step | null } {
  if (!pre) return { stages: [], byteLevel: null };
  const steps = pre.type === 'Sequence' ? ((pre['pretokenizers'] as Step[] | undefined) ?? []) : [pre];
  const last = steps.at(-1);
  const byteLevel = last?.type === 'ByteLevel' ? last : null;
  const stages: SplitStage[] = [];
  for (const step of byteLevel ? steps.slice(0, -1) : steps) {
    if (step.type !== 'Split') unsupported(`the pre-tokenizer ${step.type}`);
    if (step['invert']) unsupported('an inverted Split');
    const behavior = step['behavior'] as string;
    const pattern = step['pattern'] as { Regex?: string; String?: string } | undefined;
    if (typeof pattern?.Regex === 'string') {
      // A regex may match the empty string, which the merging behaviours treat as a match: only Isolated is exact here.
      if (behavior !== 'Isolated') unsupported(`Split by a regex with behavior ${String(behavior)}`);
      stages.push({ pattern: compilePattern(pattern.Regex), behavior: 'Isolated' });
    } else if (typeof pattern?.String === 'string') {
      if (!['Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Removed'].includes(behavior)) unsupported(`Split with behavior ${String(behavior)}`);
      stages.push({ pattern: literalPattern(pattern.String), behavior: behavior as Behavior });
    } else unsupported('a Split without a pattern');
  }
  return { stages, byteLevel };
}

/**
 * The next non-empty match of global `re` in `text` from `re.lastIndex`. An
 * empty match cuts nothing: it is stepped over by one character, as the Rust
 * iterator does.
 */
export function nextMatch(re: RegExp, text: string): RegExpExecArray | null {
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (re.lastIndex > m.index) return m;
    re.lastIndex = m.index + (text.codePointAt(m.index)! > 0xffff ? 2 : 1);
  }
  return null;
}

/** The sum of `match` over the matches of `re` in `text` and of `gap` over the non-empty text between them. */
export function cut(re: RegExp, text: string, match: (m: string) => number, gap: (g: string) => number): number {
  let total = 0;
  let last = 0;
  re.lastIndex = 0;
  for (let m = nextMatch(re, text); m !== null; m = nextMatch(re, text)) {
    const at = m.index;
    const end = re.lastIndex;
    if (at > last) total += gap(text.slice(last, at));
    total += match(m[0]);
    last = end;
    // The callbacks may have run other patterns; this one resumes where it stopped.
    re.lastIndex = end;
  }
  if (last < text.length) total += gap(last === 0 ? text : text.slice(last));
  return total;
}

/**
 * The pieces `cut` finds in `text` scanning from `from`, flat as [start, end,
 * isMatch (1/0)] triples: the matches and the non-empty gaps between them.
 */
export function spans(re: RegExp, text: string, from = 0): number[] {
  const out: number[] = [];
  let last = from;
  re.lastIndex = from;
  for (let m = nextMatch(re, text); m !== null; m = nextMatch(re, text)) {
    const at = m.index;
    const end = re.lastIndex;
    if (at > last) out.push(last, at, 0);
    out.push(at, end, 1);
    last = end;
  }
  if (last < text.length) out.push(last, text.length, 0);
  return out;
}

/**
 * Whether a regex's match at a position depends only on the text from there on:
 * no lookbehind, no \b or \B, no ^ (which match by what precedes). Then two
 * scans of texts with the same suffix that both find a match at one position of
 * it find the same matches from there on.
 */
export function suffixLocal(source: string): boolean {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      if (!inClass && (source[i + 1] === 'b' || source[i + 1] === 'B')) return false;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      if (source[i + 1] === '^') i++;
    } else if (c === '^') return false;
    else if (c === '(' && source.startsWith('?<', i + 1) && (source[i + 3] === '=' || source[i + 3] === '!')) return false;
  }
  return true;
}

/**
 * The sum of `piece` over the pieces a Split stage cuts `text` into, as the
 * library's split() with that behaviour: Isolated keeps matches and gaps apart,
 * Removed drops the matches, MergedWithPrevious appends a match to the piece
 * before it, MergedWithNext prepends it to the piece after (a match next to
 * another match stays alone). Literal patterns never match the empty string.
 */
export function splitBy(stage: SplitStage, text: string, piece: (p: string) => number): number {
  const re = stage.pattern.regex;
  switch (stage.behavior) {
    case 'Isolated':
      return cut(re, text, piece, piece);
    case 'Removed':
      return cut(re, text, () => 0, piece);
    case 'MergedWithPrevious':
    case 'MergedWithNext':
      return merged(re, text, stage.behavior === 'MergedWithNext', piece);
  }
}

function merged(re: RegExp, text: string, withNext: boolean, piece: (p: string) => number): number {
  const segs = spans(re, text);
  const n = segs.length / 3;
  const pieces: Array<[number, number]> = [];
  let previousMatch = false;
  for (let k = 0; k < n; k++) {
    const i = 3 * (withNext ? n - 1 - k : k);
    const start = segs[i]!;
    const end = segs[i + 1]!;
    const isMatch = segs[i + 2] === 1;
    const into = pieces.at(-1);
    if (isMatch && !previousMatch && into) {
      if (withNext) into[0] = start;
      else into[1] = end;
    } else pieces.push([start, end]);
    previousMatch = isMatch;
  }
  let total = 0;
  for (const [start, end] of pieces) total += piece(text.slice(start, end));
  return total;
}
