// BPE, counting only. A word becomes its initial symbols (token ids) through
// the model's alphabet — byte-level (GPT-2's bytes_to_unicode: every UTF-8 byte
// one symbol) or characters (SentencePiece style: each character that is a
// token, else its bytes as <0xXX> tokens with byte fallback, else the unknown
// token) — then merges apply lowest rank first, leftmost among equal ranks —
// the order the Rust library's merge queue pops them in — and the count is the
// number of symbols left. Merges are looked up by the ids of their two sides, as
// the library's MergeMap does; no offsets or token strings are built, and counts
// of words seen before are cached.

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

/**
 * The merge rules by the ids of their two sides: each pair's rank and the id of
 * the token it makes. Open addressing over typed arrays (no allocation per lookup).
 * A pair listed twice keeps its last rank, as the library's HashMap collect does.
 */
export class MergeTable {
  private readonly lefts: Int32Array;
  private readonly rights: Int32Array;
  readonly ranks: Int32Array;
  readonly merged: Int32Array;
  private readonly mask: number;

  /** `merges`: flat [left id, right id, merged id] triples in rank order. */
  constructor(merges: Int32Array) {
    const count = merges.length / 3;
    let size = 1;
    while (size < count * 2) size <<= 1;
    this.mask = size - 1;
    this.lefts = new Int32Array(size).fill(-1);
    this.rights = new Int32Array(size);
    this.ranks = new Int32Array(size);
    this.merged = new Int32Array(size);
    for (let rank = 0; rank < count; rank++) {
      const l = merges[3 * rank]!;
      const r = merges[3 * rank + 1]!;
      const at = this.probe(l, r);
      this.lefts[at] = l;
      this.rights[at] = r;
      this.ranks[at] = rank;
      this.merged[at] = merges[3 * rank + 2]!;
    }
  }

  /** The slot of pair (left, right), or -1 when it does not merge. */
  find(left: number, right: number): number {
    const at = this.probe(left, right);
    return this.lefts[at] === -1 ? -1 : at;
  }

  private probe(left: number, right: number): number {
    let at = (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca6b)) & this.mask;
    while (this.lefts[at] !== -1 && (this.lefts[at] !== left || this.rights[at] !== right)) at = (at + 1) & this.mask;
    return at;
  }
}

/** How a word becomes the model's initial symbols, and how the vocabulary spells the whole word. */
export interface Alphabet {
  symbols(word: string): number[];
  /** The word as a vocabulary entry (what ignore_merges looks up). */
  spelled(word: string): string;
}

/** GPT-2 byte-level: each UTF-8 byte is one symbol, the token of its BYTE_CHARS character. */
export function byteLevelAlphabet(vocab: ReadonlyMap<string, number>): Alphabet {
  const ids = BYTE_CHARS.map((c) => vocab.get(c)!);
  return {
    symbols(word) {
      const bytes = Buffer.from(word, 'utf8');
      const out = new Array<number>(bytes.length);
      for (let i = 0; i < bytes.length; i++) out[i] = ids[bytes[i]!]!;
      return out;
    },
    spelled(word) {
      const bytes = Buffer.from(word, 'utf8');
      let s = '';
      for (let i = 0; i < bytes.length; i++) s += BYTE_CHARS[bytes[i]!]!;
      return s;
    },
  };
}

/** The byte-fallback token of byte b, as the Rust library spells it (format!("<{b:#04X}>")). */
export const byteToken = (b: number): string => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;

/**
 * Characters (Rust's merge_word): a character that is a token is one symbol; else,
 * with byte fallback and all its bytes' tokens in the vocabulary, one symbol per byte;
 * else the unknown token (consecutive ones fused into one with fuse_unk); else nothing.
 */
