// Count a batch of tokenization inputs in order. Runs wherever a tokenizer is
// loaded: inside pool workers, or in-process with --workers 0.
import type { CountableInput } from './inputs.js';
import type { TextCounter } from './textCounter.js';

/** Per-input count, or NOT_COUNTED when the input could not be counted. */
export const NOT_COUNTED = -1;

export interface BatchCounts {
  counts: Int32Array;
  /** Why inputs were not counted, or counted through a fallback: reason -> occurrences. */
  notes: Record<string, number>;
}

export async function countBatch(inputs: readonly CountableInput[], text: TextCounter): Promise<BatchCounts> {
  const counts = new Int32Array(inputs.length).fill(NOT_COUNTED);
  const notes: Record<string, number> = {};
  const textIdx: number[] = [];
  const texts: string[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    if (input.kind === 'text') {
      textIdx.push(i);
      texts.push(input.text);
    } else {
      notes['chat template not supported yet'] = (notes['chat template not supported yet'] ?? 0) + 1;
    }
  }
  const textCounts = await text.countTexts(texts);
  for (let j = 0; j < textIdx.length; j++) counts[textIdx[j]!] = textCounts[j]!;
  return { counts, notes };
}
