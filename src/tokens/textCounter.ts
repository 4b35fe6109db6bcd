// Plain-text token counting over a tokenizer.json, add_special_tokens = false.
// Three backends:
//   bpe     replay's own byte-level BPE counter (src/tokens/bpe), the same counts
//           as the native binding several times faster; texts it cannot vouch for
//           (characters the two Unicode tables disagree on) go to the native binding;
//   native  the Rust binding (`tokenizers`, the reference's own library);
//   js      the pure-JS Tokenizers.js.
// `auto` (the default) is bpe when the tokenizer is in the form it supports, else native.
import { readBoundedText } from '../base/files.js';
import { createRequire } from 'node:module';
import { checkTokenizerBounds } from './bounds.js';
import { compileBpeCounter, Unsupported, type BpeCounter } from './bpe/counter.js';
import { toWellFormed } from './wellFormed.js';
import type { BackendChoice, TextCounter } from '../model/counting.js';

const require = createRequire(import.meta.url);

interface NativeEncoding {
  getLength(): number;
}
interface NativeTokenizer {
  encodeBatch(texts: string[], options: { addSpecialTokens: boolean }): Promise<NativeEncoding[]>;
}

class NativeTextCounter implements TextCounter {
  readonly backend = 'native' as const;
  constructor(
    private readonly tokenizer: NativeTokenizer,
    readonly fallback: string | null = null,
  ) {}

  async countTexts(texts: readonly string[]): Promise<number[]> {
    if (texts.length === 0) return [];
    const encodings = await this.tokenizer.encodeBatch(texts as string[], { addSpecialTokens: false });
    // Read the length and drop the native objects at once: they hold the ids,
    // offsets and masks, and are freed late by the GC.
    const counts = new Array<number>(encodings.length);
    for (let i = 0; i < encodings.length; i++) counts[i] = encodings[i]!.getLength();
    encodings.length = 0;
    return counts;
  }
}

interface JsTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] };
}

class BpeTextCounter implements TextCounter {
  readonly backend = 'bpe' as const;
  readonly fallback = null;
  private native: NativeTextCounter | null = null;
  constructor(
    private readonly bpe: BpeCounter,
    private readonly tokenizerJsonPath: string,
  ) {}

  async countTexts(texts: readonly string[], suffixOf?: Int32Array): Promise<number[]> {
    const counts = new Array<number>(texts.length);
    // partner[j] = i: texts[i] is a suffix of texts[j], and both are counted at j (a text is in one pair at most).
    const partner = new Int32Array(texts.length).fill(-1);
    const paired = new Uint8Array(texts.length);
    for (let i = 0; suffixOf && i < texts.length; i++) {
      const j = suffixOf[i]!;
      if (j >= 0 && j < i && partner[j]! < 0 && !paired[j]) {
        partner[j] = i;
        paired[i] = paired[j] = 1;
      }
    }
    const left: number[] = [];
    for (let i = 0; i < texts.length; i++) {
      if (paired[i] && partner[i]! < 0) {
        if (counts[i]! < 0) left.push(i);
        continue;
      }
      const p = partner[i]!;
      if (p >= 0) [counts[i], counts[p]] = this.bpe.countPair(texts[i]!, texts[i]!.length - texts[p]!.length);
      else counts[i] = this.bpe.count(texts[i]!);
      if (counts[i]! < 0) left.push(i);
    }
    if (left.length > 0) {
      // Loaded the first time a text needs it: most runs never do.
      this.native ??= loadNative(this.tokenizerJsonPath, null);
      const native = await this.native.countTexts(left.map((i) => texts[i]!));
      for (let k = 0; k < left.length; k++) counts[left[k]!] = native[k]!;
    }
    return counts;
  }
}

function loadNative(tokenizerJsonPath: string, fallback: string | null): NativeTextCounter {
  const { Tokenizer } = require('tokenizers') as { Tokenizer: { fromFile(p: string): NativeTokenizer } };
  return new NativeTextCounter(Tokenizer.fromFile(tokenizerJsonPath), fallback);
}

class JsTextCounter implements TextCounter {
  readonly backend = 'js' as const;
  readonly fallback = null;
  constructor(private readonly tokenizer: JsTokenizer) {}

  async countTexts(texts: readonly string[]): Promise<number[]> {
    return texts.map((t) => this.tokenizer.encode(toWellFormed(t), { add_special_tokens: false }).ids.length);
  }
}

/**
 * Load a counter for `tokenizerJsonPath`. `tokenizerConfigPath` (tokenizer_config.json)
 * is only needed by the JS backend, which reads special-token settings from it.
 */
export async function loadTextCounter(
  backend: BackendChoice,
  tokenizerJsonPath: string,
  tokenizerConfigPath: string | null,
): Promise<TextCounter> {
  // A tokenizer far larger than any real one is refused before a backend allocates for it.
  checkTokenizerBounds(tokenizerJsonPath);
  if (backend === 'native') return loadNative(tokenizerJsonPath, null);
  if (backend === 'bpe' || backend === 'auto') {
    try {
      const json = JSON.parse(readBoundedText(tokenizerJsonPath, 'tokenizer.json')) as Parameters<typeof compileBpeCounter>[0];
      return new BpeTextCounter(compileBpeCounter(json), tokenizerJsonPath);
    } catch (err) {
      if (!(err instanceof Unsupported)) throw err;
      if (backend === 'bpe') throw new Error(`--tokenizer-backend bpe cannot count with ${tokenizerJsonPath}: ${err.message}`);
      return loadNative(tokenizerJsonPath, `bpe cannot count this tokenizer: ${err.message}`);
    }
  }
  const { Tokenizer } = (await import('@huggingface/tokenizers')) as unknown as {
    Tokenizer: new (json: object, config: object) => JsTokenizer;
  };
  const json = JSON.parse(readBoundedText(tokenizerJsonPath, 'tokenizer.json')) as object;
  const config = tokenizerConfigPath ? (JSON.parse(readBoundedText(tokenizerConfigPath, 'tokenizer_config.json')) as object) : {};
  return new JsTextCounter(new Tokenizer(json, config));
}