export function charAlphabet(vocab: ReadonlyMap<string, number>, opts: { byteFallback: boolean; unk: string | null; fuseUnk: boolean }): Alphabet {
  const bytes = BYTE_CHARS.map((_, b) => vocab.get(byteToken(b)) ?? -1);
  const unk = opts.unk === null ? -1 : vocab.get(opts.unk)!;
  return {
    symbols(word) {
      const out: number[] = [];
      let unkPending = false;
      for (const ch of word) {
        const id = vocab.get(ch);
        if (id !== undefined) {
          if (unkPending) out.push(unk);
          unkPending = false;
          out.push(id);
          continue;
        }
        if (opts.byteFallback) {
          const b = Buffer.from(ch, 'utf8');
          let all = true;
          for (let i = 0; i < b.length && all; i++) all = bytes[b[i]!]! >= 0;
          if (all) {
            // The Rust loop continues here without flushing a pending unknown token: it comes after these bytes.
            for (let i = 0; i < b.length; i++) out.push(bytes[b[i]!]!);
            continue;
          }
        }
        if (unk < 0) continue;
        if (unkPending && !opts.fuseUnk) out.push(unk);
        unkPending = true;
      }
      if (unkPending) out.push(unk);
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
    /** Token string -> id (in the alphabet's spelling). */
    private readonly vocab: ReadonlyMap<string, number>,
    private readonly merges: MergeTable,
    /** A word that is itself in the vocabulary is one token (Llama 3's ignore_merges). */
    private readonly ignoreMerges: boolean,
    private readonly alphabet: Alphabet,
  ) {}

  /** Tokens of one pre-tokenized word (any string). */
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
    if (this.ignoreMerges && this.vocab.has(this.alphabet.spelled(word))) return 1;
    const symbols = this.alphabet.symbols(word);
    if (symbols.length <= 1) return symbols.length;
    if (symbols.length > SCAN_SYMBOLS) return this.mergeWithHeap(symbols);
    const m = this.merges;
    // slots[i]: the merge of (symbols[i], symbols[i + 1]), -1 when the pair does not merge.
    const slots = new Array<number>(symbols.length - 1);
    for (let i = 0; i + 1 < symbols.length; i++) slots[i] = m.find(symbols[i]!, symbols[i + 1]!);
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i]!;
        if (s >= 0 && m.ranks[s]! < best) {
          best = m.ranks[s]!;
          at = i;
        }
      }
      if (at < 0) return symbols.length;
      symbols.splice(at, 2, m.merged[slots[at]!]!);
      slots.splice(at, 1);
      if (at > 0) slots[at - 1] = m.find(symbols[at - 1]!, symbols[at]!);
      if (at < slots.length) slots[at] = m.find(symbols[at]!, symbols[at + 1]!);
    }
  }

  /**
   * The Rust library's own loop, for long words (n log n): candidate merges in a
   * heap by (rank, position); an entry whose pair has changed since it was
   * pushed (its left symbol was absorbed, or the pair no longer makes the same
   * token) is skipped.
   */
  private mergeWithHeap(symbols: number[]): number {
    const n = symbols.length;
    const m = this.merges;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const gone = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new MergeHeap();
    const offer = (at: number, right: number): void => {
      const s = m.find(symbols[at]!, symbols[right]!);
      if (s >= 0) heap.push(m.ranks[s]!, at, m.merged[s]!);
    };
    for (let i = 0; i + 1 < n; i++) offer(i, i + 1);
    let left = n;
    while (heap.size > 0) {
      const { at, token } = heap.pop();
      const right = next[at]!;
      if (gone[at] || right < 0) continue;
      const s = m.find(symbols[at]!, symbols[right]!);
      if (s < 0 || m.merged[s] !== token) continue;
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
}

/** A binary min-heap of candidate merges (the token id they make), by rank and then position. */
class MergeHeap {
  private readonly ranks: number[] = [];
  private readonly ats: number[] = [];
  private readonly tokens: number[] = [];

  get size(): number {
    return this.ranks.length;
  }

  push(rank: number, at: number, token: number): void {
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

  pop(): { at: number; token: number } {
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
