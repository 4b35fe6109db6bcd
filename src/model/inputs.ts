// What a token metric asks the tokenizer to count. Mirrors the reference's
// tokenization.py variants: each names the counting operation it requires, so
// structured chat data never falls through to plain-text counting by accident.

import type { JsonObject } from './json.js';

/** Already tokenized: the count is the length. */
export interface TokenIdsInput {
  kind: 'ids';
  count: number;
}

/** Plain text counted with the tokenizer, add_special_tokens = false. */
export interface TextInput {
  kind: 'text';
  text: string;
}

/** One assistant output rendered through the chat template, minus its framing. */
export interface MessageInput {
  kind: 'message';
  content: string;
  reasoning: string | null;
  /** Merged tool calls (already merged from streamed deltas), or null. */
  toolCalls: JsonObject[] | null;
}

/** A whole chat prompt rendered through the chat template with the generation prompt. */
export interface PromptInput {
  kind: 'prompt';
  messages: JsonObject[];
  tools: JsonObject[] | null;
  chatTemplateKwargs: JsonObject | null;
  chatTemplate: string | null;
  toolChoice: string | JsonObject | null;
}

/** An input replay will not count (it says why, in a counted note): e.g. data nested too deep to render. */
export interface UncountableInput {
  kind: 'uncountable';
  note: string;
}

export type TokenizationInput = TokenIdsInput | TextInput | MessageInput | PromptInput | UncountableInput;

/** Inputs that go to a counter (everything but pre-tokenized ids). */
export type CountableInput = TextInput | MessageInput | PromptInput | UncountableInput;
