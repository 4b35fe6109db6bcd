// Count a batch of tokenization inputs in order. Runs wherever a tokenizer is
// loaded: inside pool workers, or in-process with --workers 0. Every text of a
// batch (plain, rendered, or fallback) goes to the tokenizer in one call.
import type { ChatTemplate, CountPlan } from './chatTemplate.js';
import type { CountableInput } from './inputs.js';
import type { TextCounter } from './textCounter.js';

/** Per-input count, or NOT_COUNTED when the input could not be counted. */
export const NOT_COUNTED = -1;

export interface BatchCounts {
  counts: Int32Array;
  /** Why inputs were not counted, or were counted through a fallback: reason -> occurrences. */
  notes: Record<string, number>;
}

export async function countBatch(inputs: readonly CountableInput[], text: TextCounter, chat: ChatTemplate): Promise<BatchCounts> {
  const notes: Record<string, number> = {};
  const note = (reason: string): void => {
    notes[reason] = (notes[reason] ?? 0) + 1;
  };
  const texts: string[] = new Array(inputs.length);
  const subtract = new Int32Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    if (input.kind === 'text') {
      texts[i] = input.text;
      continue;
    }
    const plan: CountPlan = input.kind === 'message' ? chat.planMessage(input) : chat.planPrompt(input);
    if ('fallback' in plan) note(plan.fallback);
    texts[i] = plan.text;
    subtract[i] = plan.subtract;
  }
  const raw = await text.countTexts(texts);
  const counts = new Int32Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) counts[i] = Math.max(0, raw[i]! - subtract[i]!);
  return { counts, notes };
}
