// replay's own token counter for BPE tokenizers: the same count as the Rust
// binding's encode(text, add_special_tokens = false).getLength(), without
// building an encoding. Two forms:
//   byte-level   GPT-2 style (Llama 3, Qwen, DeepSeek, gpt-oss): Split regexes
//                then ByteLevel, each piece's UTF-8 bytes merged;
//   characters   SentencePiece style (Llama 2, Gemma): a Prepend/Replace
//                normalizer, no ByteLevel, each piece's characters merged, with
//                byte fallback (<0xXX> tokens) or the unknown token for
//                characters that are no token.
// It follows the library's pipeline step by step:
//   1. added tokens that are not normalized are split out of the raw text (one token each);
//   2. each rest is normalized (steps.ts), and normalized added tokens are split out;
//   3. each Split pre-tokenizer cuts every piece further;
//   4. each final piece is one BPE word.
// compileBpeCounter throws Unsupported for any tokenizer.json outside this form
// (another model, normalizer or pre-tokenizer, truncation, stripping added
// tokens, ...); callers then count with the native binding.
import { BpeModel, BYTE_CHARS, byteLevelAlphabet, charAlphabet, MergeTable } from './model.js';
import { toWellFormed } from '../wellFormed.js';
import { compilePattern, literalPattern, Unsupported } from './pattern.js';
import { compileNormalizer, cut, nextMatch, spans, splitBy, splitStages, suffixLocal, type SplitStage, type Step } from './steps.js';
import { NFC, nativeOnlyCodePoints, type CodePointClass } from './unicodeCheck.js';

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
    unk_token?: string | null;
    fuse_unk?: boolean;
    continuing_subword_prefix?: string | null;
    end_of_word_suffix?: string | null;
    byte_fallback?: boolean;
    ignore_merges?: boolean;
    vocab?: Record<string, number>;
    merges?: Array<string | [string, string]>;
  };
}

/** The pattern ByteLevel splits with when use_regex is true (GPT-2's). */
const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
/** SentencePiece's word-boundary mark (the space, after its normalizer). */
const MARK = '\u2581';

export class BpeCounter {
  constructor(
    /** Added tokens matched on the raw text, longest first; null when there are none. */
    private readonly rawAdded: RegExp | null,
    private readonly normalize: ((text: string) => string) | null,
    /** Added tokens matched after normalization. */
    private readonly normalizedAdded: RegExp | null,
    private readonly stages: readonly SplitStage[],
    private readonly model: BpeModel,
    /** Texts holding any of these code points are left to the native binding (unicodeCheck.ts); null: none need it. */
    private readonly nativeOnly: CodePointClass | null,
    /** Characters after which a word may be cut before MARK without changing its count (see wordCuts); null: never cut. */
    private readonly cutsBeforeMark: ReadonlySet<string> | null,
  ) {
    this.pairs = normalize === null && stages.length > 0 && stages.every((st) => st.behavior === 'Isolated' || st.behavior === 'Removed') && stages.every((st) => suffixLocal(st.pattern.regex.source));
  }

  /** Whether countPair may read a suffix's count off its text's pieces: every piece of the pipeline is cut by position-free rules. */
  private readonly pairs: boolean;

  /** Tokens of `text`, as encode(text, add_special_tokens = false) gives; -1 when the text must be counted natively. */
  count(text: string): number {
    text = toWellFormed(text);
    if (this.nativeOnly?.test(text)) return -1;
    return this.rawAdded ? splitOut(this.rawAdded, text, (gap) => this.normalized(gap)) : this.normalized(text);
  }

  /**
   * [count(text), count(text.slice(from))]: a TPOT input is its output after the
   * first chunk. Both texts' Split stages cut the shared part alike from the
   * first position where both find a match (suffixLocal), so the suffix's count
   * is its own pieces up to there plus the text's pieces from there, and only
   * the pieces before that point are counted twice. Where that does not hold
   * (a normalizer, added tokens or characters for the native binding in the
   * text, a cut inside a surrogate pair) both are counted in full.
   */
  countPair(text: string, from: number): [number, number] {
    if (!this.pairs || from <= 0 || from >= text.length || !this.pairable(text, from)) return [this.count(text), this.count(text.slice(from))];
    return this.piecePair(text, from, 0);
  }

