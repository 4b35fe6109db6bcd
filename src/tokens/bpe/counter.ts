// replay's own token counter for byte-level BPE tokenizers (GPT-2 style: Llama 3,
// Qwen, DeepSeek, ...): the same count as the Rust binding's
// encode(text, add_special_tokens = false).getLength(), without building an
// encoding. It follows the library's pipeline step by step:
//   1. added tokens that are not normalized are split out of the raw text (one token each);
//   2. the rest is normalized (none, or NFC), and normalized added tokens are split out;
//   3. each Split pre-tokenizer cuts every piece further (matches and the gaps between them);
//   4. each final piece is one BPE word.
// compileBpeCounter throws Unsupported for any tokenizer.json outside this form
// (another model, normalizer or pre-tokenizer, truncation, stripping added
// tokens, ...); callers then count with the native binding.
import { ByteLevelBpe, BYTE_CHARS } from './model.js';
import { toWellFormed } from '../wellFormed.js';
import { compilePattern, literalPattern, Unsupported, type CompiledPattern } from './pattern.js';
import { NFC, nativeOnlyCodePoints } from './unicodeCheck.js';

export { Unsupported } from './pattern.js';

/** The parts of tokenizer.json this counter reads. */
interface TokenizerJson {
  truncation?: unknown;
  padding?: unknown;
  added_tokens?: Array<{ content: string; single_word?: boolean; lstrip?: boolean; rstrip?: boolean; normalized?: boolean }>;
  normalizer?: Step | null;
  pre_tokenizer?: Step | null;
  model?: {
    type?: string;
    dropout?: number | null;
    continuing_subword_prefix?: string | null;
    end_of_word_suffix?: string | null;
    byte_fallback?: boolean;
    ignore_merges?: boolean;
    vocab?: Record<string, number>;
    merges?: Array<string | [string, string]>;
  };
}

interface Step {
  type: string;
  [key: string]: unknown;
}

/** The pattern ByteLevel splits with when use_regex is true (GPT-2's). */
const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

export class BpeCounter {
  constructor(
    /** Added tokens matched on the raw text, longest first; null when there are none. */
    private readonly rawAdded: RegExp | null,
    private readonly nfc: boolean,
    /** Added tokens matched after normalization. */
    private readonly normalizedAdded: RegExp | null,
    private readonly splits: readonly RegExp[],
    private readonly model: ByteLevelBpe,
    /** Texts holding any of these code points are left to the native binding (unicodeCheck.ts). */
    private readonly nativeOnly: RegExp,
  ) {}

  /** Tokens of `text`, as encode(text, add_special_tokens = false) gives; -1 when the text must be counted natively. */
  count(text: string): number {
    text = toWellFormed(text);
    if (this.nativeOnly.test(text)) return -1;
    return this.rawAdded ? splitOut(this.rawAdded, text, (gap) => this.normalized(gap)) : this.normalized(text);
  }

  private normalized(text: string): number {
    if (this.nfc) text = text.normalize('NFC');
    return this.normalizedAdded ? splitOut(this.normalizedAdded, text, (gap) => this.pieces(gap, 0)) : this.pieces(text, 0);
  }

  /** Tokens of `text` cut by the splits from `stage` on. */
  private pieces(text: string, stage: number): number {
    if (stage === this.splits.length) return this.model.count(text);
    const next = (piece: string): number => this.pieces(piece, stage + 1);
    return cut(this.splits[stage]!, text, next, next);
  }
}

/** One token per match of `added`, plus `rest` of each gap. */
function splitOut(added: RegExp, text: string, rest: (gap: string) => number): number {
  return cut(added, text, () => 1, rest);
}

/** The sum of `match` over the matches of `re` in `text` and of `gap` over the non-empty text between them. */
function cut(re: RegExp, text: string, match: (m: string) => number, gap: (g: string) => number): number {
  let total = 0;
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const at = m.index;
    const end = re.lastIndex;
    if (end === at) {
      // An empty match cuts nothing; step over one character, as the Rust iterator does.
      re.lastIndex = at + (text.codePointAt(at)! > 0xffff ? 2 : 1);
      continue;
    }
    if (at > last) total += gap(text.slice(last, at));
    total += match(m[0]);
    last = end;
    // The callbacks may have run other patterns; this one resumes where it stopped.
    re.lastIndex = end;
  }
  if (last < text.length) total += gap(last === 0 ? text : text.slice(last));
  return total;
}

/** Leftmost-longest alternation of literal strings (the library's Aho-Corasick match kind). */
function alternation(contents: string[]): RegExp | null {
  if (contents.length === 0) return null;
  const sorted = [...new Set(contents)].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map((c) => literalPattern(c).regex.source).join('|'), 'gu');
}

const unsupported = (why: string): never => {
  throw new Unsupported(why);
};

