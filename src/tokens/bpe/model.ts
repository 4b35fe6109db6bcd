// Byte-level BPE, counting only. A word's UTF-8 bytes are mapped to the
// byte-level alphabet (GPT-2's bytes_to_unicode), then merges apply lowest rank
// first, leftmost among equal ranks — the order the Rust library's merge queue
// pops them in — and the count is the number of symbols left. No ids, offsets
// or token strings are built, and counts of words seen before are cached.

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

export class ByteLevelBpe {
  private readonly cache = new Map<string, number>();

  constructor(
    /** Token strings (byte-level alphabet) of the vocabulary. */
    private readonly vocab: ReadonlySet<string>,
    /** "left right" -> merge rank. */
    private readonly ranks: ReadonlyMap<string, number>,
    /** A word that is itself in the vocabulary is one token (Llama 3's ignore_merges). */
    private readonly ignoreMerges: boolean,
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
    const bytes = Buffer.from(word, 'utf8');
    if (bytes.length === 1) return 1;
    const symbols = new Array<string>(bytes.length);
    for (let i = 0; i < bytes.length; i++) symbols[i] = BYTE_CHARS[bytes[i]!]!;
    if (this.ignoreMerges && this.vocab.has(symbols.join(''))) return 1;
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
