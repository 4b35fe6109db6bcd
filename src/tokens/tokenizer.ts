// A loaded tokenizer: the text counter plus the chat template from
// tokenizer_config.json, ready to count any batch of inputs.
import { readFileSync } from 'node:fs';
import { ChatTemplate, type ChatTemplateSource } from './chatTemplate.js';
import { countBatch } from './count.js';
import { type BackendChoice, type BatchCounts, type TextCounter } from '../model/counting.js';
import type { CountableInput } from '../model/inputs.js';
import { loadTextCounter } from './textCounter.js';

export interface LoadedTokenizer {
  text: TextCounter;
  chat: ChatTemplate;
  count(inputs: readonly CountableInput[]): Promise<BatchCounts>;
}

export async function loadTokenizer(backend: BackendChoice, tokenizerJson: string, tokenizerConfig: string | null): Promise<LoadedTokenizer> {
  const text = await loadTextCounter(backend, tokenizerJson, tokenizerConfig);
  const config = tokenizerConfig ? (JSON.parse(readFileSync(tokenizerConfig, 'utf8')) as ChatTemplateSource) : {};
  const chat = await ChatTemplate.create(config, (texts) => text.countTexts(texts));
  return { text, chat, count: (inputs) => countBatch(inputs, text, chat) };
}
