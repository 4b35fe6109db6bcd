// BPE, counting only. A word becomes its initial symbols through the model's
// alphabet — byte-level (GPT-2's bytes_to_unicode: every UTF-8 byte one symbol)
// or characters (SentencePiece style: each character that is a token, else its
// bytes as <0xXX> tokens with byte fallback, else the unknown token) — then
// merges apply lowest rank first, leftmost among equal ranks — the order the
// Rust library's merge queue pops them in — and the count is the number of
// symbols left. No ids, offsets or token strings are built, and counts of words
// seen before are cached.

/** GPT-2's byte -> character table: printable bytes map to themselves, the rest to U+0100 onwards. */
export const BYTE_CHARS: readonly string[] = (() => {
  const chars = new Array<string>(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    chars[b] = String.fromCharCode(printable ? b : next++);
  }
  return chars;
})();

/** Words whose counts are kept; the cache starts over when full. */
const CACHE_WORDS = 1 << 18;
/** Longer words are not cached: a pasted blob would only fill the cache with one-off keys. */
const CACHE_WORD_CHARS = 256;
/** Up to this many symbols a word is merged by scanning for the lowest rank (quadratic, fast when short); longer ones through a heap. */
const SCAN_SYMBOLS = 64;

/** How a word becomes the model's initial symbols, and how the vocabulary spells the whole word. */
export interface Alphabet {
  symbols(word: string): string[];
  /** The word as a vocabulary entry (what ignore_merges looks up), given its symbols. */
  spelled(word: string, symbols: readonly string[]): string;
}

/** GPT-2 byte-level: each UTF-8 byte is one symbol of BYTE_CHARS. */
export const BYTE_LEVEL: Alphabet = {
  symbols(word) {
    const bytes = Buffer.from(word, 'utf8');
    const symbols = new Array<string>(bytes.length);
    for (let i = 0; i < bytes.length; i++) symbols[i] = BYTE_CHARS[bytes[i]!]!;
    return symbols;
  },
  spelled(_word, symbols) {
    return symbols.join('');
  },
};

/** The byte-fallback token of byte b, as the Rust library spells it (format!("<{b:#04X}>")). */
export const byteToken = (b: number): string => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

/**
 * Characters (Rust's merge_word): a character that is a token is one symbol; else,
 * with byte fallback and all its bytes' tokens in the vocabulary, one symbol per byte;
 * else the unknown token (consecutive ones fused into one with fuse_unk); else nothing.
 */
export function charAlphabet(vocab: ReadonlySet<string>, opts: { byteFallback: boolean; unk: string | null; fuseUnk: boolean }): Alphabet {
  const bytes = BYTE_CHARS.map((_, b) => byteToken(b));
  return {
    symbols(word) {
      const out: string[] = [];
      let unkPending = false;
      for (const ch of word) {
        if (vocab.has(ch)) {
          if (unkPending) out.push(opts.unk!);
          unkPending = false;
          out.push(ch);
          continue;
        }
        if (opts.byteFallback) {
          const b = Buffer.from(ch, 'utf8');
          let all = true;
          for (let i = 0; i < b.length && all; i++) all = vocab.has(bytes[b[i]!]!);
          if (all) {
            // The Rust loop continues here without flushing a pending unknown token: it comes after these bytes.
            for (let i = 0; i < b.length; i++) out.push(bytes[b[i]!]!);
            continue;
          }
        }
        if (opts.unk === null) continue;
        if (unkPending && !opts.fuseUnk) out.push(opts.unk);
        unkPending = true;
      }
      if (unkPending) out.push(opts.unk!);
      return out;
    },
    spelled(word) {
      return word;
    },
  };
}

export class BpeModel {
  private readonly cache = new Map<string, number>();

  constructor(
    /** Token strings of the vocabulary (in the alphabet's spelling). */
    private readonly vocab: ReadonlySet<string>,
    /** "left right" -> merge rank. */
    private readonly ranks: ReadonlyMap<string, number>,
    /** A word that is itself in the vocabulary is one token (Llama 3's ignore_merges). */
    private readonly ignoreMerges: boolean,
    private readonly alphabet: Alphabet = BYTE_LEVEL,
  ) {}

