// How a completed output turns into token-counting inputs: the reference's
// TextModelOutput helpers (core/types.py) and the OSL/TPOT trigger choices.
import { Chunks, TOO_DEEP_NOTE, type OutputField, type TextModelOutput } from '../model/events.js';
import { type Json, type JsonObject, PyFloat } from '../model/json.js';
import type { MessageInput, TextInput, UncountableInput } from '../model/inputs.js';

const isChunked = (calls: Json[]): boolean => Array.isArray(calls[0]);

/** Python truthiness of an output field: non-empty string or non-empty chunk list. */
const truthy = (f: OutputField | null): boolean => f !== null && (typeof f === 'string' ? f.length > 0 : f.count > 0);

export const joined = (f: OutputField): string => (typeof f === 'string' ? f : f.text);

/** What came after the first chunk of a field streamed in more than one chunk, else null. */
const afterFirst = (f: OutputField | null): string | null => (f instanceof Chunks && f.count > 1 ? f.rest : null);

/** Streamed tool-call deltas merged by index (arguments concatenated); plain call lists pass through. */
export function mergeToolCalls(calls: Json[] | null): JsonObject[] | null {
  if (!calls || calls.length === 0) return null;
  if (!isChunked(calls)) return calls as JsonObject[];
  const merged = new Map<number, JsonObject>();
  for (const chunk of calls) {
    if (!Array.isArray(chunk)) continue;
    for (const partial of chunk) {
      if (partial === null || typeof partial !== 'object' || Array.isArray(partial) || partial instanceof PyFloat) continue;
      const idx = typeof partial['index'] === 'number' ? partial['index'] : 0;
      let call = merged.get(idx);
      if (!call) {
        call = { type: 'function', function: { arguments: '' } };
        merged.set(idx, call);
      }
      if (partial['id']) call['id'] = partial['id'];
      if (partial['type']) call['type'] = partial['type'];
      const fn = (partial['function'] || {}) as JsonObject;
      const target = call['function'] as JsonObject;
      if (fn['name']) target['name'] = fn['name'];
      if (fn['arguments']) target['arguments'] = (target['arguments'] as string) + (fn['arguments'] as string);
    }
  }
  return [...merged.keys()].sort((a, b) => a - b).map((k) => merged.get(k)!);
}

/** OSL input: the chat-template path when reasoning or tool calls are present, else the output text. */
export function oslInput(out: TextModelOutput): MessageInput | TextInput | UncountableInput | null {
  if (out.tooDeep) return { kind: 'uncountable', note: TOO_DEEP_NOTE };
  if (truthy(out.reasoning) || (out.toolCalls && out.toolCalls.length > 0)) {
    return {
      kind: 'message',
      content: joined(out.output),
      reasoning: truthy(out.reasoning) ? joined(out.reasoning!) : null,
      toolCalls: mergeToolCalls(out.toolCalls),
    };
  }
  const text = joined(out.output);
  return text ? { kind: 'text', text } : null;
}

/** TPOT input: what was generated after the first streamed chunk. */
export function tpotInput(out: TextModelOutput): MessageInput | TextInput | UncountableInput | null {
  if (out.tooDeep) return { kind: 'uncountable', note: TOO_DEEP_NOTE };
  const hasToolCalls = out.toolCalls !== null && out.toolCalls.length > 0;
  if (truthy(out.reasoning) || hasToolCalls) return messageAfterFirstChunk(out);
  // No reasoning and no tool calls: only a chunked output has a first chunk to drop.
  const text = afterFirst(out.output);
  return text ? { kind: 'text', text } : null;
}

function messageAfterFirstChunk(out: TextModelOutput): MessageInput {
  const reasoning = out.reasoning;
  const reasoningAfter = afterFirst(reasoning);
  const hasReasoningTail = reasoningAfter !== null;
  let contentAfter = '';
  if (truthy(out.output)) {
    if (typeof out.output === 'string') {
      if (hasReasoningTail || (truthy(reasoning) && reasoning instanceof Chunks)) contentAfter = out.output;
    } else if (hasReasoningTail || truthy(reasoning)) {
      contentAfter = out.output.text;
    } else {
      contentAfter = afterFirst(out.output) ?? '';
    }
  }
  let calls = out.toolCalls;
  if (calls && calls.length > 0 && isChunked(calls) && !(truthy(out.output) || truthy(reasoning))) {
    calls = calls.slice(1);
  }
  return { kind: 'message', content: contentAfter, reasoning: reasoningAfter, toolCalls: mergeToolCalls(calls) };
}