  private pairable(text: string, from: number): boolean {
    const c = text.charCodeAt(from);
    if (c >= 0xdc00 && c <= 0xdfff) return false;
    if (toWellFormed(text) !== text || this.nativeOnly?.test(text)) return false;
    return !matches(this.rawAdded, text) && !matches(this.normalizedAdded, text);
  }

  /** countPair's two counts of `text`'s pieces from `stage` on. */
  private piecePair(text: string, from: number, stage: number): [number, number] {
    if (stage === this.stages.length) return [this.final(text), this.final(text.slice(from))];
    const { pattern, behavior } = this.stages[stage]!;
    const re = pattern.regex;
    const count = (start: number, end: number, isMatch: boolean): number => (isMatch && behavior === 'Removed' ? 0 : this.pieces(text.slice(start, end), stage + 1));
    const t = spans(re, text);
    const n = t.length / 3;
    let k = 0;
    while (t[3 * k + 1]! <= from) k++;
    const counts = new Array<number>(n);
    for (let i = 0; i < n; i++) if (i !== k) counts[i] = count(t[3 * i]!, t[3 * i + 1]!, t[3 * i + 2] === 1);
    const kStart = t[3 * k]!;
    const kEnd = t[3 * k + 1]!;
    const kMatch = t[3 * k + 2] === 1;
    // rest = head + the text's pieces from `tail` on.
    let head = 0;
    let tail = n;
    if (kStart === from) {
      counts[k] = count(kStart, kEnd, kMatch);
      tail = k;
    } else if (!kMatch) {
      // Inside a gap no match starts, so the suffix's first piece is the gap's rest and the text's pieces follow.
      [counts[k], head] = this.piecePair(text.slice(kStart, kEnd), from - kStart, stage + 1);
      tail = k + 1;
    } else {
      counts[k] = count(kStart, kEnd, true);
      // Inside a match: the suffix's own pieces, until one of its matches starts where one of the text's does.
      let last = from;
      let j = k + 1;
      re.lastIndex = from;
      for (let m = nextMatch(re, text); m !== null; m = nextMatch(re, text)) {
        const at = m.index;
        const end = re.lastIndex;
        if (at > last) head += count(last, at, false);
        last = at;
        while (j < n && t[3 * j]! < at) j++;
        if (j < n && t[3 * j] === at && t[3 * j + 2] === 1) {
          tail = j;
          break;
        }
        head += count(at, end, true);
        last = end;
        re.lastIndex = end;
      }
      if (tail === n && last < text.length) head += count(last, text.length, false);
    }
    let full = 0;
    let rest = head;
    for (let i = 0; i < n; i++) {
      full += counts[i]!;
      if (i >= tail) rest += counts[i]!;
    }
    return [full, rest];
  }

  /** A final piece's tokens. */
  private final(text: string): number {
    return this.cutsBeforeMark ? this.words(text) : this.model.count(text);
  }

  private normalized(text: string): number {
    if (this.normalize) text = this.normalize(text);
    return this.normalizedAdded ? splitOut(this.normalizedAdded, text, (gap) => this.pieces(gap, 0)) : this.pieces(text, 0);
  }

  /** Tokens of `text` cut by the splits from `stage` on. */
  private pieces(text: string, stage: number): number {
    if (stage === this.stages.length) return this.final(text);
    return splitBy(this.stages[stage]!, text, (piece) => this.pieces(piece, stage + 1));
  }

  /** A final piece counted as the words it falls into at the safe cuts before MARK. */
  private words(text: string): number {
    let total = 0;
    let from = 0;
    for (let at = text.indexOf(MARK, 1); at > 0; at = text.indexOf(MARK, at + 1)) {
      const before = text.charCodeAt(at - 1);
      // A surrogate pair before the mark is never cut after (its half is no token).
      if (before >= 0xd800 && before <= 0xdfff) continue;
      if (!this.cutsBeforeMark!.has(text[at - 1]!)) continue;
      total += this.model.count(text.slice(from, at));
      from = at;
    }
    return total + this.model.count(from === 0 ? text : text.slice(from));
  }
}