  /** Tokens of one pre-tokenized word (any non-empty string). */
  count(word: string): number {
    let n = this.cache.get(word);
    if (n === undefined) {
      n = this.merge(word);
      if (word.length > CACHE_WORD_CHARS) return n;
      if (this.cache.size >= CACHE_WORDS) this.cache.clear();
      this.cache.set(word, n);
    }
    return n;
  }

  private merge(word: string): number {
    const symbols = this.alphabet.symbols(word);
    if (this.ignoreMerges && this.vocab.has(this.alphabet.spelled(word, symbols))) return 1;
    if (symbols.length <= 1) return symbols.length;
    if (symbols.length > SCAN_SYMBOLS) return this.mergeWithHeap(symbols);
    // ranks[i]: rank of the pair (symbols[i], symbols[i + 1]), Infinity when it does not merge.
    const ranks = new Array<number>(symbols.length - 1);
    for (let i = 0; i + 1 < symbols.length; i++) ranks[i] = this.rank(symbols[i]!, symbols[i + 1]!);
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i < ranks.length; i++) {
        if (ranks[i]! < best) {
          best = ranks[i]!;
          at = i;
        }
      }
      if (at < 0) return symbols.length;
      symbols.splice(at, 2, symbols[at]! + symbols[at + 1]!);
      ranks.splice(at, 1);
      if (at > 0) ranks[at - 1] = this.rank(symbols[at - 1]!, symbols[at]!);
      if (at < ranks.length) ranks[at] = this.rank(symbols[at]!, symbols[at + 1]!);
    }
  }

  /**
   * The Rust library's own loop, for long words (n log n): candidate merges in a
   * heap by (rank, position); an entry whose pair has changed since it was
   * pushed (its left symbol was absorbed, or the pair no longer makes the same
   * token) is skipped.
   */
  private mergeWithHeap(symbols: string[]): number {
    const n = symbols.length;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const gone = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new MergeHeap();
    const offer = (at: number, right: number): void => {
      const r = this.rank(symbols[at]!, symbols[right]!);
      if (r !== Infinity) heap.push(r, at, symbols[at]! + symbols[right]!);
    };
    for (let i = 0; i + 1 < n; i++) offer(i, i + 1);
    let left = n;
    while (heap.size > 0) {
      const { at, token } = heap.pop();
      const right = next[at]!;
      if (gone[at] || right < 0 || symbols[at]! + symbols[right]! !== token) continue;
      symbols[at] = token;
      gone[right] = 1;
      left--;
      next[at] = next[right]!;
      if (next[at]! >= 0) prev[next[at]!] = at;
      if (prev[at]! >= 0) offer(prev[at]!, at);
      if (next[at]! >= 0) offer(at, next[at]!);
    }
    return left;
  }

  private rank(left: string, right: string): number {
    return this.ranks.get(`${left} ${right}`) ?? Infinity;
  }
}

/** A binary min-heap of candidate merges, by rank and then position. */
class MergeHeap {
  private readonly ranks: number[] = [];
  private readonly ats: number[] = [];
  private readonly tokens: string[] = [];

  get size(): number {
    return this.ranks.length;
  }

  push(rank: number, at: number, token: string): void {
    let i = this.ranks.length;
    this.ranks.push(rank);
    this.ats.push(at);
    this.tokens.push(token);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { at: number; token: string } {
    const top = { at: this.ats[0]!, token: this.tokens[0]! };
    const last = this.ranks.length - 1;
    this.swap(0, last);
    this.ranks.pop();
    this.ats.pop();
    this.tokens.pop();
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < last && this.less(l, least)) least = l;
      if (r < last && this.less(r, least)) least = r;
      if (least === i) break;
      this.swap(i, least);
      i = least;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    return this.ranks[a]! < this.ranks[b]! || (this.ranks[a] === this.ranks[b] && this.ats[a]! < this.ats[b]!);
  }

  private swap(a: number, b: number): void {
    [this.ranks[a], this.ranks[b]] = [this.ranks[b]!, this.ranks[a]!];
    [this.ats[a], this.ats[b]] = [this.ats[b]!, this.ats[a]!];
    [this.tokens[a], this.tokens[b]] = [this.tokens[b]!, this.tokens[a]!];
  }
}
