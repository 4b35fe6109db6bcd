// The events of an events.jsonl log (SPEC §1, the reference's core/types.py),
// as replay holds them once decoded.
import type { Json, JsonObject } from './json.js';

export type SessionEvent =
  | 'session.started'
  | 'session.ended'
  | 'session.stop_loadgen'
  | 'session.start_performance_tracking'
  | 'session.stop_performance_tracking';
export type SampleEvent = 'sample.issued' | 'sample.recv_first' | 'sample.recv_non_first' | 'sample.complete';
export type ErrorEvent = 'error.generic' | 'error.loadgen' | 'error.session' | 'error.client';
export type EventType = SessionEvent | SampleEvent | ErrorEvent;

/** Every event type, in a fixed order (records index into it). */
export const EVENT_TYPES: readonly EventType[] = [
  'session.started',
  'session.ended',
  'session.stop_loadgen',
  'session.start_performance_tracking',
  'session.stop_performance_tracking',
  'sample.issued',
  'sample.recv_first',
  'sample.recv_non_first',
  'sample.complete',
  'error.generic',
  'error.loadgen',
  'error.session',
  'error.client',
];

export interface PromptData {
  tag: 'PromptData';
  text: string | null;
  tokenIdsCount: number | null;
  messages: JsonObject[] | null;
  tools: JsonObject[] | null;
  chatTemplateKwargs: JsonObject | null;
  chatTemplate: string | null;
  toolChoice: string | JsonObject | null;
  /** Set when messages/tools/kwargs nested beyond STRUCTURE_DEPTH_LIMIT: they were dropped, and the prompt is not counted. */
  tooDeep?: true;
}

/**
 * Nesting depth (of the event's data array) beyond which structured chat data is
 * dropped at decoding: Python's recursion limit (1000) stops the reference before it,
 * and the template interpreter's depth budget handles what lies below it, but the
 * tokenizer pool's IPC (de)serialization overflows the stack near 2000 levels.
 */
export const STRUCTURE_DEPTH_LIMIT = 1600;
export const TOO_DEEP_NOTE = `not counted: structured chat data nested more than ${STRUCTURE_DEPTH_LIMIT} levels deep (beyond the reference's recursion limit)`;

/**
 * A streamed field, logged as the list of its chunks: how many, the first, and
 * the rest joined — all the metrics read (OSL counts first + rest, TPOT the rest).
 */
export class Chunks {
  constructor(
    readonly count: number,
    readonly first: string,
    readonly rest: string,
  ) {}

  static of(parts: readonly string[]): Chunks {
    return new Chunks(parts.length, parts[0] ?? '', parts.slice(1).join(''));
  }

  get text(): string {
    return this.first + this.rest;
  }
}

/** A streamed field is its chunks; a non-streamed one a plain string. */
export type OutputField = string | Chunks;

export interface TextModelOutput {
  tag: 'TextModelOutput';
  output: OutputField;
  reasoning: OutputField | null;
  /** Either a list of call objects, or a list of per-chunk lists of partial calls. */
  toolCalls: Json[] | null;
  /** Set when tool_calls nested beyond STRUCTURE_DEPTH_LIMIT: they were dropped, and OSL/TPOT are not counted. */
  tooDeep?: true;
}

export interface ErrorData {
  tag: 'ErrorData';
  errorType: string;
  errorMessage: string;
}

export type EventData = PromptData | TextModelOutput | ErrorData;

export interface EventRecord {
  eventType: EventType;
  /** Exact: monotonic ns can exceed 2^53. */
  timestampNs: bigint;
  sampleUuid: string;
  conversationId: string;
  turn: number | null;
  data: EventData | null;
  finishReason: string | undefined;
  workerId: number | undefined;
}