/** Whether `re` (global) matches anywhere in `text`. */
function matches(re: RegExp | null, text: string): boolean {
  if (re === null) return false;
  re.lastIndex = 0;
  const found = re.test(text);
  re.lastIndex = 0;
  return found;
}

/** One token per match of `added`, plus `rest` of each gap. */
function splitOut(added: RegExp, text: string, rest: (gap: string) => number): number {
  return cut(added, text, () => 1, rest);
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

/**
 * The merges as flat [left id, right id, merged id] triples, in rank order, and
 * (`withPairs`) as their two strings; throws Unsupported where the library would
 * refuse to load them. A worker runs this for every merge of its tokenizer at
 * start (~128k for DeepSeek-V3): one string search and two slices a merge.
 */
function mergeList(model: NonNullable<TokenizerJson['model']>, vocab: ReadonlyMap<string, number>, withPairs: boolean): { ids: Int32Array; pairs: Array<[string, string]> } {
  const merges = model.merges ?? [];
  const ids = new Int32Array(3 * merges.length);
  const pairs: Array<[string, string]> = [];
  for (let k = 0; k < merges.length; k++) {
    const m = merges[k];
    let left: string | undefined;
    let right: string | undefined;
    if (typeof m === 'string') {
      const space = m.indexOf(' ');
      // Exactly one space: "a b c" is not a merge.
      if (space >= 0 && m.indexOf(' ', space + 1) < 0) {
        left = m.slice(0, space);
        right = m.slice(space + 1);
      }
    } else if (Array.isArray(m) && m.length === 2) {
      left = m[0];
      right = m[1];
    }
    const l = left === undefined ? undefined : vocab.get(left);
    const r = right === undefined ? undefined : vocab.get(right);
    const merged = l === undefined || r === undefined ? undefined : vocab.get(left! + right!);
    if (merged === undefined) return unsupported(`the merge ${JSON.stringify(m)}`);
    ids[3 * k] = l!;
    ids[3 * k + 1] = r!;
    ids[3 * k + 2] = merged;
    if (withPairs) pairs.push([left!, right!]);
  }
  return { ids, pairs };
}

function checkModel(model: TokenizerJson['model']): NonNullable<TokenizerJson['model']> {
  if (!model || model.type !== 'BPE') return unsupported(`the model ${model?.type ?? '(none)'}`);
  if (model.dropout) unsupported('BPE dropout');
  if (model.continuing_subword_prefix || model.end_of_word_suffix) unsupported('BPE subword prefixes or suffixes');
  return model;
}

function vocabOf(model: NonNullable<TokenizerJson['model']>): Map<string, number> {
  const vocab = new Map<string, number>();
  const entries = model.vocab ?? {};
  for (const token of Object.keys(entries)) vocab.set(token, entries[token]!);
  return vocab;
}

function byteLevelModel(model: NonNullable<TokenizerJson['model']>): BpeModel {
  const vocab = vocabOf(model);
  // Every byte is a symbol of its own before merging: all 256 must be tokens (so byte fallback and the unknown token never apply).
  if (!BYTE_CHARS.every((c) => vocab.has(c))) unsupported('a byte-level vocabulary missing some of the 256 byte symbols');
  return new BpeModel(vocab, new MergeTable(mergeList(model, vocab, false).ids), model.ignore_merges === true, byteLevelAlphabet(vocab));
}

function charModel(model: NonNullable<TokenizerJson['model']>): { model: BpeModel; cuts: Set<string> | null } {
  const vocab = vocabOf(model);
  const unk = model.unk_token ?? null;
  // The library fails to encode a text needing an unknown token that is not in the vocabulary.
  if (unk !== null && !vocab.has(unk)) unsupported(`an unknown token ${JSON.stringify(unk)} missing from the vocabulary`);
  const { ids, pairs } = mergeList(model, vocab, true);
  const alphabet = charAlphabet(vocab, { byteFallback: model.byte_fallback === true, unk, fuseUnk: model.fuse_unk === true });
  const ignoreMerges = model.ignore_merges === true;
  return { model: new BpeModel(vocab, new MergeTable(ids), ignoreMerges, alphabet), cuts: ignoreMerges ? null : wordCuts(vocab, pairs) };
}

/**
 * The characters c such that a word may be cut between c and a following MARK:
 * c is a token (so its symbol is c itself, never a byte-fallback or unknown
 * token) and no merge joins a symbol ending in c to one starting with MARK.
 * Merges only ever join neighbours, and a merged symbol's text starts and ends
 * with its first and last characters', so no merge ever crosses such a cut:
 * the word's merges are those of its two sides, and its count their sum. (Not
 * with ignore_merges, whose whole-word lookup the cut would bypass.)
 */
function wordCuts(vocab: ReadonlyMap<string, number>, pairs: ReadonlyArray<[string, string]>): Set<string> | null {
  // The argument is about token strings; merges go by ids, which must then name one string each.
  if (!vocab.has(MARK) || new Set(vocab.values()).size !== vocab.size) return null;
  const joined = new Set<string>();
  for (const [left, right] of pairs) if (right.startsWith(MARK)) joined.add(lastChar(left));
  const cuts = new Set<string>();
  for (const t of vocab.keys()) if (t.length === 1 && !isSurrogate(t) && !joined.has(t)) cuts.add(t);
  return cuts;
}

/** The last code point of `s`, as a string. */
const lastChar = (s: string): string => (s.length > 1 && isSurrogate(s.slice(-1)) ? s.slice(-2) : s.slice(-1));
const isSurrogate = (t: string): boolean => t.charCodeAt(0) >= 0xd800 && t.charCodeAt(0) <= 0xdfff;

/** Builds the counter for a parsed tokenizer.json; throws Unsupported when its pipeline is outside the forms above. */
export function compileBpeCounter(json: TokenizerJson): BpeCounter {
  if (json.truncation != null) unsupported('truncation');
  if (json.padding != null) unsupported('padding');
  const normalizer = compileNormalizer(json.normalizer);
  const raw: string[] = [];
  const normalized: string[] = [];
  for (const t of json.added_tokens ?? []) {
    if (t.single_word || t.lstrip || t.rstrip) unsupported(`the added token ${JSON.stringify(t.content)} (single_word/lstrip/rstrip)`);
    if (t.content === '') continue;
    if (!t.normalized) {
      raw.push(t.content);
      continue;
    }
    if (normalizer.nfc) unsupported(`the normalized added token ${JSON.stringify(t.content)} with NFC`);
    // The library matches a normalized token by its own content normalized (e.g. "<s>" as "▁<s>" after Prepend).
    const spelled = normalizer.apply ? normalizer.apply(t.content) : t.content;
    if (spelled === '') unsupported(`the normalized added token ${JSON.stringify(t.content)}, empty once normalized`);
    normalized.push(spelled);
  }
  const { stages, byteLevel } = splitStages(json.pre_tokenizer);
  const model = checkModel(json.model);
  let bpe: BpeModel;
  let cuts: Set<string> | null = null;
  if (byteLevel) {
    if (byteLevel['add_prefix_space']) unsupported('ByteLevel with add_prefix_space');
    if (byteLevel['use_regex'] !== false) stages.push({ pattern: compilePattern(GPT2_PATTERN), behavior: 'Isolated' });
    bpe = byteLevelModel(model);
  } else {
    ({ model: bpe, cuts } = charModel(model));
  }
  const classes = stages.flatMap((s) => [...s.pattern.classes]);
  if (normalizer.nfc) classes.push(NFC);
  // Byte-level counting always splits with Unicode classes; the character form may use none, and then no Unicode table matters.
  const nativeOnly = byteLevel || classes.length > 0 ? nativeOnlyCodePoints(classes) : null;
  return new BpeCounter(alternation(raw), normalizer.apply, alternation(normalized), stages, bpe, nativeOnly, cuts);
}
