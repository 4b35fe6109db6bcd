// Plain-text token counting over a tokenizer.json, add_special_tokens = false.
// Two backends: the native Rust binding (`tokenizers`, the reference's own
// library, default) and the pure-JS Tokenizers.js (`--tokenizer-backend js`).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export type TokenizerBackend = 'native' | 'js';

export interface TextCounter {
  readonly backend: TokenizerBackend;
  /** Token counts for each text, in order. */
  countTexts(texts: readonly string[]): Promise<number[]>;
}

const require = createRequire(import.meta.url);

interface NativeEncoding {
  getLength(): number;
}
interface NativeTokenizer {
  encodeBatch(texts: string[], options: { addSpecialTokens: boolean }): Promise<NativeEncoding[]>;
}

class NativeTextCounter implements TextCounter {
  readonly backend = 'native' as const;
  constructor(private readonly tokenizer: NativeTokenizer) {}

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

class JsTextCounter implements TextCounter {
  readonly backend = 'js' as const;
  constructor(private readonly tokenizer: JsTokenizer) {}

  async countTexts(texts: readonly string[]): Promise<number[]> {
    // toWellFormed: the native binding receives lone surrogates as U+FFFD
    // (napi converts strings to UTF-8); do the same so both backends agree.
    return texts.map((t) => this.tokenizer.encode(toWellFormed(t), { add_special_tokens: false }).ids.length);
  }
}

function toWellFormed(text: string): string {
  const s = text as string & { toWellFormed?: () => string };
  if (typeof s.toWellFormed === 'function') return s.toWellFormed();
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * Load a counter for `tokenizerJsonPath`. `tokenizerConfigPath` (tokenizer_config.json)
 * is only needed by the JS backend, which reads special-token settings from it.
 */
export async function loadTextCounter(
  backend: TokenizerBackend,
  tokenizerJsonPath: string,
  tokenizerConfigPath: string | null,
): Promise<TextCounter> {
  if (backend === 'native') {
    const { Tokenizer } = require('tokenizers') as { Tokenizer: { fromFile(p: string): NativeTokenizer } };
    return new NativeTextCounter(Tokenizer.fromFile(tokenizerJsonPath));
  }
  const { Tokenizer } = (await import('@huggingface/tokenizers')) as unknown as {
    Tokenizer: new (json: object, config: object) => JsTokenizer;
  };
  const json = JSON.parse(readFileSync(tokenizerJsonPath, 'utf8')) as object;
  const config = tokenizerConfigPath ? (JSON.parse(readFileSync(tokenizerConfigPath, 'utf8')) as object) : {};
  return new JsTextCounter(new Tokenizer(json, config));
}
