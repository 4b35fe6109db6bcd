// Count a batch of tokenization inputs in order. Runs wherever a tokenizer is
// loaded: inside pool workers, or in-process with --workers 0. Every text of a
// batch (plain, rendered, or fallback) goes to the tokenizer in one call.
import { ChatTemplate, type CountPlan } from './chatTemplate.js';
import type { CountableInput } from '../model/inputs.js';
import { type BatchCounts, NOT_COUNTED, type TextCounter } from '../model/counting.js';

let noTemplate: ChatTemplate | null = null;

/**
 * Count `inputs`. `chat` renders messages and prompts; null means the
 * tokenizer has no chat template, where the reference's apply_chat_template
 * raises and every structured input is counted through its plain-text fallback.
 */
export async function countBatch(inputs: readonly CountableInput[], text: TextCounter, chat: ChatTemplate | null, noteOf?: Array<string | null>): Promise<BatchCounts> {
  const template = chat ?? (noTemplate ??= ChatTemplate.none());
  const notes: Record<string, number> = {};
  /** noteOf (optional): receives each input's note (at most one: an error, or a fallback), null for none. */
  const note = (reason: string, i: number): void => {
    notes[reason] = (notes[reason] ?? 0) + 1;
    if (noteOf) noteOf[i] = reason;
  };
  const texts: string[] = [];
  // An output's TPOT text is the output after its first chunk, right after it (outputParts.ts).
  const suffixOf = new Int32Array(inputs.length).fill(-1);
  const slot = new Int32Array(inputs.length).fill(-1);
  const subtract = new Int32Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    if (input.kind === 'text') {
      const previous = texts.length - 1;
      const before = texts[previous];
      slot[i] = texts.push(input.text) - 1;
      if (before !== undefined && before.length > input.text.length && before.endsWith(input.text)) suffixOf[slot[i]!] = previous;
      continue;
    }
    if (input.kind === 'uncountable') {
      note(input.note, i);
      continue;
    }
    const plan: CountPlan = input.kind === 'message' ? template.planMessage(input) : template.planPrompt(input);
    if ('error' in plan) {
      note(plan.error, i);
      continue;
    }
    if ('fallback' in plan) note(plan.fallback, i);
    slot[i] = texts.push(plan.text) - 1;
    subtract[i] = plan.subtract;
  }
  const raw = await text.countTexts(texts, suffixOf.subarray(0, texts.length));
  const counts = new Int32Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) counts[i] = slot[i]! < 0 ? NOT_COUNTED : Math.max(0, raw[slot[i]!]! - subtract[i]!);
  return { counts, notes };
}
