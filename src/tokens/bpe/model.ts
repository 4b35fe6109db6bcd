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
      if (this.cache.size >= CACHE_WORDS) this.cache.clear();
      this.cache.set(word, n);
    }
    return n;
  }

  private merge(word: string): number {
    const bytes = Buffer.from(word, 'utf8');
    if (bytes.length === 1) return 1;
    const symbols = new Array<string>(bytes.length);
    let whole = '';
    for (let i = 0; i < bytes.length; i++) {
      symbols[i] = BYTE_CHARS[bytes[i]!]!;
      whole += symbols[i];
    }
    if (this.ignoreMerges && this.vocab.has(whole)) return 1;
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

  private rank(left: string, right: string): number {
    return this.ranks.get(`${left} ${right}`) ?? Infinity;
  }
}
