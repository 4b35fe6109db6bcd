// What counts tokens, as every stage sees it: a text counter (one backend over
// a tokenizer.json) and a batch counter (countable inputs in, counts out in
// order, wherever the counting runs: in-process or in the worker pool).
import type { CountableInput } from './inputs.js';

export type TokenizerBackend = 'bpe' | 'native' | 'js';
export type BackendChoice = TokenizerBackend | 'auto';
/** The counter a run used, and why `auto` did not pick bpe (for the manifest). */
export interface BackendInUse {
  used: TokenizerBackend;
  fallback: string | null;
}

export interface TextCounter {
  readonly backend: TokenizerBackend;
  /** Why `auto` did not pick bpe (null when it did, or was not asked). */
  readonly fallback: string | null;
  /**
   * Token counts for each text, in order. `suffixOf[i] = j` (j < i; -1 for none)
   * says texts[i] is a proper suffix of texts[j], which a counter may use to
   * count it faster; the counts are the same.
   */
  countTexts(texts: readonly string[], suffixOf?: Int32Array): Promise<number[]>;
}

export function backendInUse(counter: TextCounter): BackendInUse {
  return { used: counter.backend, fallback: counter.fallback };
}

/** Per-input count, or NOT_COUNTED when the input could not be counted. */
export const NOT_COUNTED = -1;

export interface BatchCounts {
  counts: Int32Array;
  /** Why inputs were not counted, or were counted through a fallback: reason -> occurrences. */
  notes: Record<string, number>;
}

export interface BatchCounter {
  count(inputs: CountableInput[]): Promise<BatchCounts>;
  /** The text counter in use once loaded, and why `auto` did not pick bpe. */
  readonly backend?: BackendInUse | null;
}