function isIdentityNormalizer(n: Step | null | undefined): boolean {
  return n == null || (n.type === 'Sequence' && Array.isArray(n['normalizers']) && (n['normalizers'] as Step[]).every(isIdentityNormalizer));
}

/** none | NFC | Sequence of those. Returns whether text is put in NFC. */
function normalizerForm(n: Step | null | undefined): boolean {
  if (isIdentityNormalizer(n)) return false;
  if (n!.type === 'NFC') return true;
  if (n!.type === 'Sequence' && Array.isArray(n!['normalizers'])) {
    const parts = (n!['normalizers'] as Step[]).filter((p) => !isIdentityNormalizer(p));
    if (parts.every((p) => p.type === 'NFC')) return true;
  }
  return unsupported(`the normalizer ${JSON.stringify(n).slice(0, 120)}`);
}

/** The Split patterns applied in order, ending with a ByteLevel step. */
function splitPatterns(pre: Step | null | undefined): CompiledPattern[] {
  if (!pre) return unsupported('a tokenizer without a pre-tokenizer');
  const steps = pre.type === 'Sequence' ? ((pre['pretokenizers'] as Step[] | undefined) ?? []) : [pre];
  const last = steps.at(-1);
  if (!last || last.type !== 'ByteLevel') unsupported('a pre-tokenizer that does not end with ByteLevel');
  if (last!['add_prefix_space']) unsupported('ByteLevel with add_prefix_space');
  const patterns: CompiledPattern[] = [];
  for (const step of steps.slice(0, -1)) {
    if (step.type !== 'Split') unsupported(`the pre-tokenizer ${step.type}`);
    if (step['behavior'] !== 'Isolated' || step['invert']) unsupported(`Split with behavior ${String(step['behavior'])}${step['invert'] ? ', inverted' : ''}`);
    const pattern = step['pattern'] as { Regex?: string; String?: string } | undefined;
    if (typeof pattern?.Regex === 'string') patterns.push(compilePattern(pattern.Regex));
    else if (typeof pattern?.String === 'string') patterns.push(literalPattern(pattern.String));
    else unsupported('a Split without a pattern');
  }
  if (last!['use_regex'] !== false) patterns.push(compilePattern(GPT2_PATTERN));
  return patterns;
}

function bpeModel(model: TokenizerJson['model']): ByteLevelBpe {
  if (!model || model.type !== 'BPE') return unsupported(`the model ${model?.type ?? '(none)'}`);
  if (model.dropout) unsupported('BPE dropout');
  if (model.continuing_subword_prefix || model.end_of_word_suffix) unsupported('BPE subword prefixes or suffixes');
  if (model.byte_fallback) unsupported('BPE byte fallback');
  const vocab = new Set(Object.keys(model.vocab ?? {}));
  // Every byte is a symbol of its own before merging: all 256 must be tokens.
  if (!BYTE_CHARS.every((c) => vocab.has(c))) unsupported('a byte-level vocabulary missing some of the 256 byte symbols');
  const ranks = new Map<string, number>();
  const merges = model.merges ?? [];
  for (let r = 0; r < merges.length; r++) {
    const m = merges[r]!;
    const pair = typeof m === 'string' ? m.split(' ') : m;
    if (pair.length !== 2 || !vocab.has(pair[0]! + pair[1]!)) unsupported(`the merge ${JSON.stringify(m)}`);
    const key = `${pair[0]} ${pair[1]}`;
    // The first (lowest) rank of a pair listed twice wins.
    if (!ranks.has(key)) ranks.set(key, r);
  }
  return new ByteLevelBpe(vocab, ranks, model.ignore_merges === true);
}

/** Builds the counter for a parsed tokenizer.json; throws Unsupported when its pipeline is outside the form above. */
export function compileBpeCounter(json: TokenizerJson): BpeCounter {
  if (json.truncation != null) unsupported('truncation');
  if (json.padding != null) unsupported('padding');
  const nfc = normalizerForm(json.normalizer);
  const raw: string[] = [];
  const normalized: string[] = [];
  for (const t of json.added_tokens ?? []) {
    if (t.single_word || t.lstrip || t.rstrip) unsupported(`the added token ${JSON.stringify(t.content)} (single_word/lstrip/rstrip)`);
    if (t.content === '') continue;
    if (t.normalized && nfc) unsupported(`the normalized added token ${JSON.stringify(t.content)} with NFC`);
    (t.normalized ? normalized : raw).push(t.content);
  }
  const splits = splitPatterns(json.pre_tokenizer);
  const classes = splits.flatMap((p) => [...p.classes]);
  if (nfc) classes.push(NFC);
  return new BpeCounter(alternation(raw), nfc, alternation(normalized), splits.map((p) => p.regex), bpeModel(json.model), nativeOnlyCodePoints(classes));
}
